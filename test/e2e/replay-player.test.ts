// The replay player in a real terminal: the keys as tmux sends them (arrows, Home, End) seek.
import {afterEach, describe, expect, it} from 'vitest';
import {binRunbook} from '../helpers/cli.js';
import {tourWithSlowOutput} from '../helpers/replay-events.js';
import {writeLog} from '../helpers/signed-log.js';
import {startTui, type Tui} from '../helpers/tmux.js';

let tui: Tui | undefined;
afterEach(() => tui?.kill());

describe('replay keys in a terminal', () => {
	it('End, Home, → and 5 seek; l and / jump; q quits', async () => {
		const events = tourWithSlowOutput();
		const {file} = await writeLog(events);
		tui = startTui(`node ${binRunbook} replay ${file}`);
		await tui.waitFor(/REPLAY .* playing/);
		tui.keys('Space', 'End');
		await tui.waitFor(`event ${events.length}/${events.length}`);
		tui.keys('Home');
		await tui.waitFor(/REPLAY 00:03 \/ 02:37 · 1x · paused · event 1\//);
		tui.keys('Right', 'Right');
		await tui.waitFor('REPLAY 00:23 / 02:37');
		tui.keys('5');
		await tui.waitFor('REPLAY 01:20 / 02:37');
		// The list opens on where the cursor is: from the start, migrate is five down.
		tui.keys('Home', 'l');
		await tui.waitFor('Jump to');
		tui.keys('Down', 'Down', 'Down', 'Down', 'Down', 'Enter');
		await tui.waitFor(/▶ migrate {2}Apply migrations/);
		tui.keys('/');
		tui.type('billing.0025');
		tui.keys('Enter');
		const screen = await tui.waitFor(/match 1\/1: `migrate`/);
		expect(screen).toContain('billing.0025_add_index... OK');
		expect(screen).not.toContain('billing.0026');
		tui.keys('q');
		expect(await tui.exitCode()).toBe(0);
	}, 30_000);
});
