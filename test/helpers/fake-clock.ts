// A clock that moves only when the test says so.
import type {Clock} from '../../src/session/clock.js';

export class FakeClock implements Clock {
	private us = 0;
	private timers: Array<{at: number; fn: () => void}> = [];

	now(): number {
		return this.us;
	}

	at(at: number, fn: () => void): () => void {
		const timer = {at, fn};
		this.timers.push(timer);
		return () => {
			this.timers = this.timers.filter((t) => t !== timer);
		};
	}

	wall(): Date {
		return new Date(Date.UTC(2026, 10, 22, 9, 0, 0) + Math.floor(this.us / 1000));
	}

	/** Moves time forward, firing every timer that falls due, in order. */
	advance(ms: number): void {
		const end = this.us + ms * 1000;
		for (;;) {
			const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
			if (!due) break;
			this.timers = this.timers.filter((t) => t !== due);
			this.us = Math.max(this.us, due.at);
			due.fn();
		}
		this.us = end;
	}
}
