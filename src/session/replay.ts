// A replay: the recorded events folded up to a cursor that moves in time. The same fold as the
// live run, so the screen cannot tell them apart; it never runs anything (no executor here).
import type {RunEvent} from '../core/run/events.js';
import {nextMove, type Decision} from '../core/run/next.js';
import {foldEvents, reduceRun} from '../core/run/reduce.js';
import {initialState, type RunState} from '../core/run/state.js';
import {buildTimeline, jump, shownAt, type Timeline} from '../core/replay/timeline.js';

export type ReplaySnapshot = {
	state: RunState;
	decision?: Decision;
	/** Session time (µs) at the cursor, for the clocks on screen. */
	now: number;
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
const speeds = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64];

export class ReplaySession {
	private readonly timeline: Timeline;
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
		const last = this.events[this.shown - 1];
		const since = this.shown > 0 ? this.replayUs - this.timeline.at[this.shown - 1]! : 0;
		const now = (last?.t ?? 0) + Math.max(0, since);
		const move = this.state.runbook && !this.state.ended ? nextMove(this.state, now) : undefined;
		return {
			state: this.state,
			...(move?.kind === 'idle' && move.decision ? {decision: move.decision} : {}),
			now,
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
			this.state = foldEvents(this.events.slice(0, target));
			this.shown = target;
			this.epoch++;
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
