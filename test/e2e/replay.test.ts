import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {binRunbook, runCli} from '../helpers/cli.js';
import {startTui, type Tui} from '../helpers/tmux.js';

const tmp = (name: string) => mkdtempSync(path.join(os.tmpdir(), `runbook-${name}-`));
let tui: Tui | undefined;
afterEach(() => tui?.kill());

/** The summary block at the bottom of a screen: from the outcome line to the log line. */
const summaryOf = (screen: string) =>
	screen
		.split('\n')
		.filter((l) => /^(✓|✗|↶|■) |^\s+(signed off|log):/.test(l))
		.join('\n');

describe('replay', () => {
	it('ends on the same final frame as the live run, and runs nothing: steps that made files do not make them again', async () => {
		const dir = tmp('replay');
		const logDir = path.join(dir, 'sessions');
		const runbook = path.join(dir, 'files.yaml');
		writeFileSync(
			runbook,
			`version: 1\nname: Makes files\nphases:\n  - id: p\n    name: Only\n    steps:\n      - id: one\n        run: touch ${dir}/one && echo made one\n        confirm: true\n      - id: two\n        run: touch ${dir}/two && echo made two\nsignoff: [Operator]\n`,
		);
		tui = startTui(`node ${binRunbook} run ${runbook} --log-dir ${logDir}`);
		await tui.waitFor('Run `one`?');
		tui.keys('Enter');
		await tui.waitFor('Your name:');
		tui.type('Ada');
		await tui.waitFor('Your name: Ada');
		tui.keys('Enter');
		expect(await tui.exitCode()).toBe(0);
		const live = summaryOf(tui.screen());
		expect(live).toContain('✓ Completed');
		tui.kill();
		rmSync(path.join(dir, 'one'));
		rmSync(path.join(dir, 'two'));

		const [id] = readdirSync(logDir);
		tui = startTui(`node ${binRunbook} replay ${id} --log-dir ${logDir} --speed 64`);
		await tui.waitFor(/event (\d+)\/\1 ·/);
		expect(summaryOf(tui.screen())).toBe(live);
		expect(tui.screen()).toMatch(/REPLAY .* paused · event/);
		tui.keys('q');
		expect(await tui.exitCode()).toBe(0);
		expect(existsSync(path.join(dir, 'one'))).toBe(false);
		expect(existsSync(path.join(dir, 'two'))).toBe(false);
	}, 30_000);

	it('an altered log is refused without --force, and shown under a red banner with it; without a terminal, plain lines', async () => {
		const dir = tmp('replay-invalid');
		const logDir = path.join(dir, 'sessions');
		expect(
			runCli(['run', 'test/fixtures/plain.yaml', '--yes', '--concurrent', '--log-dir', logDir], {env: {CI: 'true'}})
				.code,
		).toBe(0);
		const [id] = readdirSync(logDir);
		const file = path.join(logDir, id!, 'session.jsonl');
		writeFileSync(file, readFileSync(file, 'utf8').replaceAll('hello from the runbook', 'HELLO from the runbook'));
		const refused = runCli(['replay', file]);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toMatch(/INVALID: line \d+ .*\nrunbook: replay refused/);
		const plain = runCli(['replay', file, '--force'], {env: {CI: 'true'}});
		expect(plain.code).toBe(0);
		expect(plain.stdout).toMatch(/^NOT VERIFIED: INVALID/);
		expect(plain.stdout).toContain('   | HELLO from the runbook');
		tui = startTui(`node ${binRunbook} replay ${file} --force --speed 64`);
		await tui.waitFor(/event (\d+)\/\1 ·/);
		expect(tui.screen()).toMatch(/NOT VERIFIED: INVALID: line \d+/);
	}, 30_000);

	it('a log cut before its seal and signed by a stranger replays under an UNTRUSTED banner naming the key', () => {
		const dir = tmp('replay-untrusted');
		const logDir = path.join(dir, 'sessions');
		const strangerConfig = tmp('replay-stranger');
		const stranger = {XDG_CONFIG_HOME: strangerConfig, CI: 'true'};
		const ran = runCli(['run', 'test/fixtures/plain.yaml', '--yes', '--concurrent', '--log-dir', logDir], {
			env: stranger,
		});
		expect(ran.code, ran.stderr).toBe(0);
		const [id] = readdirSync(logDir);
		const file = path.join(logDir, id!, 'session.jsonl');
		const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
		writeFileSync(file, `${lines.slice(0, -1).join('\n')}\n`);
		rmSync(`${file}.sig`);
		const key = /SHA256:\S+/.exec(runCli(['keys'], {env: stranger}).stdout)![0];
		const replayed = runCli(['replay', file], {env: {CI: 'true'}});
		expect(replayed.code).toBe(0);
		expect(replayed.stdout.split('\n')[0]).toMatch(/^UNTRUSTED: incomplete \(no seal; .*\), but signed by /);
		expect(replayed.stdout.split('\n')[0]).toContain(`signed by ${key}, not your own identity`);
		const verified = runCli(['verify', file]);
		expect(verified.code).toBe(4);
		expect(verified.stdout).toContain(`signed by ${key}`);
	});

	it('bad flags say why', () => {
		expect(runCli(['replay', 'x', '--speed', 'fast']).stderr).toMatch(/--speed fast: expected a positive number/);
		expect(runCli(['replay', 'nope']).stderr).toMatch(/no session log at `nope`/);
	});
});
