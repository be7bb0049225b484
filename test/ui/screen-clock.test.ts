// An idle runner stays idle: the screen re-reads the time only while a clock on it moves.
import {describe, expect, it} from 'vitest';
import {loadRunbook, simulate} from '../helpers/scenarios.js';
import {nextClockChangeUs} from '../../src/ui/screen-clock.js';
import {countdown} from '../../src/core/time.js';

const runbook = (timebox = '') =>
	loadRunbook(`
version: 1
name: Clocks
phases:
  - id: p
    name: P${timebox}
    steps:
      - id: go
        run: echo go
        confirm: true
      - id: hold
        wait: 5m
`);

describe('when the screen next changes on its own', () => {
	it('never, while it waits for a confirmation with no clock on it', () => {
		const sim = simulate(runbook(), {stopAtDecision: 0});
		expect(sim.decision?.kind).toBe('confirm');
		expect(nextClockChangeUs(sim.state, sim.decision, sim.now)).toBeUndefined();
		expect(nextClockChangeUs(sim.state, sim.decision, sim.now + 3_600_000_000)).toBeUndefined();
	});

	it('each second while a phase budget is on screen, on the second of the phase clock', () => {
		const sim = simulate(runbook('\n    timebox: 10m'), {stopAtDecision: 0});
		const startedAt = sim.state.phases.p!.startedAt!;
		expect(nextClockChangeUs(sim.state, sim.decision, startedAt + 2_400_000)).toBe(startedAt + 3_000_000);
	});

	it('on the second boundary of a wait countdown, never twice in a second', () => {
		const sim = simulate(runbook(), {answers: [{kind: 'confirm'}], stopAtDecision: 1});
		expect(sim.decision?.kind).toBe('wait');
		const until = (sim.decision as {until: number}).until;
		const next = nextClockChangeUs(sim.state, sim.decision, until - 4_250_000)!;
		expect(next).toBe(until - 4_000_000);
		expect(nextClockChangeUs(sim.state, sim.decision, next)).toBe(next + 1_000_000);
	});

	it('once a minute while a wait has more than a minute left, then each second', () => {
		const sim = simulate(runbook(), {answers: [{kind: 'confirm'}], stopAtDecision: 1});
		const until = (sim.decision as {until: number}).until;
		expect(nextClockChangeUs(sim.state, sim.decision, until - 250_000_000)).toBe(until - 240_000_000);
		expect(nextClockChangeUs(sim.state, sim.decision, until - 61_000_000)).toBe(until - 60_000_000);
		expect(nextClockChangeUs(sim.state, sim.decision, until - 60_000_000)).toBe(until - 59_000_000);
	});

	it('on time for the phase budget going near its timebox in the middle of a long wait', () => {
		const sim = simulate(runbook('\n    timebox: 2m'), {answers: [{kind: 'confirm'}], stopAtDecision: 1});
		const startedAt = sim.state.phases.p!.startedAt!;
		expect(sim.decision?.kind).toBe('wait');
		// 80% of 2m is 96 s: the clock turns `near` then, not at the wait's next whole minute.
		expect(nextClockChangeUs(sim.state, sim.decision, startedAt + 90_000_000)).toBe(startedAt + 96_000_001);
	});
});

describe('a countdown as the screen shows it', () => {
	it('in whole minutes, rounded up, while more than a minute is left; then minutes and seconds', () => {
		expect(countdown(300_000_000)).toBe('5m');
		expect(countdown(240_000_001)).toBe('5m');
		expect(countdown(61_000_000)).toBe('2m');
		expect(countdown(60_000_000)).toBe('01:00');
		expect(countdown(59_400_000)).toBe('00:59');
		expect(countdown(2 * 3_600_000_000 + 1)).toBe('2h01m');
	});
});
