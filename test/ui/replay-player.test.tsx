// The replay as a player: seek in session time, Home/End, tenths, a list of phases and steps to
// jump to, a search of all output; after `}` the header and the panel name the same phase.
import {render} from 'ink-testing-library';
import {stripVTControlCharacters} from 'node:util';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {foldEvents} from '../../src/core/run/reduce.js';
import {ReplaySession} from '../../src/session/replay.js';
import {ReplayApp} from '../../src/ui/ReplayApp.js';
import {clock} from '../../src/core/time.js';
import {tourWithSlowOutput} from '../helpers/replay-events.js';

const keys = {right: '\u001B[C', left: '\u001B[D', home: '\u001B[H', end: '\u001B[F', down: '\u001B[B', enter: '\r'};

/** How long a check waits for the keys before it to be read: long enough for a loaded machine. */
const frameWait = {timeout: 5000};

const events = tourWithSlowOutput();
let unmount = () => {};
afterEach(() => unmount());

/** The replay paused at its start, on an 80×24 screen, with a way to press keys and read it. */
async function player(cols = 80) {
	const replay = new ReplaySession(events);
	replay.togglePause();
	const view = render(<ReplayApp replay={replay} logFile="/srv/sessions/20261122T090000Z-3fa9c2/session.jsonl" />);
	Object.defineProperty(view.stdout, 'columns', {get: () => cols, configurable: true});
	// After the screen has mounted and listens for it.
	await new Promise((resolve) => setTimeout(resolve, 0));
	view.stdout.emit('resize');
	await new Promise((resolve) => setTimeout(resolve, 10));
	unmount = view.unmount;
	/** The live area: the frame Ink last drew, without what it printed once above it. */
	const screen = () =>
		stripVTControlCharacters(view.lastFrame() ?? '')
			.split('\n')
			.map((line) => line.trimEnd())
			.join('\n');
	const press = async (...sequence: string[]) => {
		for (const key of sequence) {
			view.stdin.write(key);
			// Ink reads a key and redraws on its next turns; each check then waits for its frame.
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
	};
	/** Waits until the screen passes `check` (the frame of the keys pressed), then returns it. */
	const frameWhere = (check: (frame: string) => void) =>
		vi.waitFor(() => {
			const frame = screen();
			check(frame);
			return frame;
		}, frameWait);
	/** The hint line: the status and the keys (the list, when open, is under it). */
	const footer = () =>
		screen()
			.split('\n')
			.find((line) => /^(REPLAY|match|no output)/.test(line))!;
	return {replay, screen, press, footer, frameWhere};
}

describe('the replay player', () => {
	it('→ and ← move 10 s of session time, Home and End go to the ends, 5 to the middle', async () => {
		const {replay, press, frameWhere} = await player();
		await frameWhere((frame) => expect(frame).toMatch(/REPLAY 00:03 \/ 02:37 · 1x · paused · event 1\//));
		await press(keys.right, keys.right);
		const seeked = await frameWhere((frame) => expect(frame).toMatch(/REPLAY 00:23 \//));
		expect(replay.snapshot().state).toEqual(foldEvents(events.slice(0, replay.snapshot().shown)));
		await expect(seeked).toMatchFileSnapshot('../../snapshots/replay/after-seek.80.txt');
		await press(keys.left);
		await frameWhere((frame) => expect(frame).toMatch(/REPLAY 00:13 \//));
		expect(replay.snapshot().state).toEqual(foldEvents(events.slice(0, replay.snapshot().shown)));
		await press(keys.end);
		await frameWhere((frame) =>
			expect(frame).toMatch(new RegExp(`REPLAY 02:37 / 02:37 .* event ${events.length}/${events.length}`)),
		);
		await press(keys.home);
		await frameWhere((frame) => expect(frame).toMatch(/REPLAY 00:03 \/ 02:37 .* event 1\//));
		await press('5');
		const half = (events.at(-1)!.t + events[0]!.t) / 2;
		await frameWhere((frame) => expect(frame).toContain(`REPLAY ${clock(half)} /`));
		expect(replay.snapshot().shown).toBe(events.filter((e) => e.t <= half).length);
	});

	it('after } the header and the panel are on the same phase', async () => {
		const {press, frameWhere} = await player();
		await press('}', '}');
		// The status of the frame after both keys, then what that frame must show and must not.
		const frame = await frameWhere((shown) => expect(shown).toContain('REPLAY 01:00 / 02:37'));
		expect(frame).toContain('Phase 2/2 · Deployment');
		// The last step of phase 1 is done with: it is not the step on screen under phase 2's name.
		expect(frame).not.toMatch(/▶ (backup|plan|debug-off)/);
		await expect(frame).toMatchFileSnapshot('../../snapshots/replay/after-next-phase.80.txt');
		await press(']');
		await frameWhere((shown) => expect(shown).toMatch(/Phase 2\/2 · Deployment[\s\S]*▶ migrate/));
	});

	it('l lists the phases and steps; Enter jumps to a start, e to an end with all its output', async () => {
		const {press, frameWhere} = await player();
		await press('l');
		const list = await frameWhere((frame) => expect(frame).toContain('Jump to · ↑↓ choose'));
		await expect(list).toMatchFileSnapshot('../../snapshots/replay/jump-list.80.txt');
		// Phase 1, backup, plan, debug-off, phase 2, migrate.
		await press(keys.down, keys.down, keys.down, keys.down, keys.down);
		await frameWhere((frame) => expect(frame).toMatch(/^› \d\d:\d\d {4}migrate {2}Apply migrations/m));
		await press(keys.enter);
		const jumped = await frameWhere((frame) => expect(frame).toMatch(/▶ migrate {2}Apply migrations/));
		expect(jumped).not.toContain('Jump to');
		await press('l', 'e');
		const end = await frameWhere((frame) => expect(frame).toContain('40 lines in all'));
		expect(end).toMatch(/▶ migrate/);
		expect(end).toContain('Applying billing.0049_add_index... OK');
	});

	it('/ searches all output and puts the cursor on the match: the step shows its output up to there; n finds the next', async () => {
		const {replay, press, frameWhere} = await player();
		await press('/');
		await frameWhere((frame) => expect(frame).toContain('Search the output:'));
		await press(...'billing.0025'.split(''), keys.enter);
		const frame = await frameWhere((shown) => expect(shown).toMatch(/match 1\/1: `migrate` at \d\d:\d\d/));
		await expect(frame).toMatchFileSnapshot('../../snapshots/replay/search-match.80.txt');
		expect(frame).toContain('Applying billing.0025_add_index... OK');
		expect(frame).not.toContain('billing.0026');
		expect(replay.snapshot().isPlaying).toBe(false);
		await press('/', ...'_add_index'.split(''), keys.enter);
		await frameWhere((shown) => expect(shown).toMatch(/match 17\/40: `migrate`/));
		await press('n');
		const next = await frameWhere((shown) => expect(shown).toMatch(/match 18\/40: `migrate`/));
		expect(next).toContain('billing.0027');
		await press('/', ...'no such text'.split(''), keys.enter);
		await frameWhere((shown) => expect(shown).toContain('no output holds "no such text"'));
	});

	it('the hint line fits the window and always ends with q quit; ? lists the player keys', async () => {
		for (const cols of [80, 60]) {
			const {footer, press, frameWhere} = await player(cols);
			expect(footer().length).toBeLessThanOrEqual(cols);
			expect(footer()).toMatch(/q quit$/);
			await press('l');
			await frameWhere((frame) => expect(frame).toContain('Jump to'));
			expect(footer()).toMatch(/q quit$/);
			await press('\u001B', '?');
			const overlay = await frameWhere((frame) => expect(frame).toContain('Keys on this screen'));
			// Two keys a row, so the overlay fits a 24-row window.
			expect(overlay.split('\n').length).toBeLessThan(24);
			for (const label of ['←', '→', 'Home', 'End', '0-9', 'l ', '/ ', 'n ', 'e ', 'Enter', '↑↓'])
				expect(overlay).toMatch(new RegExp(`(^ {2}|\\S {2,})${label.replace('/', '\\/')} +\\S`, 'm'));
			unmount();
		}
	});
});
