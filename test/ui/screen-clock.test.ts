// An idle runner stays idle: the screen re-reads the time only while a clock on it moves.
import {describe, expect, it} from 'vitest';
import {loadRunbook, simulate} from '../helpers/scenarios.js';
import {nextClockChangeUs} from '../../src/ui/screen-clock.js';

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
});
