// Where each recorded event falls on a replay's clock: the session's own gaps, each capped at
// the idle limit (asciinema's rule), so a 30-minute wait replays in seconds. Pure.
import type {RunEvent} from '../run/events.js';

export type Timeline = {
	/** Replay time (µs) at which each event is shown. */
	at: number[];
	/** Event indexes where a step starts, and where a phase starts. */
	stepStarts: number[];
	phaseStarts: number[];
	durationUs: number;
};

export function buildTimeline(events: RunEvent[], idleLimitUs: number): Timeline {
	const at: number[] = [];
	const stepStarts: number[] = [];
	const phaseStarts: number[] = [];
	let replayT = 0;
	events.forEach((event, i) => {
		if (i > 0) replayT += Math.min(Math.max(0, event.t - events[i - 1]!.t), idleLimitUs);
		at.push(replayT);
		if (event.type === 'step-started') stepStarts.push(i);
		if (event.type === 'phase-started') phaseStarts.push(i);
	});
	return {at, stepStarts, phaseStarts, durationUs: replayT};
}

/** How many events are shown at replay time `replayT` (all with at <= replayT). */
export function shownAt(timeline: Timeline, replayT: number): number {
	let low = 0;
	let high = timeline.at.length;
	while (low < high) {
		const mid = (low + high) >> 1;
		if (timeline.at[mid]! <= replayT) low = mid + 1;
		else high = mid;
	}
	return low;
}

/** The next or previous mark (a step or phase start) from `shown` events. */
export function jump(marks: number[], shown: number, direction: 1 | -1): number | undefined {
	if (direction === 1) return marks.find((m) => m >= shown);
	// Back: to the start of the mark before the one now showing.
	const before = marks.filter((m) => m < shown - 1);
	return before.at(-1) ?? (marks[0] !== undefined && marks[0] < shown ? marks[0] : undefined);
}
