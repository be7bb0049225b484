// The output pager in a real terminal: a finished step's whole output opened from the run and
// searched, a running step's followed, and a watcher reading a step while the run goes on.
import {mkdtempSync, readdirSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {binRunbook} from '../helpers/cli.js';
import {closedAfterEachTest} from '../helpers/tmux.js';

const startTui = closedAfterEachTest();
const tmp = (name: string) => mkdtempSync(path.join(os.tmpdir(), `runbook-${name}-`));

function runbookIn(dir: string, steps: string): string {
	const file = path.join(dir, 'pager.yaml');
	writeFileSync(file, `version: 1\nname: Pager\nphases:\n  - id: p\n    name: Only\n    steps:\n${steps}`);
	return file;
}

const noisy = `      - id: noisy
        run: |
          for i in $(seq 1 300); do echo "row $i of the build"; done
          echo "warning: disk almost full" >&2
`;

describe('the output pager', () => {
	it("opens a finished step's whole output from the log, searches it, and goes back", async () => {
		const dir = tmp('pager');
		const file = runbookIn(dir, `${noisy}      - id: look\n        check: [The dashboard is green]\n`);
		const tui = startTui(`node ${binRunbook} run ${file} --log-dir ${dir}/sessions`);
		await tui.waitFor('The dashboard is green');
		tui.keys('Up');
		await tui.waitFor('▸ selected: noisy (succeeded)');
		tui.keys('o');
		const last = await tui.waitFor('output of noisy · lines');
		expect(last).toMatch(/^▌ warning: disk almost full/m);
		expect(last).toContain('row 300 of the build');
		tui.keys('/');
		tui.type('row 12');
		tui.keys('Enter');
		expect(await tui.waitFor('› row 12 of the build')).not.toContain('row 300 of the build');
		tui.keys('n');
		await tui.waitFor('› row 120 of the build');
		tui.keys('g');
		await tui.waitFor(/^ {2}row 1 of the build/m);
		tui.keys('q');
		await tui.waitFor('p passed');
		tui.keys('p');
		expect(await tui.exitCode(15_000)).toBe(0);
	}, 40_000);

	it("follows a running step's output; ↑ pauses the follow, G resumes it", async () => {
		const dir = tmp('pager-live');
		const file = runbookIn(
			dir,
			`      - id: slow\n        run: for i in $(seq 1 400); do echo "tick $i"; sleep 0.02; done\n`,
		);
		const tui = startTui(`node ${binRunbook} run ${file} --log-dir ${dir}/sessions --yes`);
		await tui.waitFor('tick 60');
		tui.keys('o');
		await tui.waitFor('● following');
		tui.keys('Up');
		const paused = await tui.waitFor('⏸ paused · G follows');
		const [, range, total] = /lines (\d+–\d+) of (\d+)/.exec(paused)!;
		// The page stays where it was while the output goes on growing below it.
		await tui.waitFor(new RegExp(`lines ${range} of (?!${total}\\b)\\d+`));
		tui.keys('G');
		await tui.waitFor('● following');
		tui.keys('q');
		expect(await tui.exitCode(30_000)).toBe(0);
	}, 45_000);

	it('a watcher picks a finished step, is told it is away from live, and reads its output', async () => {
		const dir = tmp('pager-watch');
		const file = runbookIn(dir, `${noisy}      - id: slow\n        run: sleep 20\n`);
		const run = startTui(`node ${binRunbook} run ${file} --log-dir ${dir}/sessions --yes`);
		await run.waitFor('running');
		const [id] = readdirSync(path.join(dir, 'sessions'));
		const watch = startTui(`node ${binRunbook} watch ${id} --log-dir ${dir}/sessions`);
		await watch.waitFor('LIVE ·');
		watch.keys('Up');
		await watch.waitFor('SCROLLED AWAY FROM LIVE');
		watch.keys('o');
		const pager = await watch.waitFor('output of noisy');
		expect(pager).toContain('not live · q back to live');
		expect(pager).toMatch(/^▌ warning: disk almost full/m);
		watch.keys('q');
		watch.keys('Down');
		await watch.waitFor(/^ LIVE ·/m);
		watch.keys('q');
		expect(await watch.exitCode()).toBe(0);
		run.keys('C-c');
	}, 45_000);
});
