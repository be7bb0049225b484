// What a replay player needs besides the timeline: the state after any number of events (the
// same fold, resumed from checkpoints so seeking back in a long log is quick), session time on
// the replay's clock and back, the places a player jumps to, and a search of all output. Pure.
import type {RunEvent} from '../run/events.js';
import {reduceRun} from '../run/reduce.js';
import {initialState, type RunState} from '../run/state.js';
import {allSteps} from '../runbook/model.js';
import {shownAt, type Timeline} from './timeline.js';

/**
 * The fold of the first `count` events, for any count: states are kept every `everyEvents` events,
 * so a seek folds at most that many events past the nearest checkpoint instead of the whole log.
 * States share what did not change, so a checkpoint costs little more than what changed since the last.
 */
export class CheckpointedFold {
	private readonly checkpoints: RunState[] = [initialState];

	constructor(
		private readonly events: readonly RunEvent[],
		private readonly everyEvents = 500,
	) {}

	stateAt(count: number): RunState {
		const target = Math.max(0, Math.min(this.events.length, count));
		const from = Math.min(Math.floor(target / this.everyEvents), this.checkpoints.length - 1);
		let state = this.checkpoints[from]!;
		for (let index = from * this.everyEvents; index < target; index++) {
			state = reduceRun(state, this.events[index]!);
			const folded = index + 1;
			if (folded % this.everyEvents === 0 && folded / this.everyEvents === this.checkpoints.length)
				this.checkpoints.push(state);
		}
		return state;
	}
}

/** How many events happened at or before session time `sessionUs`. */
export function countAtSession(events: readonly RunEvent[], sessionUs: number): number {
	let low = 0;
	let high = events.length;
	while (low < high) {
		const mid = (low + high) >> 1;
		if (events[mid]!.t <= sessionUs) low = mid + 1;
		else high = mid;
	}
	return low;
}

/**
 * Session time (µs) at replay time `replayUs`. Between two events session time runs in step with
 * the replay's clock, faster across a gap the idle limit shortened, so it reaches the next event's
 * time just as that event is shown.
 */
export function sessionAt(events: readonly RunEvent[], timeline: Timeline, replayUs: number): number {
	const shown = shownAt(timeline, replayUs);
	if (shown === 0) return events[0]?.t ?? 0;
	const last = events[shown - 1]!;
	const next = events[shown];
	const sinceUs = replayUs - timeline.at[shown - 1]!;
	if (!next) return last.t + Math.max(0, sinceUs);
	const gapReplayUs = timeline.at[shown]! - timeline.at[shown - 1]!;
	const gapSessionUs = next.t - last.t;
	return gapReplayUs > 0 ? last.t + Math.round((sinceUs * gapSessionUs) / gapReplayUs) : last.t;
}

/** The replay time at which session time `sessionUs` is on screen: `sessionAt`'s inverse. */
export function replayAtSession(events: readonly RunEvent[], timeline: Timeline, sessionUs: number): number {
	const shown = Math.max(1, countAtSession(events, sessionUs));
	const last = events[shown - 1];
	const next = events[shown];
	if (!last) return 0;
	const atLast = timeline.at[shown - 1]!;
	if (!next) return atLast;
	const gapSessionUs = next.t - last.t;
	const gapReplayUs = timeline.at[shown]! - atLast;
	const intoUs = Math.max(0, sessionUs - last.t);
	// Strictly before the next event's place, so it is not shown yet.
	return gapSessionUs > 0
		? atLast + Math.min(gapReplayUs - 1, Math.ceil((intoUs * gapReplayUs) / gapSessionUs))
		: atLast;
}

/** A place in the session to jump to: a phase, the rollback, or a step (from where it started). */
export type JumpTarget = {
	kind: 'phase' | 'step';
	/** `Phase 2/3 · Deployment`, or a step's id and name. */
	label: string;
	/** Session time (µs) it started. */
	t: number;
	/** The event that starts it, and (for a step) the last event of its run: where it ended. */
	startIndex: number;
	endIndex: number;
};

/** Every phase and step start in the session, in order, with where each step's run ended. */
export function jumpTargets(events: readonly RunEvent[]): JumpTarget[] {
	const targets: JumpTarget[] = [];
	const openSteps = new Map<string, JumpTarget>();
	let phases: Array<{id: string; name: string}> = [];
	let names = new Map<string, string>();
	events.forEach((event, index) => {
		if (event.type === 'session-started' || (event.type === 'session-resumed' && event.runbook)) {
			const runbook = event.runbook!;
			phases = runbook.phases;
			names = new Map(allSteps(runbook).map((step) => [step.id, step.name]));
		}
		if (event.type === 'phase-started') {
			const at = phases.findIndex((phase) => phase.id === event.phase);
			const name = phases[at]?.name ?? event.phase;
			targets.push({
				kind: 'phase',
				label: `Phase ${at + 1}/${phases.length} · ${name}`,
				t: event.t,
				startIndex: index,
				endIndex: index,
			});
		}
		if (event.type === 'rollback-started')
			targets.push({kind: 'phase', label: 'Rollback', t: event.t, startIndex: index, endIndex: index});
		if (event.type === 'step-started') {
			const name = names.get(event.step);
			const target: JumpTarget = {
				kind: 'step',
				label: name && name !== event.step ? `${event.step}  ${name}` : event.step,
				t: event.t,
				startIndex: index,
				endIndex: index,
			};
			targets.push(target);
			openSteps.set(event.step, target);
		}
		// Everything the step did until the next one started counts as its run: its output, its end.
		if ('step' in event && typeof event.step === 'string' && event.type !== 'step-started') {
			const open = openSteps.get(event.step);
			if (open) open.endIndex = index;
		}
	});
	return targets;
}

export type OutputMatch = {
	/** The event whose output holds the match (its end, when it spans two chunks). */
	index: number;
	step: string;
	t: number;
	/** Which match this is, 1-based, of `count` in the whole session. */
	ordinal: number;
	count: number;
};

/**
 * The first output event after `afterIndex` whose text holds `query` (ignoring case), wrapping to
 * the start. A match split across two chunks of one stream counts, at the second chunk.
 */
export function findOutput(events: readonly RunEvent[], query: string, afterIndex: number): OutputMatch | undefined {
	const needle = query.toLowerCase();
	if (needle === '') return undefined;
	const matches: number[] = [];
	// The end of each stream's last chunk, long enough to hold all of a match but its last character.
	const carried = new Map<string, string>();
	events.forEach((event, index) => {
		if (event.type !== 'output-recorded') return;
		const key = `${event.step}\u0000${event.stream}`;
		const text = (carried.get(key) ?? '') + event.text.toLowerCase();
		if (text.includes(needle)) matches.push(index);
		carried.set(key, needle.length > 1 ? text.slice(-(needle.length - 1)) : '');
	});
	if (matches.length === 0) return undefined;
	const at = matches.findIndex((index) => index > afterIndex);
	const ordinal = at === -1 ? 0 : at;
	const index = matches[ordinal]!;
	const event = events[index] as Extract<RunEvent, {type: 'output-recorded'}>;
	return {index, step: event.step, t: event.t, ordinal: ordinal + 1, count: matches.length};
}
