// The recorder: every event of a session goes through here, in the write-ahead order. It is
// stamped with the session clock, its free text is masked, it is appended to the log, folded into
// the state, and shown; it reaches the disk at the next barrier (`sync`). A log that cannot be
// written is remembered, never thrown past the session: the loop stops before its next command.
import {redactEvent} from '../core/audit/redact-event.js';
import {StreamRedactor} from '../core/audit/redact.js';
import {decisionTypes, type Draft, type RunEvent} from '../core/run/events.js';
import {foldEvents, reduceRun} from '../core/run/reduce.js';
import {initialState, type RunState} from '../core/run/state.js';
import type {Clock} from './clock.js';

/** Where events go before they are folded: the session log, in a live run. */
export type EventSink = {
	append(event: RunEvent): void;
	/** Everything appended is on disk when this returns. */
	flush(): void;
	/** Starts writing what was appended to disk without waiting (while output flows). */
	flushSoon?(): void;
	/** Everything appended goes to disk without blocking; `done` hears when it is there, or why not. */
	flushThen?(done: (error?: Error) => void): void;
	/** The hash of the last line written: the chain head an approval request is bound to. */
	head?(): string;
};

export type RecorderConfig = {
	sink: EventSink;
	clock: Clock;
	/** Secret values known at the start; more are learned as they are given. */
	secrets: Array<{name: string; value: string}>;
	/** Called after every change to the state (and to the log's health). */
	onChange: () => void;
};

export class SessionRecorder {
	private current: RunState = initialState;
	private readonly secretValues = new Map<string, string>();
	/** Masks secrets before anything is recorded or drawn; forked once per output stream. */
	readonly redactor: StreamRedactor;
	private isSyncDue = false;
	private failure: string | undefined;
	/** Work that waits until what is recorded is on disk (removing a spent spool). */
	private whenDurableQueue: Array<() => void> = [];
	private readonly eventListeners = new Set<(event: RunEvent) => void>();

	constructor(private readonly config: RecorderConfig) {
		this.redactor = new StreamRedactor(config.secrets);
	}

	/** The state folded from every event recorded (or adopted) so far. */
	get state(): RunState {
		return this.current;
	}

	/** Why the log could not be written, when it could not. */
	get logFailure(): string | undefined {
		return this.failure;
	}

	/** Folds an earlier runner's events without recording them again (a resume). */
	adopt(history: RunEvent[]): void {
		this.current = foldEvents(history);
	}

	/** A secret value from here on: masked in everything recorded, and given to commands. */
	learnSecret(name: string, value: string): void {
		this.secretValues.set(name, value);
		this.redactor.addSecret(name, value);
	}

	/** Whether a value for the secret `name` is known (given, answered, or a default). */
	knowsSecret(name: string): boolean {
		return this.secretValues.has(name);
	}

	/** The vars a command's text is filled from: recorded ones, and the secrets (never recorded). */
	commandValues(): Record<string, string> {
		return {...this.current.vars, ...Object.fromEntries(this.secretValues)};
	}

	/** Stamps, masks, appends, then folds and tells the listeners: the write-ahead order. Throws when the log cannot take it. */
	record(draft: Draft): void {
		const t = Math.max(this.current.lastT, this.config.clock.now());
		const {type, ...fields} = draft;
		// Output was masked as it streamed; every other event's free text is masked here.
		const event =
			type === 'output-recorded'
				? ({type, t, ...fields} as RunEvent)
				: redactEvent({type, t, ...fields} as RunEvent, this.redactor);
		// Durable events are written now and synced at the next barrier: before a command starts,
		// and before the session waits for anyone. A confirmation and its command share one sync.
		this.config.sink.append(event);
		if (decisionTypes.has(event.type)) this.isSyncDue = true;
		this.current = reduceRun(this.current, event);
		for (const listener of this.eventListeners) listener(event);
		this.config.onChange();
	}

	recordAll(drafts: Draft[]): void {
		for (const draft of drafts) this.record(draft);
	}

	/** Runs `write` (records, a sync); a log that cannot be written is remembered, never thrown. False then. */
	guarded(write: () => void): boolean {
		try {
			write();
			return true;
		} catch (error) {
			this.fail(error);
			return false;
		}
	}

	/** The barrier: decisions recorded since the last one are on disk when this returns. */
	sync(): void {
		if (!this.isSyncDue) return;
		this.config.sink.flush();
		this.isSyncDue = false;
		this.runDurable();
	}

	/**
	 * The barrier without blocking: decisions recorded so far go to disk, and `done` hears once
	 * they are there (true), or that the log failed (false: the failure is kept as for `sync`).
	 * Work waiting for the disk runs right after `done` (it holds up nothing). A sink that cannot
	 * sync later is synced now.
	 */
	syncThen(done: (isDurable: boolean) => void): void {
		const sink = this.config.sink;
		if (!sink.flushThen) {
			done(this.guarded(() => this.sync()));
			return;
		}
		this.isSyncDue = false;
		const durable = this.whenDurableQueue;
		this.whenDurableQueue = [];
		sink.flushThen((error) => {
			if (error) {
				this.fail(error);
				return done(false);
			}
			done(true);
			for (const work of durable) work();
		});
	}

	/** Whether the sink can sync without blocking (a live log can; a test sink may not). */
	get canSyncLater(): boolean {
		return this.config.sink.flushThen !== undefined;
	}

	/** Everything appended goes to disk now, whatever it is (the session ends or detaches). */
	flushAll(): void {
		this.config.sink.flush();
		this.isSyncDue = false;
		if (!this.failure) this.runDurable();
	}

	/** Starts writing what is appended without waiting for the disk (while output flows). */
	flushSoon(): void {
		this.config.sink.flushSoon?.();
	}

	/** Whether the sink writes in the background at all (a live log does; a test sink may not). */
	get canFlushSoon(): boolean {
		return this.config.sink.flushSoon !== undefined;
	}

	/** The chain head an approval request is bound to. */
	head(): string {
		return this.config.sink.head?.() ?? '';
	}

	/** Runs `work` once everything recorded so far is on disk. */
	whenDurable(work: () => void): void {
		this.whenDurableQueue.push(work);
	}

	/** The log failed: the reason is kept (the first one) for the screen and the exit code. */
	fail(error: unknown): void {
		this.failure ??= error instanceof Error ? error.message : String(error);
		this.config.onChange();
	}

	/** The session ends without the log: the state says why, though the log cannot. */
	foldUnrecorded(draft: Draft): void {
		this.current = reduceRun(this.current, {...draft, t: this.config.clock.now()} as RunEvent);
	}

	/** Every event, as it is recorded (for the plain one-line-per-event view). */
	onEvent(listener: (event: RunEvent) => void): () => void {
		this.eventListeners.add(listener);
		return () => this.eventListeners.delete(listener);
	}

	private runDurable() {
		const queue = this.whenDurableQueue;
		this.whenDurableQueue = [];
		for (const work of queue) work();
	}
}
