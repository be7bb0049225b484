// A replay: the recorded events folded up to a cursor that moves in time. The same fold as the
// live run, so the screen cannot tell them apart; it never runs anything (no executor here).
import type {RunEvent} from '../core/run/events.js';
import {nextMove, type Decision} from '../core/run/next.js';
import {reduceRun} from '../core/run/reduce.js';
import {initialState, type RunState} from '../core/run/state.js';
import {buildTimeline, jump, shownAt, type Timeline} from '../core/replay/timeline.js';
import {
	CheckpointedFold,
	countAtSession,
	findOutput,
	jumpTargets,
	replayAtSession,
	sessionAt,
	type JumpTarget,
	type OutputMatch,
} from '../core/replay/player.js';

export type ReplaySnapshot = {
	state: RunState;
	decision?: Decision;
	/** Session time (µs) at the cursor, for the clocks on screen. */
	now: number;
	/** Session time (µs) of the last event: how long the session lasted. */
	sessionUs: number;
	replayUs: number;
	durationUs: number;
	speed: number;
	isPlaying: boolean;
	shown: number;
	total: number;
	/** Changes when the cursor moves back, so printed lines are printed afresh. */
	epoch: number;
};

const tickMs = 50;
/** Further ahead than this, a seek starts from the nearest checkpoint rather than from the cursor. */
const foldAheadLimit = 1000;
/** How far `←` and `→` move, in session time. */
export const seekStepUs = 10_000_000;
const speeds = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64];

export class ReplaySession {
	private readonly timeline: Timeline;
	private readonly fold: CheckpointedFold;
	/** Phases and steps to jump to, built once. */
	readonly targets: JumpTarget[];
	private state: RunState = initialState;
	private shown = 0;
	private replayUs = 0;
	private speed: number;
	private isPlaying = true;
	private epoch = 0;
	private timer: NodeJS.Timeout | undefined;
	private readonly listeners = new Set<() => void>();
	private resolveDone!: () => void;
	readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));

	constructor(
		private readonly events: RunEvent[],
		options: {speed?: number; idleLimitUs?: number; startAt?: string} = {},
	) {
		this.timeline = buildTimeline(events, options.idleLimitUs ?? 2_000_000);
		this.fold = new CheckpointedFold(events);
		this.targets = jumpTargets(events);
		this.speed = options.speed ?? 1;
		const start =
			options.startAt === undefined
				? -1
				: events.findIndex((e) => e.type === 'step-started' && e.step === options.startAt);
		this.seek(start >= 0 ? start + 1 : Math.min(1, events.length));
	}

	start(): void {
		this.timer = setInterval(() => this.tick(), tickMs);
	}

	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	snapshot(): ReplaySnapshot {
		const now = sessionAt(this.events, this.timeline, this.replayUs);
		const move = this.state.runbook && !this.state.ended ? nextMove(this.state, now) : undefined;
		return {
			state: this.state,
			...(move?.kind === 'idle' && move.decision ? {decision: move.decision} : {}),
			now,
			sessionUs: this.events.at(-1)?.t ?? 0,
			replayUs: this.replayUs,
			durationUs: this.timeline.durationUs,
			speed: this.speed,
			isPlaying: this.isPlaying,
			shown: this.shown,
			total: this.events.length,
			epoch: this.epoch,
		};
	}

	togglePause(): void {
		this.isPlaying = !this.isPlaying && this.shown < this.events.length;
		this.notify();
	}

	/** One event on, paused. */
	stepOne(): void {
		this.isPlaying = false;
		this.seek(this.shown + 1);
	}

	jumpStep(direction: 1 | -1): void {
		this.jumpTo(jump(this.timeline.stepStarts, this.shown, direction));
	}

	jumpPhase(direction: 1 | -1): void {
		this.jumpTo(jump(this.timeline.phaseStarts, this.shown, direction));
	}

	/** Moves the cursor to session time `sessionUs`: the events up to it shown, the clock at it. */
	seekSession(sessionUs: number): void {
		const lastUs = this.events.at(-1)?.t ?? 0;
		const target = Math.max(this.events[0]?.t ?? 0, Math.min(lastUs, sessionUs));
		this.seek(Math.max(1, countAtSession(this.events, target)));
		this.replayUs = replayAtSession(this.events, this.timeline, target);
		this.notify();
	}

	/** `←`/`→`: ten seconds of session time back or on. */
	seekBy(direction: 1 | -1): void {
		this.seekSession(this.snapshot().now + direction * seekStepUs);
	}

	/** `0`–`9`: the start of that tenth of the session. */
	seekTenth(tenth: number): void {
		const firstUs = this.events[0]?.t ?? 0;
		this.seekSession(firstUs + ((this.snapshot().sessionUs - firstUs) * tenth) / 10);
	}

	/** `Home`/`End`: the first event, or all of them. */
	seekEdge(edge: 'start' | 'end'): void {
		this.seek(edge === 'start' ? 1 : this.events.length);
	}

	/** Shows the events up to and including `index`, paused there (a list choice, a search match). */
	showThrough(index: number): void {
		this.isPlaying = false;
		this.seek(index + 1);
	}

	/** The next output that holds `query` after the cursor (wrapping), and the cursor moved onto it. */
	search(query: string): OutputMatch | undefined {
		const match = findOutput(this.events, query, this.shown - 1);
		if (match) this.showThrough(match.index);
		return match;
	}

	changeSpeed(direction: 1 | -1): void {
		const index = speeds.findIndex((s) => s >= this.speed);
		this.speed =
			speeds[Math.min(speeds.length - 1, Math.max(0, (index === -1 ? speeds.length - 1 : index) + direction))]!;
		this.notify();
	}

	quit(): void {
		if (this.timer) clearInterval(this.timer);
		this.resolveDone();
	}

	private jumpTo(mark: number | undefined): void {
		if (mark !== undefined) this.seek(mark + 1);
	}

	private tick(): void {
		if (!this.isPlaying) return;
		this.replayUs = Math.min(this.timeline.durationUs, this.replayUs + tickMs * 1000 * this.speed);
		const target = shownAt(this.timeline, this.replayUs);
		if (target !== this.shown) this.advance(target);
		if (this.shown >= this.events.length) this.isPlaying = false;
		this.notify();
	}

	/** Shows exactly `count` events; moving back folds again from the start. */
	private seek(count: number): void {
		const target = Math.max(0, Math.min(this.events.length, count));
		if (target < this.shown) {
			this.state = this.fold.stateAt(target);
			this.shown = target;
			this.epoch++;
		} else if (target - this.shown > foldAheadLimit) {
			this.state = this.fold.stateAt(target);
			this.shown = target;
		} else {
			this.advance(target);
		}
		this.replayUs = target > 0 ? this.timeline.at[target - 1]! : 0;
		this.notify();
	}

	private advance(target: number): void {
		for (; this.shown < target; this.shown++) this.state = reduceRun(this.state, this.events[this.shown]!);
	}

	private notify(): void {
		for (const listener of this.listeners) listener();
	}
}
