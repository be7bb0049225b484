// Time for a session: monotonic microseconds since it started, and timers at such times.
// Tests pass a fake clock; nothing else in the session reads the time or sets a timer.

export type Clock = {
	/** Microseconds since the session started; never goes backwards. */
	now(): number;
	/** Calls `fn` once `now() >= deadlineUs`; returns a function that cancels it. */
	schedule(deadlineUs: number, fn: () => void): () => void;
	/** The wall-clock time, for the log header only. */
	wall(): Date;
};

/** Calls `fn` `delayMs` from now on `clock`; returns a function that cancels it. */
export function scheduleIn(clock: Clock, delayMs: number, fn: () => void): () => void {
	return clock.schedule(clock.now() + delayMs * 1000, fn);
}

export function systemClock(): Clock {
	return monotonicFrom(0);
}

/**
 * The clock of a session taken over by a new runner: time goes on from the session's start by
 * the wall clock (the gap while nobody ran counts against budgets), and never behind what is recorded.
 */
export function resumedClock(sessionStart: Date, notBefore: number): Clock {
	return monotonicFrom(Math.max(notBefore, (Date.now() - sessionStart.getTime()) * 1000));
}

function monotonicFrom(base: number): Clock {
	const start = process.hrtime.bigint();
	const now = () => base + Number((process.hrtime.bigint() - start) / 1000n);
	return {
		now,
		schedule(deadlineUs, fn) {
			const timer = setTimeout(fn, Math.max(0, Math.ceil((deadlineUs - now()) / 1000)));
			return () => clearTimeout(timer);
		},
		wall: () => new Date(),
	};
}
