// The end of a session is drawn at once, not a frame's gap later: the seal and the process's exit
// wait for that last frame, so every run would otherwise end up to a frame (or more, under a flood
// of output) late.
import {render} from 'ink-testing-library';
import {stripVTControlCharacters} from 'node:util';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {App, type AppSession} from '../../src/ui/App.js';
import {reduceRun} from '../../src/core/run/reduce.js';
import type {RunState} from '../../src/core/run/state.js';
import {loadRunbook, simulate} from '../helpers/scenarios.js';

const runbook = loadRunbook(`
version: 1
name: Last frame
phases:
  - id: p
    steps:
      - id: hello
        note: Read me first.
`);

/** A session the test moves by hand: its state, and a way to tell the screen it changed. */
function handSession(first: RunState) {
	let state = first;
	const listeners = new Set<() => void>();
	const session: AppSession = {
		snapshot: () => ({state, now: state.lastT}),
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		now: () => state.lastT,
		intend: () => undefined,
		cancelCommand() {},
	};
	const change = (next: RunState) => {
		state = next;
		for (const listener of listeners) listener();
	};
	return {session, change};
}

/**
 * Lets React and Ink draw what was asked (they schedule with setImmediate, which stays real) until
 * `isDrawn` holds, or 2,000 turns pass: under load React yields in the middle of a render and takes
 * more turns. No fake time passes, so a frame held back by a timer is never drawn here.
 */
async function settle(isDrawn: () => boolean = () => false) {
	for (let turn = 0; turn < 2000 && (turn < 10 || !isDrawn()); turn++)
		await new Promise((resolve) => setImmediate(resolve));
}

describe('the last frame', () => {
	beforeEach(() => {
		vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'performance']});
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('is drawn as soon as the session ends, even right after another frame', async () => {
		const {state} = simulate(runbook, {stopAtDecision: 0});
		const {session, change} = handSession(state);
		const app = render(<App session={session} />);
		await settle();
		// A change draws a frame now; the next change would wait for the frame's gap...
		change({...state, lastT: state.lastT + 1});
		await settle();
		const framesBefore = app.frames.length;
		// ...but not the session's end, and no fake time passes here.
		change(reduceRun(state, {type: 'session-ended', t: state.lastT + 2, status: 'aborted', reason: 'stopped'}));
		// The end's frame, not the last write: the App then exits, and under CI Ink's unmount writes
		// one more (empty) frame after it.
		const endDrawn = () =>
			app.frames.slice(framesBefore).some((frame) => /aborted/i.test(stripVTControlCharacters(frame)));
		await settle(endDrawn);
		expect(app.frames.length).toBeGreaterThan(framesBefore);
		expect(endDrawn()).toBe(true);
		app.unmount();
	});
});
