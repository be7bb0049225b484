import {execFileSync, spawnSync} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {verifySshsig} from '../../src/core/audit/sshsig.js';
import {runCli} from '../helpers/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-interop-'));
const runbook = path.join(dir, 'tiny.yaml');
writeFileSync(
	runbook,
	'version: 1\nname: Tiny\nphases:\n  - id: p\n    steps:\n      - id: a\n        run: echo signed\n',
);

function session(env: Record<string, string>, name: string) {
	const logDir = path.join(dir, name);
	const run = runCli(['run', runbook, '--log-dir', logDir], {env: {CI: 'true', ...env}});
	expect(run.code, run.stderr).toBe(0);
	const [id] = readdirSync(logDir);
	return path.join(logDir, id!, 'session.jsonl');
}

const keygen = (args: string[], input?: Buffer) => spawnSync('ssh-keygen', args, {input, encoding: 'utf8'});

describe('interop with OpenSSH', () => {
	const config = mkdtempSync(path.join(os.tmpdir(), 'runbook-config-'));
	const log = session({XDG_CONFIG_HOME: config}, 'local');
	const allowed = path.join(dir, 'allowed_signers');
	writeFileSync(
		allowed,
		`${runCli(['keys'], {env: {XDG_CONFIG_HOME: config}})
			.stdout.split('\n')
			.find((l) => l.includes('namespaces='))!
			.trim()}\n`,
	);
	const principal = readFileSync(allowed, 'utf8').split(' ')[0]!;

	it('ssh-keygen -Y verify accepts our session.jsonl.sig, with the line `runbook keys` printed', () => {
		const result = keygen(
			['-Y', 'verify', '-f', allowed, '-I', principal, '-n', 'runbook-session', '-s', `${log}.sig`],
			readFileSync(log),
		);
		expect(result.status, result.stderr).toBe(0);
		expect(result.stdout).toMatch(/Good "runbook-session" signature/);
	});

	it('a wrong namespace or principal fails on both sides', () => {
		expect(
			keygen(
				['-Y', 'verify', '-f', allowed, '-I', principal, '-n', 'other-namespace', '-s', `${log}.sig`],
				readFileSync(log),
			).status,
		).not.toBe(0);
		expect(
			keygen(
				['-Y', 'verify', '-f', allowed, '-I', 'mallory@elsewhere', '-n', 'runbook-session', '-s', `${log}.sig`],
				readFileSync(log),
			).status,
		).not.toBe(0);
		expect(verifySshsig(readFileSync(log), readFileSync(`${log}.sig`, 'utf8'), 'other-namespace')).toMatchObject({
			isValid: false,
		});
		const ours = runCli(['verify', log, '--allowed-signers', allowed, '--principal', 'mallory@elsewhere']);
		expect(ours.code).toBe(4);
		expect(ours.stdout).toMatch(/UNTRUSTED/);
		expect(runCli(['verify', log, '--allowed-signers', allowed, '--principal', principal]).code).toBe(0);
	});

	it("ssh-keygen's own edit check: a changed byte fails there too", () => {
		const edited = Buffer.from(readFileSync(log).toString('utf8').replace('signed', 'signeD'));
		expect(
			keygen(['-Y', 'verify', '-f', allowed, '-I', principal, '-n', 'runbook-session', '-s', `${log}.sig`], edited)
				.status,
		).not.toBe(0);
	});

	describe('with an ssh-agent the test starts', () => {
		const socket = path.join(dir, 'agent.sock');
		const agent = execFileSync('ssh-agent', ['-a', socket, '-s'], {encoding: 'utf8'});
		const agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(agent)![1]);
		afterAll(() => process.kill(agentPid));
		const key = path.join(dir, 'agent_key');
		execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ops@example.com', '-f', key]);
		execFileSync('ssh-add', [key], {env: {...process.env, SSH_AUTH_SOCK: socket}, stdio: 'ignore'});
		const agentLog = session({SSH_AUTH_SOCK: socket}, 'agent');
		const fingerprint = /SHA256:\S+/.exec(
			execFileSync('ssh-keygen', ['-l', '-f', `${key}.pub`], {encoding: 'utf8'}),
		)![0];
		const agentAllowed = path.join(dir, 'agent_allowed');
		writeFileSync(agentAllowed, `ops@example.com ${readFileSync(`${key}.pub`, 'utf8')}`);

		it('signs with the agent key, and says so in the header and in `runbook keys`', () => {
			const header = JSON.parse(readFileSync(agentLog, 'utf8').split('\n')[0]!);
			expect(header.identity).toMatchObject({source: 'agent', fingerprint});
			expect(runCli(['keys'], {env: {SSH_AUTH_SOCK: socket}}).stdout).toContain(`ssh-agent key ${fingerprint}`);
			const keygenCheck = keygen(
				['-Y', 'verify', '-f', agentAllowed, '-I', 'ops@example.com', '-n', 'runbook-session', '-s', `${agentLog}.sig`],
				readFileSync(agentLog),
			);
			expect(keygenCheck.status, keygenCheck.stderr).toBe(0);
			const ours = runCli(['verify', agentLog, '--allowed-signers', agentAllowed]);
			expect(ours.stdout).toMatch(/VALID: .*signed by ops@example\.com/);
		});

		it('we accept a signature ssh-keygen -Y sign made over the session', () => {
			const copy = path.join(dir, 'resigned.jsonl');
			writeFileSync(copy, readFileSync(agentLog));
			const signed = keygen(['-Y', 'sign', '-f', key, '-n', 'runbook-session', copy]);
			expect(signed.status, signed.stderr).toBe(0);
			const ours = runCli(['verify', copy, '--allowed-signers', agentAllowed]);
			expect(ours.code, ours.stdout).toBe(0);
			expect(verifySshsig(readFileSync(copy), readFileSync(`${copy}.sig`, 'utf8'), 'runbook-session')).toMatchObject({
				isValid: true,
			});
		});
	});
});
