// A clock that moves only when the test says so.
import type {Clock} from '../../src/session/clock.js';

export class FakeClock implements Clock {
	private us: number;
	private timers: Array<{deadlineUs: number; fn: () => void}> = [];

	/** `wallStart`: the wall-clock time at session time 0. */
	constructor(
		private readonly wallStart = '2026-11-22T09:00:00.000Z',
		startUs = 0,
	) {
		this.us = startUs;
	}

	now(): number {
		return this.us;
	}

	schedule(deadlineUs: number, fn: () => void): () => void {
		const timer = {deadlineUs, fn};
		this.timers.push(timer);
		return () => {
			this.timers = this.timers.filter((other) => other !== timer);
		};
	}

	wall(): Date {
		return new Date(Date.parse(this.wallStart) + Math.floor(this.us / 1000));
	}

	/** Moves time forward, firing every timer that falls due, in order. */
	advance(ms: number): void {
		this.advanceTo(this.us + ms * 1000);
	}

	/** Moves time to `deadlineUs` (never back), firing every timer that falls due, in order. */
	advanceTo(deadlineUs: number): void {
		const end = Math.max(this.us, deadlineUs);
		for (;;) {
			const due = this.nextDeadline();
			if (due === undefined || due > end) break;
			const timer = this.timers.find((other) => other.deadlineUs === due)!;
			this.timers = this.timers.filter((other) => other !== timer);
			this.us = Math.max(this.us, due);
			timer.fn();
		}
		// A timer may have moved the clock on (skip) past the end: time never goes back.
		this.us = Math.max(this.us, end);
	}

	/** Moves time without firing anything: a later `advance` fires what fell due. */
	skip(us: number): void {
		this.us += us;
	}

	/** The earliest time a timer waits for, if any waits. */
	nextDeadline(): number | undefined {
		return this.timers.reduce<number | undefined>(
			(earliest, timer) => (earliest === undefined || timer.deadlineUs < earliest ? timer.deadlineUs : earliest),
			undefined,
		);
	}
}
