// The output pager as the operator sees it: a finished step's whole output read back from the
// log (stderr marked, a search match shown), a running step's followed live, and replay's.
import {renderToString} from 'ink';
import {render} from 'ink-testing-library';
import {mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {stripVTControlCharacters} from 'node:util';
import {afterEach, describe, expect, it} from 'vitest';
import {encodeEvent} from '../../src/core/audit/entry.js';
import type {RunEvent} from '../../src/core/run/events.js';
import {ReplaySession} from '../../src/session/replay.js';
import {LogOutputIndex} from '../../src/store/output-index.js';
import {keystrokesOf} from '../../src/ui/keystrokes.js';
import {Pager} from '../../src/ui/pager/Pager.js';
import {openPager, pagerGeometry, pagerKey, type PagerState} from '../../src/ui/pager/pager-model.js';
import {runPagerBadge, watchPagerBadge} from '../../src/ui/pager/selection.js';
import {ReplayApp} from '../../src/ui/ReplayApp.js';
import {RunScreen} from '../../src/ui/screens/RunScreen.js';
import {idleInput} from '../../src/ui/input-state.js';
import {Text} from 'ink';
import {loadRunbook, simulate, tourYaml, type Script} from '../helpers/scenarios.js';

const tour = loadRunbook(tourYaml);
const toMigrate: Script['answers'] = [
	{kind: 'answer', value: ''},
	{kind: 'confirm'},
	{kind: 'check', isPassed: true},
	{kind: 'check', isPassed: true},
	{kind: 'confirm', text: 'production'},
];
const migrateOutput = Array.from({length: 60}, (_, i) => `Applying billing.${String(i + 1).padStart(4, '0')}... OK`);
const failed = simulate(tour, {
	answers: toMigrate,
	results: {
		migrate: [
			{
				code: 1,
				out: `${migrateOutput.join('\n')}\nprogress 10%\rprogress 100%\n`,
				err: 'django.db.utils.OperationalError: lock timeout\n',
			},
		],
	},
});
const running = simulate(tour, {
	answers: toMigrate,
	results: {migrate: [{out: `${migrateOutput.join('\n')}\n`, err: 'warning: 2 unapplied squashed migrations\n'}]},
	stopWhileRunning: 3,
});

/** The events as the session log holds them, read back by the pager's reader. */
function readerOf(events: RunEvent[]): LogOutputIndex {
	const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'runbook-pager-frame-')), 'session.jsonl');
	const lines = events.map((event, at) => encodeEvent(at + 1, 'ab'.repeat(32), event));
	writeFileSync(file, `${JSON.stringify({type: 'header'})}\n${lines.join('\n')}\n`);
	return new LogOutputIndex(file);
}

function pagerFrame(reader: LogOutputIndex, state: PagerState, badge?: ReturnType<typeof runPagerBadge>): string {
	const text = renderToString(<Pager reader={reader} state={state} cols={80} rows={24} {...(badge ? {badge} : {})} />, {
		columns: 80,
	});
	return `${stripVTControlCharacters(text)
		.split('\n')
		.map((l) => l.trimEnd())
		.join('\n')}\n`;
}

/** The pager after each key of `keys` (one character a key; `\u001b[A` is ↑). */
function pressed(reader: LogOutputIndex, state: PagerState, ...keys: string[]): PagerState {
	let current = state;
	for (const key of keys)
		for (const stroke of key === '\u001b[A' ? [{input: '', key: keyOf(key)}] : keystrokesOf(key, keyOf(key))) {
			const next = pagerKey(current, stroke, {reader, ...pagerGeometry(80, 24)});
			if (next === 'close') throw new Error('closed');
			current = next;
		}
	return current;
}

function keyOf(key: string) {
	const none = {upArrow: false, downArrow: false, return: false, escape: false, ctrl: false, meta: false};
	if (key === '\u001b[A') return {...none, upArrow: true} as never;
	if (key === '\r') return {...none, return: true} as never;
	return none as never;
}

let unmount = () => {};
afterEach(() => unmount());

