import {render} from 'ink-testing-library';
import os from 'node:os';
import {stripVTControlCharacters} from 'node:util';
import {describe, expect, it} from 'vitest';
import {App} from '../../src/ui/App.js';
import {LiveSession} from '../../src/session/live.js';
import {FakeClock} from '../helpers/fake-clock.js';
import {loadRunbook, simulate, testSpoolDir} from '../helpers/scenarios.js';
import {frame} from '../helpers/render.js';

const migration = Array.from(
	{length: 12},
	(_, i) =>
		`psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -c "ALTER TABLE invoices_${i + 1} ADD COLUMN paid_at timestamptz NULL"`,
);
const runbook = (confirm: string, lines: string[]) =>
	loadRunbook(
		`version: 1\nname: Billing migration\ntarget: production\nphases:\n  - id: deploy\n    name: Deployment\n    steps:\n      - id: migrate\n        run: |\n${lines.map((l) => `          ${l}`).join('\n')}\n        confirm: ${confirm}\n`,
	);

describe('a confirmation shows the whole command, scrolling when it does not fit', () => {
	const typed = simulate(runbook('typed', migration));
	for (const [cols, rows] of [
		[80, 24],
		[60, 20],
	] as const) {
		for (const [where, commandTop] of [
			['top', 0],
			['end', 999],
		] as const) {
			it(`a 12-line command on a typed confirmation at ${cols}x${rows}, scrolled to the ${where}`, async () => {
				const text = frame(typed, {cols, rows, input: {mode: 'text', text: 'produ', commandTop}});
				expect(text.trimEnd().split('\n').length).toBeLessThan(rows);
				expect(text).toContain('↑↓ PgUp PgDn scroll the command');
				await expect(text).toMatchFileSnapshot(`../../snapshots/confirm/typed-12-lines.${cols}x${rows}.${where}.txt`);
			});
		}
	}

	it('every line of the command can be reached by scrolling, and the last row of the text is reached', () => {
		const seen = new Set<string>();
		for (let top = 0; top < 40; top++) {
			for (const line of frame(typed, {cols: 60, rows: 20, input: {mode: 'text', text: '', commandTop: top}}).split(
				'\n',
			))
				seen.add(line.trim());
		}
		const all = [...seen].join('\n');
		for (let i = 1; i <= 12; i++) expect(all).toContain(`invoices_${i} ADD`);
		expect(all).toContain('timestamptz NULL"');
	});

	it('a 6-line command at an Enter confirmation shows all six lines at 200 columns, with no scroll keys', () => {
		const text = frame(simulate(runbook('true', migration.slice(0, 6))), {cols: 200, rows: 24});
		for (let i = 1; i <= 6; i++) expect(text).toContain(`invoices_${i} ADD COLUMN paid_at timestamptz NULL"`);
		expect(text).not.toContain('(+');
		expect(text).not.toContain('scroll');
	});
});

/** How long a check waits for the keys before it to be read: long enough for a loaded machine. */
const frameWait = {timeout: 5000};

describe('scrolling the command by keyboard at a typed confirmation', () => {
	it('↓ and PgDn reach the end of the command, ↑ comes back, and the typed text is kept', async () => {
		const session = new LiveSession({
			runbook: runbook('typed', migration),
			options: {operator: 'alice', isInteractive: true, isPreApproved: false},
			vars: {},
			env: {},
			cwd: os.tmpdir(),
			spoolDir: testSpoolDir(),
			sink: {append: () => {}, flush: () => {}},
			clock: new FakeClock(),
		});
		const app = render(<App session={session} />);
		session.start();
		const screen = () => stripVTControlCharacters(app.lastFrame() ?? '');
		await expect.poll(screen, frameWait).toContain('Type `production`');
		await new Promise((r) => setTimeout(r, 10));
		app.stdin.write('prod');
		await expect.poll(screen, frameWait).toContain('> prod');
		expect(screen()).toContain('invoices_1 ADD');
		expect(screen()).not.toContain('invoices_12 ADD');
		app.stdin.write('\u001B[6~'); // PgDn
		for (let i = 0; i < 30; i++) app.stdin.write('\u001B[B');
		await expect.poll(screen, frameWait).toContain('the end');
		expect(screen()).toContain('invoices_12 ADD');
		app.stdin.write('\u001B[A');
		await expect.poll(screen, frameWait).toContain('more below');
		expect(screen()).toContain('> prod');
		app.unmount();
	});
});
