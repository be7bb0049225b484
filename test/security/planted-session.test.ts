// Actor: a member of the shared deploy group. They write a session.jsonl into the shared sessions
// folder, signed by their own key, whose header claims to be the victim's (user, host) with a dead
// runner, and whose recorded runbook runs their command. Promise 2: nothing runs unless a trusted
// person started it; `resume` refuses the session and names the key.
import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {logFormat, type LogHeader} from '../../src/core/audit/entry.js';
import {ed25519Blob, fingerprint, formatPublicKey} from '../../src/core/audit/ssh-wire.js';
import type {RunEvent} from '../../src/core/run/events.js';
import {parseRunbook} from '../../src/core/runbook/parse.js';
import {SessionLog} from '../../src/store/session-log.js';
import {binRunbook, isolatedEnv, repoRoot} from '../helpers/cli.js';
import {keyFromSeed, localSigner} from '../helpers/signed-log.js';
import {skipUnless} from '../helpers/skip.js';

const attackerKey = keyFromSeed(66);
const attackerFingerprint = fingerprint(ed25519Blob(attackerKey));
const victim = os.userInfo().username;
const plantedId = '29991231T235959Z-planted';

/** The attacker's log, built in `dir`: their key attests a header that claims to be the victim's. */
async function writePlantedLog(dir: string, marker: string): Promise<void> {
	const parsed = parseRunbook(
		`version: 1\nname: Routine restart\nphases:\n  - id: p\n    steps:\n      - id: restart\n        run: touch ${marker}\n`,
	);
	if (!parsed.ok) throw new Error('the planted runbook does not parse');
	const signer = localSigner(attackerKey);
	const header: LogHeader = {
		format: logFormat,
		session: plantedId,
		tool: {name: 'runbook', version: '0.1.0'},
		wall: new Date().toISOString(),
		runbook: {path: path.join(dir, '..', 'gone', 'deploy.yaml'), sha256: '0'.repeat(64)},
		operator: {user: victim, host: os.hostname()},
		identity: {key: formatPublicKey(signer.publicKey), fingerprint: attackerFingerprint, source: 'local'},
		skey: formatPublicKey(ed25519Blob(keyFromSeed(67))),
		term: {cols: 80, rows: 24},
		pid: 2 ** 22 + 1, // beyond pid_max: no process has it, so the runner is "gone"
	};
	const log = await SessionLog.create(dir, header, {sessionKey: keyFromSeed(67), identity: signer});
	const started: RunEvent = {
		type: 'session-started',
		t: 1,
		runbook: parsed.runbook,
		options: {operator: victim, isInteractive: false, isPreApproved: true},
		wall: header.wall,
	} as RunEvent;
	log.append(started);
	log.close();
}

/** The victim's `runbook resume --yes` (or `command`), with or without the session named. */
function victimResumes(logDir: string, session?: string, command: string[] = ['resume', '--yes']) {
	const result = spawnSync(
		process.execPath,
		[binRunbook, ...command, ...(session ? [session] : []), '--log-dir', logDir],
		{cwd: repoRoot, env: {...process.env, ...isolatedEnv, CI: 'true'}, encoding: 'utf8', timeout: 20_000},
	);
	return {code: result.status, stderr: result.stderr};
}

function expectRefused(outcome: {code: number | null; stderr: string}, marker: string) {
	expect(outcome.stderr).toContain(attackerFingerprint);
	expect(outcome.stderr).toContain(`${victim}@${os.hostname()} (claimed)`);
	expect(outcome.stderr).toMatch(/not trusted/);
	expect(outcome.code).toBe(2);
	expect(existsSync(marker), 'the planted command ran').toBe(false);
}

const canMakeUsers =
	process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v useradd && command -v groupadd']).status === 0;
const asSecondUser = skipUnless(canMakeUsers, 'needs root and useradd to create a second, unprivileged user');

describe('a session planted in the shared folder', () => {
	const group = 'rbshared';
	const attacker = 'rbattacker';
	afterAll(() => {
		if (!canMakeUsers) return;
		spawnSync('userdel', [attacker]);
		spawnSync('groupdel', [group]);
	});

	asSecondUser(
		'written by another group member is refused by resume --yes, with and without its id, naming the key',
		async () => {
			spawnSync('userdel', [attacker]);
			spawnSync('groupdel', [group]);
			execFileSync('groupadd', [group]);
			execFileSync('useradd', ['-M', '-N', '-g', group, attacker]);
			const base = mkdtempSync(path.join(os.tmpdir(), 'runbook-planted-'));
			chmodSync(base, 0o755);
			const shared = path.join(base, 'sessions');
			mkdirSync(shared);
			chownSync(shared, 0, Number(execFileSync('getent', ['group', group], {encoding: 'utf8'}).split(':')[2]));
			chmodSync(shared, 0o3770); // the README's shared folder
			const marker = path.join(os.tmpdir(), `runbook-planted-${process.pid}.pwned`);
			// The log is the attacker's bytes; they copy it in as themselves, so it is theirs.
			const staging = path.join(mkdtempSync(path.join(os.tmpdir(), 'runbook-attacker-')), 'session');
			await writePlantedLog(staging, marker);
			chmodSync(path.dirname(staging), 0o755);
			spawnSync('chmod', ['-R', 'a+rX', path.dirname(staging)]);
			const copied = spawnSync('su', [attacker, '-s', '/bin/sh', '-c', `cp -r ${staging} ${shared}/${plantedId}`]);
			expect(copied.status, copied.stderr?.toString()).toBe(0);

			expectRefused(victimResumes(shared), marker);
			expectRefused(victimResumes(shared, plantedId), marker);
			rmSync(base, {recursive: true, force: true});
		},
		60_000,
	);

	it('written by anyone with another key is refused the same way, even as the same OS user', async () => {
		const logDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'runbook-planted-')), 'sessions');
		const marker = path.join(os.tmpdir(), `runbook-planted-same-${process.pid}.pwned`);
		await writePlantedLog(path.join(logDir, plantedId), marker);
		expectRefused(victimResumes(logDir), marker);
		expectRefused(victimResumes(logDir, plantedId), marker);
		expectRefused(victimResumes(logDir, plantedId, ['watch']), marker);
		expectRefused(victimResumes(logDir, plantedId, ['approve']), marker);
	}, 60_000);
});
