// How runbook behaves toward the terminal and the shell around it: colour on request, a closed
// pipe, and SESSION named the short ways.
import {spawn} from 'node:child_process';
import {mkdtempSync, readdirSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {binRunbook, isolatedEnv, repoRoot, runCli} from '../helpers/cli.js';
import {closedAfterEachTest} from '../helpers/tmux.js';

const logDir = mkdtempSync(path.join(os.tmpdir(), 'runbook-terminal-'));
const first = runCli(['run', 'test/fixtures/plain.yaml', '--yes', '--concurrent', '--log-dir', logDir], {
	env: {CI: 'true'},
});
const second = runCli(['run', 'test/fixtures/plain.yaml', '--yes', '--concurrent', '--log-dir', logDir], {
	env: {CI: '1'},
});
const [olderId, newestId] = readdirSync(logDir).sort();
const openTui = closedAfterEachTest();

/** Runs the CLI with its stdout a pipe whose reader is gone before anything is written. */
function withClosedReader(args: string[]): Promise<{code: number | null; stderr: string}> {
	const child = spawn(process.execPath, [binRunbook, ...args], {
		cwd: repoRoot,
		env: {...process.env, ...isolatedEnv},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	child.stdout.destroy();
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
	return new Promise((resolve) => child.on('close', (code) => resolve({code, stderr})));
}

describe('the shell around runbook', () => {
	it('a reader that closes early (`| head -1`) ends the output quietly with exit 0', async () => {
		for (const args of [['schema'], ['run', 'runbooks/demo.yaml', '--dry-run']]) {
			const closed = await withClosedReader(args);
			expect({args, ...closed}).toEqual({args, code: 0, stderr: ''});
		}
	});

	it('NO_COLOR turns every colour escape off; without it the same screen has colour', async () => {
		const replay = (env: string) =>
			openTui(`${env} node ${binRunbook} replay ${newestId} --log-dir ${logDir} --speed 64`);
		const coloured = replay('');
		await coloured.waitFor('✓ Completed');
		expect(coloured.screenWithEscapes()).toMatch(/\u001b\[[0-9;]*m/);
		const plain = replay('NO_COLOR=1');
		await plain.waitFor('✓ Completed');
		expect(plain.screenWithEscapes()).not.toMatch(/\u001b\[/);
	});

	it('CI=false is not CI: the screen is drawn, not plain lines', async () => {
		const tui = openTui(`CI=false node ${binRunbook} replay ${newestId} --log-dir ${logDir} --speed 64`);
		await tui.waitFor(/REPLAY .* event \d+\/\d+/);
	});
});

describe('SESSION by `latest` or a unique prefix, for every command that takes one', () => {
	const sessionArgs = (name: string) => [name, '--log-dir', logDir];

	it('the sessions to name were recorded', () => {
		expect([first.code, second.code]).toEqual([0, 0]);
	});

	it('verify, export, replay and watch take `latest` and a prefix', () => {
		const prefix = newestId!.slice(0, newestId!.length - 3);
		for (const name of ['latest', prefix]) {
			const verified = runCli(['verify', ...sessionArgs(name)]);
			expect(verified.code, verified.stderr).toBe(0);
			expect(verified.stdout).toContain(path.join(logDir, newestId!, 'session.jsonl'));
			const exported = runCli(['export', ...sessionArgs(name), '--format', 'json']);
			expect(JSON.parse(exported.stdout).header.session).toBe(newestId);
			expect(runCli(['replay', ...sessionArgs(name)], {env: {CI: 'true'}}).stdout).toContain('== completed');
			expect(runCli(['watch', ...sessionArgs(name)], {env: {CI: 'true'}}).stdout).toContain('== completed');
		}
	});

	it('resume and approve find the session by `latest` and by a prefix, and say why they will not act on it', () => {
		for (const name of ['latest', newestId!.slice(0, newestId!.length - 3)]) {
			expect(runCli(['resume', ...sessionArgs(name)]).stderr).toBe(
				`runbook: session ${newestId} is sealed: it ended and nothing more can be recorded in it\n`,
			);
			expect(runCli(['approve', ...sessionArgs(name)]).stderr).toBe(
				`runbook: session ${newestId} has ended; there is nothing to approve\n`,
			);
		}
	});

	it('a prefix that fits both sessions is bad usage, listing them', () => {
		const shared = [...olderId!].findIndex((char, index) => char !== newestId![index]);
		const ambiguous = runCli(['verify', ...sessionArgs(olderId!.slice(0, shared))]);
		expect(ambiguous.code).toBe(2);
		expect(ambiguous.stderr).toContain(
			`names 2 sessions in ${logDir}; give more of the id:\n  ${olderId}\n  ${newestId}\n`,
		);
	});
});
