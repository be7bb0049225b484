// SESSION left out: in a terminal, `replay`, `verify`, `export` and `watch` let the operator pick
// one from a list; without a terminal they say what they need, as before.
import {mkdtempSync, readdirSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {binRunbook, runCli} from '../helpers/cli.js';
import {closedAfterEachTest, wrappedOnScreen} from '../helpers/tmux.js';

const logDir = mkdtempSync(path.join(os.tmpdir(), 'runbook-picker-'));
const recorded = [1, 2].map(() =>
	// Other test files run the same fixture at the same time: concurrent runs of one file.
	runCli(['run', 'test/fixtures/plain.yaml', '--yes', '--concurrent', '--log-dir', logDir], {env: {CI: 'true'}}),
);
const [olderId, newestId] = readdirSync(logDir).sort();
const openTui = closedAfterEachTest();
const keys = {down: 'Down', enter: 'Enter', escape: 'Escape'};

describe('the session picker in a terminal', () => {
	it('the sessions to pick from were recorded', () => {
		expect(recorded.map((run) => run.code)).toEqual([0, 0]);
	});

	it('replay without SESSION lists both sessions newest first; ↓ Enter replays the older one', async () => {
		const tui = openTui(`node ${binRunbook} replay --log-dir ${logDir} --speed 64`);
		const list = await tui.waitFor('replay which session?');
		expect(list).toMatch(/STARTED +OUTCOME +VERDICT +OPERATOR +RUNBOOK/);
		const rows = list.split('\n').filter((line) => line.includes('Plain mode fixture'));
		expect(rows).toHaveLength(2);
		expect(rows[0]).toMatch(/^❯ .*completed +VALID/);
		tui.keys(keys.down);
		tui.keys(keys.enter);
		const replayed = await tui.waitFor('✓ Completed');
		expect(replayed).not.toContain('which session?');
		await tui.waitFor(wrappedOnScreen(path.join(logDir, olderId!, 'session.jsonl')));
		tui.keys('q');
		expect(await tui.exitCode()).toBe(0);
	});

	it('verify without SESSION verifies the session picked, and exits with its verdict', async () => {
		const tui = openTui(`node ${binRunbook} verify --log-dir ${logDir}`);
		await tui.waitFor('verify which session?');
		tui.keys(keys.enter);
		expect(await tui.exitCode()).toBe(0);
		const screen = tui.screen();
		expect(screen).toContain(path.join(logDir, newestId!, 'session.jsonl'));
		expect(screen).toMatch(/VALID/);
		expect(screen).not.toContain('which session?');
	});

	it('Esc or q leaves the picker with exit 130, and nothing is done', async () => {
		for (const [command, key] of [
			['export --format json', keys.escape],
			['watch', 'q'],
		] as const) {
			const tui = openTui(`node ${binRunbook} ${command} --log-dir ${logDir}`);
			await tui.waitFor('which session?');
			tui.keys(key);
			expect(await tui.exitCode(), command).toBe(130);
			expect(tui.screen()).not.toContain('"header"');
		}
	});
});

describe('SESSION left out without a terminal', () => {
	it('replay, verify and export say they need one (exit 2); watch lists the live sessions', () => {
		for (const command of ['replay', 'verify', 'export'] as const) {
			const result = runCli([command, '--log-dir', logDir, ...(command === 'export' ? ['--format', 'md'] : [])]);
			expect({command, code: result.code, stderr: result.stderr}).toEqual({
				command,
				code: 2,
				stderr: `runbook: \`runbook ${command}\` takes one SESSION; see \`runbook ${command} --help\`\n`,
			});
		}
		const watched = runCli(['watch', '--log-dir', logDir]);
		expect(watched.code).toBe(0);
		expect(watched.stdout).toBe(`no live sessions you can read in ${logDir}\n`);
	});
});
