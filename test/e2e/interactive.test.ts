// An interactive step end to end in a real terminal: the screen steps aside, the command reads
// a name and a hidden password from the operator, the window is resized meanwhile, and the
// screen comes back. The log (and a replay of it) holds what was printed, never the password.
import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {binRunbook, runCli} from '../helpers/cli.js';
import {isAlive} from '../helpers/procs.js';
import {closedAfterEachTest} from '../helpers/tmux.js';

const password = 'hunter2-very-secret';

function fixture() {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-interactive-'));
	const runbook = path.join(dir, 'interactive.yaml');
	writeFileSync(
		runbook,
		[
			'version: 1',
			'name: Interactive',
			'phases:',
			'  - id: admin',
			'    steps:',
			'      - id: createsuperuser',
			'        run: |',
			`          read -p 'name: ' n; read -s -p 'password: ' p; echo; stty size; read -p 'resized? ' r; stty size; echo "hello $n"`,
			'        interactive: true',
			'      - id: after',
			'        run: echo "after ran"',
			'',
		].join('\n'),
	);
	return {dir, runbook, logDir: path.join(dir, 'sessions')};
}

const tui = closedAfterEachTest();

describe('an interactive step', () => {
	it('gets the terminal; the name is recorded, the password never; a resize reaches it; the screen returns', async () => {
		const f = fixture();
		const t = tui(`${binRunbook} run ${f.runbook} --log-dir ${f.logDir}`);
		await t.waitFor('name:');
		t.type('ada');
		t.keys('Enter');
		await t.waitFor('password:');
		t.type(password);
		t.keys('Enter');
		await t.waitFor('24 80');
		t.resize(100, 30);
		// The command asks its size again after the resize: the pty follows the window.
		t.type('y');
		t.keys('Enter');
		expect(await t.exitCode(15_000)).toBe(0);
		const screen = t.screen();
		expect(screen).toContain('✓ after');
		expect(screen).not.toContain(password);
		const sessionDir = path.join(f.logDir, readdirSync(f.logDir)[0]!);
		const logText = readFileSync(path.join(sessionDir, 'session.jsonl'), 'utf8');
		expect(logText).not.toContain(password);
		const records = logText
			.split('\n')
			.filter(Boolean)
			.map((l) => JSON.parse(l) as Record<string, unknown>);
		expect(records.find((r) => r.type === 'command-started' && r.step === 'createsuperuser')).toMatchObject({
			input: 'not-recorded',
		});
		const tty = records
			.filter((r) => r.type === 'output-recorded' && r.stream === 'tty')
			.map((r) => r.text)
			.join('');
		expect(tty).toContain('hello ada');
		expect(tty).toContain('30 100');
		const replay = runCli(['replay', path.join(sessionDir, 'session.jsonl')]);
		expect(replay.stdout).toContain('hello ada');
		expect(replay.stdout).not.toContain(password);
	}, 40_000);

	it('the terminal drops while it runs: recorded as lost, and resume asks the operator as for a lost step', async () => {
		const f = fixture();
		const first = tui(`${binRunbook} run ${f.runbook} --log-dir ${f.logDir}`);
		await first.waitFor('name:');
		const sessionDir = path.join(f.logDir, readdirSync(f.logDir)[0]!);
		const records = () =>
			readFileSync(path.join(sessionDir, 'session.jsonl'), 'utf8')
				.split('\n')
				.filter(Boolean)
				.map((l) => JSON.parse(l) as Record<string, unknown>);
		const runner = records()[0]!.pid as number;
		const spawned = records().find((r) => r.type === 'command-spawned' && r.step === 'createsuperuser')!;
		// Closing the terminal is what an SSH drop does: the runner gets SIGHUP (or EIO on a write).
		first.kill();
		await expect.poll(() => isAlive(runner), {timeout: 10_000}).toBe(false);
		// The command cannot outlive its runner: no half-finished createsuperuser is left behind.
		await expect.poll(() => isAlive(spawned.pid as number), {timeout: 10_000}).toBe(false);
		const types = records().map((r) => r.type);
		expect(records().find((r) => r.type === 'session-detached')).toMatchObject({step: 'createsuperuser'});
		expect(types).not.toContain('command-exited');
		expect(types).not.toContain('session-ended');

		const second = tui(`${binRunbook} resume --log-dir ${f.logDir}`);
		await second.waitFor('Check by hand whether it ran');
		expect(second.screen()).toMatch(/r run again · d mark done · s skip · a abort/);
		expect(records().find((r) => r.type === 'command-lost')).toMatchObject({
			step: 'createsuperuser',
			reason: 'the runner stopped during an interactive step, which cannot outlive it; what it did is unknown',
		});
		second.keys('d');
		await second.waitFor('How do you know it is done?');
		second.type('admin user exists in the admin site');
		second.keys('Enter');
		expect(await second.exitCode(15_000)).toBe(0);
		expect(records().find((r) => r.type === 'step-succeeded' && r.step === 'createsuperuser')).toMatchObject({
			reason: 'admin user exists in the admin site',
		});
		expect(runCli(['verify', sessionDir]).stdout).toMatch(/^VALID/m);
	}, 60_000);

	it('without a terminal stops with exit 2 and says why', () => {
		const f = fixture();
		const result = runCli(['run', f.runbook, '--log-dir', f.logDir]);
		expect(result.code).toBe(2);
		expect(result.stdout + result.stderr).toContain('`createsuperuser` is interactive: it needs the terminal');
	});
});
