// Replay and watch follow the terminal's size as the live screen does: a resize lays the
// screen out afresh at the new width, with nothing else happening.
import {render} from 'ink-testing-library';
import {stripVTControlCharacters} from 'node:util';
import {afterEach, describe, expect, it, vi} from 'vitest';
import type {ReactElement} from 'react';
import {ReplaySession} from '../../src/session/replay.js';
import type {WatchSession} from '../../src/session/watch.js';
import {ReplayApp} from '../../src/ui/ReplayApp.js';
import {WatchApp} from '../../src/ui/WatchApp.js';
import {loadRunbook, simulate, tourYaml} from '../helpers/scenarios.js';

// Before the first step finishes: no finished lines yet, which Ink prints once and never redraws.
const sim = simulate(loadRunbook(tourYaml), {stopAtDecision: 0});

/** A watch of the simulated session that never moves on by itself. */
const stillWatch = {
	snapshot: () => ({
		header: {operator: {user: 'ada', host: 'ops1'}},
		state: sim.state,
		now: sim.now,
		lagMs: 0,
		isSealed: false,
	}),
	subscribe: () => () => {},
	stop: () => {},
} as unknown as WatchSession;

let unmount = () => {};
afterEach(() => unmount());

/** Renders (ink-testing-library starts at 100 columns) with a way to resize the terminal. */
function renderAt(element: ReactElement) {
	const view = render(element);
	unmount = view.unmount;
	let columns = 100;
	Object.defineProperty(view.stdout, 'columns', {get: () => columns, configurable: true});
	const widest = () =>
		Math.max(
			...stripVTControlCharacters(view.lastFrame() ?? '')
				.split('\n')
				.map((line) => line.trimEnd().length),
		);
	return {
		widest,
		/** Resizes, and waits for the frame to fit; well under WatchApp's 1 s clock tick, which redraws anyway. */
		async resize(to: number) {
			columns = to;
			view.stdout.emit('resize');
			await vi.waitFor(() => expect(widest()).toBeLessThanOrEqual(to), {timeout: 400, interval: 10});
		},
	};
}

describe('a resize re-lays out replay and watch', () => {
	it('ReplayApp narrows to the new width', async () => {
		const screen = renderAt(<ReplayApp replay={new ReplaySession(sim.events)} logFile="/tmp/x/session.jsonl" />);
		expect(screen.widest()).toBeGreaterThan(50);
		await screen.resize(40);
		await screen.resize(30);
	});

	it('WatchApp narrows to the new width', async () => {
		const screen = renderAt(<WatchApp watch={stillWatch} logFile="/tmp/x/session.jsonl" />);
		expect(screen.widest()).toBeGreaterThan(50);
		await screen.resize(40);
		await screen.resize(30);
	});
});