describe('the output pager', () => {
	it('opens a finished step at its last page: stderr marked in the gutter, progress at its last state', async () => {
		const reader = readerOf(failed.events);
		const screen = pagerFrame(reader, openPager('migrate'));
		await expect(screen).toMatchFileSnapshot('../../snapshots/pager/finished.80.txt');
		expect(screen).toMatch(/^▌ django\.db\.utils\.OperationalError: lock timeout$/m);
		expect(screen).toMatch(/^ {2}progress 100%$/m);
		expect(screen).toContain('lines 42–62 of 62');
		expect(screen.split('\n').length).toBeLessThanOrEqual(24);
	});

	it('/ finds a line and marks it, n goes on to the next, g and G go to the top and bottom', async () => {
		const reader = readerOf(failed.events);
		const found = pressed(reader, openPager('migrate'), '/', 'billing.001', '\r');
		const screen = pagerFrame(reader, found);
		await expect(screen).toMatchFileSnapshot('../../snapshots/pager/finished-search.80.txt');
		expect(screen).toMatch(/^› Applying billing\.0010\.\.\. OK$/m);
		expect(pressed(reader, found, 'n').match).toBe(10);
		expect(pagerFrame(reader, pressed(reader, found, 'g'))).toContain('lines 1–21 of 62');
		expect(pagerFrame(reader, pressed(reader, found, 'g', 'G'))).toContain('lines 42–62 of 62');
		expect(pagerFrame(reader, pressed(reader, found, '/', 'nowhere', '\r'))).toContain('! no line holds “nowhere”');
	});

	it("follows a running step's output; scrolling up pauses the follow and says so", async () => {
		const reader = readerOf(running.events);
		const following = openPager('migrate');
		const live = pagerFrame(reader, following, runPagerBadge(following, running.state.running?.step));
		await expect(live).toMatchFileSnapshot('../../snapshots/pager/live.80.txt');
		expect(live).toContain('● following');
		const paused = pressed(reader, following, '\u001b[A');
		const screen = pagerFrame(reader, paused, runPagerBadge(paused, running.state.running?.step));
		expect(screen).toContain('⏸ paused · G follows');
		expect(pressed(reader, paused, 'G').isFollowing).toBe(true);
		expect(watchPagerBadge(paused, 'migrate').text).toBe('scrolled away from live · G follows');
		expect(watchPagerBadge(following, 'migrate').text).toBe('● LIVE');
	});

	it('in replay, ↑↓ pick a step finished at the cursor and o opens its output', async () => {
		const replay = new ReplaySession(failed.events);
		while (replay.snapshot().shown < failed.events.length) replay.stepOne();
		const view = render(<ReplayApp replay={replay} outputReader={readerOf(failed.events)} />);
		unmount = view.unmount;
		const screen = () => stripVTControlCharacters(view.lastFrame() ?? '');
		const waitFor = async (text: string) => {
			for (let tries = 0; tries < 200 && !screen().includes(text); tries++) await new Promise((r) => setTimeout(r, 5));
			expect(screen()).toContain(text);
		};
		await waitFor('REPLAY');
		view.stdin.write('\u001b[A');
		await waitFor('▸ selected: debug-off (succeeded)');
		view.stdin.write('\u001b[A');
		await waitFor('▸ selected: plan (succeeded)');
		view.stdin.write('\u001b[B');
		view.stdin.write('\u001b[B');
		for (let tries = 0; tries < 200 && screen().includes('▸ selected'); tries++)
			await new Promise((r) => setTimeout(r, 5));
		expect(screen()).not.toContain('▸ selected');
		// Back at the live view, o opens the step on screen: migrate, failed at the cursor.
		view.stdin.write('o');
		await waitFor('output of migrate');
		const frame = `${screen()
			.split('\n')
			.map((l) => l.trimEnd())
			.join('\n')}\n`;
		await expect(frame).toMatchFileSnapshot('../../snapshots/pager/replay.100.txt');
		view.stdin.write('q');
		await waitFor('REPLAY');
	});

	it('gives way to the summary when the run ends while it is open, so the last frame says how it ended', () => {
		const ended = simulate(tour, {
			answers: [...toMigrate!, {kind: 'rollback', reason: 'lock timeout on invoices'}],
			results: {migrate: [{code: 1}]},
		});
		expect(ended.state.ended).toBeDefined();
		const screen = renderToString(
			<RunScreen
				state={ended.state}
				input={idleInput}
				now={ended.now}
				cols={80}
				rows={24}
				pager={<Text>output of migrate</Text>}
			/>,
			{columns: 80},
		);
		expect(screen).not.toContain('output of migrate');
		expect(screen).toContain('Rolled back');
	});
});
