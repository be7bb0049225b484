// Following a live session from another terminal: the writer's log, tailed and folded with the
// same fold as the live run, so the screen is the operator's screen. Read-only: nothing here
// decides, runs or writes anything.
import type {LogHeader} from '../core/audit/entry.js';
import {auditTypes} from '../core/audit/records.js';
import type {RunEvent} from '../core/run/events.js';
import {nextMove, type Decision} from '../core/run/next.js';
import {reduceRun} from '../core/run/reduce.js';
import {initialState, type RunState} from '../core/run/state.js';
import type {LineSource} from '../store/archive/tail.js';
import {LogTail} from '../store/log-tail.js';

export type WatchSnapshot = {
	header?: LogHeader;
	state: RunState;
	decision?: Decision;
	/** µs since the session started, by the wall clock (the writer's clock runs the same). */
	now: number;
	/** How long after it was recorded the last event reached this screen, in ms. */
	lagMs: number;
	isSealed: boolean;
	/** Why following stopped before the seal: a line that is not a log line, or one its source does not trust. */
	problem?: string;
};

/** The log as already read up to `wholeBytes` (the end of a whole line): followed from there. */
export type CaughtUp = {
	header: LogHeader;
	events: RunEvent[];
	/** The fold of `events` from the initial state, as the reader of the log made it. */
	state: RunState;
	isSealed: boolean;
	wholeBytes: number;
	lines: number;
};

export class WatchSession {
	private readonly tail: LineSource;
	private header: LogHeader | undefined;
	private state: RunState = initialState;
	private lagMs = 0;
	private isSealed = false;
	private isCaughtUp = false;
	private problem: string | undefined;
	private lineNumber = 0;
	private readonly listeners = new Set<() => void>();
	private readonly eventListeners = new Set<(event: RunEvent, state: RunState) => void>();
	private resolveEnded!: () => void;
	/** Settles at the seal (or the end of the session when no seal follows). */
	readonly ended = new Promise<void>((resolve) => (this.resolveEnded = resolve));

	private caughtUp: CaughtUp | undefined;

	/**
	 * `source`: a local log file, or the archive's copy of the session (`watch --archive`).
	 * `caughtUp`: what of the local log was read already; its events are folded as if just read.
	 */
	constructor(
		source: string | LineSource,
		private readonly wallNow: () => number = Date.now,
		caughtUp?: CaughtUp,
	) {
		this.tail = typeof source === 'string' ? new LogTail(source, caughtUp?.wholeBytes) : source;
		if (typeof source === 'string') this.caughtUp = caughtUp;
	}

	/** Catches up from the start of the log, then follows it. */
	start(): void {
		// Caught up from the start: the lag is measured from here on, on events as they arrive.
		this.take();
		this.lagMs = 0;
		this.isCaughtUp = true;
		if (this.isSealed || this.problem) return;
		this.tail.follow(() => this.take(), 100);
	}

	stop(): void {
		this.tail.close();
	}

	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Every event as it is folded (for the plain one-line-per-event view). */
	onEvent(listener: (event: RunEvent, state: RunState) => void): () => void {
		this.eventListeners.add(listener);
		return () => this.eventListeners.delete(listener);
	}

	snapshot(): WatchSnapshot {
		const now = this.now();
		const move = this.state.runbook && !this.state.ended ? nextMove(this.state, now) : undefined;
		return {
			...(this.header ? {header: this.header} : {}),
			state: this.state,
			...(move?.kind === 'idle' && move.decision ? {decision: move.decision} : {}),
			now,
			lagMs: this.lagMs,
			isSealed: this.isSealed,
			...(this.problem ? {problem: this.problem} : {}),
		};
	}

	now(): number {
		if (!this.header) return 0;
		return Math.max(this.state.lastT, (this.wallNow() - Date.parse(this.header.wall)) * 1000);
	}

	private take() {
		const lines = this.tail.readLines();
		const broken = this.tail.broken;
		const caughtUp = this.caughtUp;
		this.caughtUp = undefined;
		if ((lines.length === 0 && !broken && !caughtUp) || this.problem) return;
		let last: RunEvent | undefined;
		if (caughtUp) {
			this.header = caughtUp.header;
			this.isSealed = caughtUp.isSealed;
			this.lineNumber = caughtUp.lines;
			// Folded already: done again only for those who see every event (the plain view).
			if (this.eventListeners.size === 0) {
				this.state = caughtUp.state;
				last = caughtUp.events.at(-1);
			} else for (const event of caughtUp.events) last = this.fold(event);
		}
		for (const line of lines) {
			this.lineNumber++;
			let record: {type: string; seq?: number; prev?: string};
			try {
				record = JSON.parse(line) as typeof record;
			} catch {
				// What came before is shown; nothing after a broken line can be trusted.
				this.problem = `line ${this.lineNumber - 1} of the log is not a log line; stopped following (\`runbook verify\` says more)`;
				break;
			}
			if (record.type === 'header') {
				this.header = record as unknown as LogHeader;
				continue;
			}
			if (record.type === 'seal') this.isSealed = true;
			if (auditTypes.has(record.type)) continue;
			const {seq: _seq, prev: _prev, ...event} = record;
			last = this.fold(event as RunEvent);
		}
		if (broken && !this.problem) this.problem = broken;
		if (last && this.header && this.isCaughtUp)
			this.lagMs = Math.max(0, this.wallNow() - (Date.parse(this.header.wall) + last.t / 1000));
		for (const listener of this.listeners) listener();
		if (this.isSealed || this.problem) {
			this.tail.close();
			this.resolveEnded();
		}
	}

	private fold(event: RunEvent): RunEvent {
		this.state = reduceRun(this.state, event);
		for (const listener of this.eventListeners) listener(event, this.state);
		return event;
	}
}
