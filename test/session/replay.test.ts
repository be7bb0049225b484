import {describe, expect, it} from 'vitest';
import {buildTimeline, shownAt} from '../../src/core/replay/timeline.js';
import {foldEvents} from '../../src/core/run/reduce.js';
import {ReplaySession} from '../../src/session/replay.js';
import {loadRunbook, simulate, tourYaml} from '../helpers/scenarios.js';

const sim = simulate(loadRunbook(tourYaml), {
	answers: [
		{kind: 'answer', value: ''},
		{kind: 'confirm'},
		{kind: 'check', isPassed: true},
		{kind: 'check', isPassed: true},
		{kind: 'confirm', text: 'production'},
		{kind: 'answer', value: 'v2.4.1'},
		{kind: 'end-wait', reason: 'flat'},
		{kind: 'signoff', name: 'Ada'},
	],
	tickUs: 3_000_000,
});

describe('replay', () => {
	it('caps every pause at the idle limit, so long holds replay quickly', () => {
		const timeline = buildTimeline(sim.events, 1_000_000);
		expect(timeline.durationUs).toBe((sim.events.length - 1) * 1_000_000);
		expect(shownAt(timeline, 0)).toBe(1);
		expect(shownAt(timeline, timeline.durationUs)).toBe(sim.events.length);
	});

	it('jumps by step and phase, both ways, and shows exactly the state the live run had there', () => {
		const replay = new ReplaySession(sim.events);
		replay.togglePause();
		replay.jumpPhase(1);
		replay.jumpPhase(1);
		const atPhase2 = replay.snapshot();
		expect(atPhase2.state.phaseIndex).toBe(1);
		expect(atPhase2.state).toEqual(foldEvents(sim.events.slice(0, atPhase2.shown)));
		replay.jumpStep(1);
		expect(replay.snapshot().state.current).toBe('migrate');
		expect(replay.snapshot().decision).toMatchObject({kind: 'confirm', step: 'migrate', mode: 'typed'});
		replay.jumpStep(-1);
		const back = replay.snapshot();
		expect(back.epoch).toBeGreaterThan(atPhase2.epoch);
		expect(back.state).toEqual(foldEvents(sim.events.slice(0, back.shown)));
		replay.stepOne();
		expect(replay.snapshot().shown).toBe(back.shown + 1);
		replay.quit();
	});

	it('--start-at begins at that step', () => {
		const replay = new ReplaySession(sim.events, {startAt: 'soak'});
		expect(replay.snapshot().state.current).toBe('soak');
		replay.quit();
	});
});
