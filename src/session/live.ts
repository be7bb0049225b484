// The live session: the one loop with effects. It asks core what comes next, performs it, and
// reports what happened as events. Each event is appended to the log, then folded, then shown.
import type {RunEvent} from '../core/run/events.js';
import {answerValue, applyIntent, type Intent} from '../core/run/intents.js';
import {judgeExit} from '../core/run/judge.js';
import {nextMove, type Decision, type Draft} from '../core/run/next.js';
import {checkPreconditions} from '../core/run/preconditions.js';
import {reduceRun} from '../core/run/reduce.js';
import {initialState, type RunState} from '../core/run/state.js';
import {foldEvents} from '../core/run/reduce.js';
import {resolveCommand} from '../core/run/command.js';
import {secretNames, type Runbook, type Step} from '../core/runbook/model.js';
import {decisionTypes, type SessionOptions} from '../core/run/events.js';
import {commandFate, reattachCommand, runCommand, type RunningCommand, type WatchResult} from '../exec/run-command.js';
import {removeSpool, spoolPaths, type SpoolPaths} from '../exec/step-spool.js';
import {StreamRedactor} from '../core/audit/redact.js';
import {ApprovalIntake, type ApprovalSetup} from './approval-intake.js';
import {OutputRecorder} from './output-recorder.js';
import {redactEvent} from '../core/audit/redact-event.js';
import {secretDefaults} from '../core/audit/secret-defaults.js';
import type {Clock} from './clock.js';

/** Where events go before they are folded: the session log, in a live run. */
export type EventSink = {
	append(event: RunEvent): void;
	/** Everything appended is on disk when this returns. */
	flush(): void;
	/** Starts writing what was appended to disk without waiting (while output flows). */
	flushSoon?(): void;
	/** The hash of the last line written: the chain head an approval request is bound to. */
	head?(): string;
};

/** Output held back for redaction is released after this long without new output. */
const quietMs = 250;

/** While a command runs, the log is pushed to disk in the background this often. */
const backgroundSyncMs = 250;

export type SessionSnapshot = {state: RunState; decision?: Decision; problem?: string; now: number};

export type LiveSessionConfig = {
	runbook: Runbook;
	options: SessionOptions;
	/** Values given with `--var`, secret ones included. */
	vars: Record<string, string>;
	/** The environment commands run in and preconditions are checked against. */
	env: Record<string, string | undefined>;
	/** The directory commands run in when a step has no `cwd`. */
	cwd: string;
	sink: EventSink;
	clock: Clock;
	/** Where running steps write their output and exit status (the session directory's `spool`). */
	spoolDir: string;
	/** Without it, a step that asks for approvals waits until it times out or the operator aborts. */
	approvals?: ApprovalSetup;
	/** Kept for `capture` and `expect.stdout`. @default 1 MiB */
	keepStdoutBytes?: number;
	/** Output is recorded in chunks of at most this many characters. @default 32 KiB */
	chunkChars?: number;
	/** Output waits at most this long before it is recorded. @default 50 */
	chunkMs?: number;
	/** Secret values known at the start (secret env values); secret vars are added as they are given. */
	secrets?: Array<{name: string; value: string}>;
};

type Listener = () => void;

/** The shortest time between two redraws the session asks for: 20 a second stays responsive under a flood of output. */
const frameMs = 50;

export class LiveSession {
	private state: RunState = initialState;
	private decision: Decision | undefined;
	private problem: string | undefined;
	private readonly secrets = new Map<string, string>();
	private command: RunningCommand | undefined;
	private cancelWake: (() => void) | undefined;
	private readonly listeners = new Set<Listener>();
	private readonly eventListeners = new Set<(event: RunEvent) => void>();
	/** Masks secrets before anything is recorded or drawn; one fork per output stream of a command. */
	private readonly redactor: StreamRedactor;
	/** The running command's output on its way to the log. */
	private output: OutputRecorder | undefined;
	private isPumping = false;
	private isNotifyQueued = false;
	private lastNotifiedAt = -Infinity;
	private isSyncDue = false;
	private logProblem: string | undefined;
	/** Events that wait for the running command to exit (an abort while it runs). */
	private afterCommand: Draft[] | undefined;
	/** Spools of commands whose end is recorded: removed once the log is on disk. */
	private spentSpools: SpoolPaths[] = [];
	private syncTimer: NodeJS.Timeout | undefined;
	private readonly intake: ApprovalIntake | undefined;
	private resolveEnded!: (state: RunState) => void;
	/** Settles with the final state once the session has ended. */
	readonly ended: Promise<RunState>;

	constructor(private readonly config: LiveSessionConfig) {
		this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
		this.redactor = new StreamRedactor(config.secrets ?? []);
		this.intake =
			config.approvals &&
			new ApprovalIntake(config.approvals, {
				state: () => this.state,
				wall: () => this.config.clock.wall(),
				isSecretIn: (text) => this.redactor.redact(text).count > 0,
				record: (drafts) =>
					this.guarded(() => {
						this.recordAll(drafts);
						this.sync();
					}),
				goOn: () => this.pump(),
			});
	}

	start(): void {
		const {runbook, options, clock, vars} = this.config;
		this.record({
			type: 'session-started',
			runbook,
			options,
			wall: clock.wall().toISOString(),
			cwd: this.config.cwd,
			timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
		});
		const secretVars = secretNames(runbook).vars;
		for (const secret of secretDefaults(runbook)) this.learnSecret(secret.name, secret.value);
		for (const [name, value] of Object.entries(vars)) {
			const isSecret = secretVars.includes(name);
			if (isSecret) this.learnSecret(name, value);
			this.record({type: 'var-set', var: name, ...(isSecret ? {} : {value}), isSecret, source: 'flag'});
		}
		this.pump();
	}

	/**
	 * Takes over a session an earlier runner left: its events are folded (not recorded again),
	 * the takeover is recorded, and the run goes on; a command left running is found first.
	 */
	resume(
		history: RunEvent[],
		takeover: {pid: number; reask: string[]; changed?: {runbook: Runbook; sha256: string; changes: string[]}},
	): void {
		this.state = foldEvents(history);
		const {options, vars} = this.config;
		for (const secret of secretDefaults(this.config.runbook)) this.learnSecret(secret.name, secret.value);
		this.record({
			type: 'session-resumed',
			by: options.operator,
			pid: takeover.pid,
			isInteractive: options.isInteractive,
			isPreApproved: options.isPreApproved,
			reask: takeover.reask,
			...(takeover.changed ?? {}),
		});
		for (const name of takeover.reask) {
			const value = vars[name];
			if (value === undefined) continue;
			this.learnSecret(name, value);
			this.record({type: 'var-set', var: name, isSecret: true, source: 'flag'});
		}
		this.pump();
	}

	/**
	 * The terminal is gone (an SSH drop): what was read of the running step's output is recorded,
	 * the step is left running, and the log says so. `runbook resume` goes on from here.
	 */
	detach(reason: string): void {
		if (this.state.ended) return;
		this.cancelWake?.();
		if (this.syncTimer) clearInterval(this.syncTimer);
		const running = this.state.running;
		if (this.command) {
			this.command.detach();
			this.command = undefined;
			this.output?.finish();
		}
		this.guarded(() => {
			this.record({type: 'session-detached', reason, ...(running ? {step: running.step} : {})});
			this.config.sink.flush();
		});
	}

	/** Why the log could not be written, when it could not: the run stopped before its next command. */
	get logFailure(): string | undefined {
		return this.logProblem;
	}

	/** µs since the session started, on its clock. */
	now(): number {
		return this.config.clock.now();
	}

	snapshot(): SessionSnapshot {
		return {
			state: this.state,
			now: this.config.clock.now(),
			...(this.decision ? {decision: this.decision} : {}),
			...(this.problem ? {problem: this.problem} : {}),
		};
	}

	subscribe(listener: Listener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Every event, as it is recorded (for the plain one-line-per-event view). */
	onEvent(listener: (event: RunEvent) => void): () => void {
		this.eventListeners.add(listener);
		return () => this.eventListeners.delete(listener);
	}

	/** An operator's answer. Returns the problem with it, if any; nothing is recorded then. */
	intend(intent: Intent): string | undefined {
		if (this.state.ended) return 'the session has ended';
		const result = applyIntent(this.state, this.decision, intent);
		if ('problem' in result) {
			this.problem = result.problem;
			this.notify();
			return result.problem;
		}
		this.problem = undefined;
		if (intent.kind === 'answer' && this.decision && (this.decision.kind === 'var' || this.decision.kind === 'ask')) {
			const name = this.decision.kind === 'var' ? this.decision.var : this.decision.spec.var;
			const isSecret = this.decision.kind === 'var' ? this.decision.spec.secret : this.decision.spec.isSecret;
			const value = answerValue(intent.value, this.decision.spec.default);
			// Enter on a secret with a default keeps the default learned at the start (the state holds a marker).
			if (isSecret && (intent.value !== '' || !this.secrets.has(name))) this.learnSecret(name, value);
		}
		this.decision = undefined;
		if (intent.kind === 'abort' && this.command) {
			// The end is recorded after the command's exit, so nothing follows `session-ended`.
			this.afterCommand = result.events;
			this.cancelCommand();
			return undefined;
		}
		this.guarded(() => this.recordAll(result.events));
		this.pump();
		return undefined;
	}

	private learnSecret(name: string, value: string) {
		this.secrets.set(name, value);
		this.redactor.addSecret(name, value);
	}

	/** Stops the running command: the cancel is recorded before the kill. */
	cancelCommand(): void {
		const running = this.state.running;
		if (!running || !this.command || running.isCancelRequested) return;
		this.output?.flush();
		this.guarded(() => {
			this.record({type: 'command-cancel-requested', step: running.step, by: this.state.options.operator});
			this.sync();
		});
		// Stopped even when the log could not take the request: a cancel must never be refused.
		this.command.cancel();
	}

	/** Ends the session from outside (a signal): cancels what runs and records why. */
	interrupt(reason: string): void {
		if (this.state.ended) return;
		const end: Draft = {type: 'session-ended', status: 'aborted', reason};
		this.decision = undefined;
		if (this.command) {
			this.afterCommand = [end];
			this.cancelCommand();
			return;
		}
		this.guarded(() => this.record(end));
		this.pump();
	}

	/** Runs `write`; a log that cannot be written ends the session with the reason, never a crash. */
	private guarded(write: () => void) {
		try {
			write();
		} catch (error) {
			this.failLog(error);
		}
	}

	private pump(): void {
		if (this.isPumping) return;
		this.isPumping = true;
		try {
			for (;;) {
				if (this.logProblem && !this.state.ended && !this.command) {
					this.end();
					return;
				}
				const now = this.config.clock.now();
				const move = nextMove(this.state, now);
				if (move.kind === 'emit') {
					this.recordAll(move.events);
				} else if (move.kind === 'check-env') {
					this.record({
						type: 'preconditions-checked',
						results: checkPreconditions(this.state.runbook!.env, this.config.env),
					});
				} else if (move.kind === 'run') {
					this.startCommand(move.step, move.attempt, move.timeoutMs);
					return;
				} else if (move.kind === 'request-approval') {
					this.requestApproval(move.step, move.need, move.timeoutMs);
				} else if (move.kind === 'recover') {
					if (this.recoverCommand(move.step)) return;
				} else if (move.kind === 'idle') {
					this.sync();
					this.decision = move.decision;
					this.intake?.listen(move.decision?.kind === 'approval');
					this.cancelWake?.();
					this.cancelWake =
						move.wakeAt === undefined ? undefined : this.config.clock.at(move.wakeAt, () => this.pump());
					this.notify();
					return;
				} else {
					this.end();
					return;
				}
			}
		} catch (error) {
			this.failLog(error);
			this.end();
		} finally {
			this.isPumping = false;
		}
	}

	private startCommand(step: Step, attempt: number, timeoutMs: number | undefined) {
		const values = {...this.state.vars, ...Object.fromEntries(this.secrets)};
		const resolved = resolveCommand(step, values, secretNames(this.state.runbook!).vars);
		const cwd = resolved.cwd ?? this.config.cwd;
		this.record({
			type: 'command-started',
			step: step.id,
			attempt,
			command: resolved.display,
			cwd,
			...(timeoutMs !== undefined ? {timeoutMs} : {}),
		});
		// Write-ahead: the start is on disk before the process exists.
		this.sync();
		this.output = this.newRecorder(step.id, [0, 0]);
		const spool = spoolPaths(this.config.spoolDir, step.id, attempt);
		const command = runCommand({
			script: resolved.script,
			cwd,
			env: {...this.config.env, ...resolved.env},
			spool,
			...(timeoutMs !== undefined ? {timeoutMs} : {}),
			keepStdoutBytes: this.keptBytes(step),
			onOutput: (stream, text, end) => this.output?.add(stream, text, end),
		});
		if (command.pid !== undefined)
			this.record({
				type: 'command-spawned',
				step: step.id,
				attempt,
				pid: command.pid,
				...(command.startTicks !== undefined ? {startTicks: command.startTicks} : {}),
			});
		this.watchCommand(step, attempt, command, spool);
	}

	/** Finds out what became of the command an earlier runner left; false when the run can go on at once. */
	private recoverCommand(step: Step): boolean {
		const running = this.state.running!;
		const spool = spoolPaths(this.config.spoolDir, running.step, running.attempt);
		const process =
			running.pid !== undefined
				? {pid: running.pid, ...(running.startTicks !== undefined ? {startTicks: running.startTicks} : {})}
				: undefined;
		const fate = commandFate(spool, process);
		if (fate === 'never-started' || fate === 'unknown') {
			const reason =
				fate === 'never-started'
					? 'the runner stopped as the command was starting; it never ran'
					: 'the runner stopped while the command ran, and its process is gone without an exit status';
			this.record({type: 'command-lost', step: running.step, attempt: running.attempt, reason});
			return false;
		}
		this.record({
			type: 'command-recovered',
			step: running.step,
			attempt: running.attempt,
			how: fate === 'running' ? 'reattached' : 'collected',
		});
		this.output = this.newRecorder(step.id, running.at);
		const command = reattachCommand({
			pid: process?.pid ?? 0,
			...(running.startTicks !== undefined ? {startTicks: running.startTicks} : {}),
			spool,
			from: running.at,
			elapsedMs: Math.max(0, Math.round((this.config.clock.now() - running.startedAt) / 1000)),
			...(running.timeoutMs !== undefined ? {timeoutMs: running.timeoutMs} : {}),
			keepStdoutBytes: this.keptBytes(step),
			onOutput: (stream, text, end) => this.output?.add(stream, text, end),
		});
		this.watchCommand(step, running.attempt, command, spool);
		return true;
	}

	private requestApproval(step: Step, need: number, timeoutMs: number | undefined) {
		const values = {...this.state.vars, ...Object.fromEntries(this.secrets)};
		const command = resolveCommand(step, values, secretNames(this.state.runbook!).vars).display;
		const head = this.config.sink.head?.() ?? '';
		this.intake?.prepare();
		this.record({
			type: 'approval-requested',
			step: step.id,
			need,
			command,
			by: this.state.options.operator,
			head,
			...(timeoutMs !== undefined ? {timeoutMs} : {}),
		});
	}

	private keptBytes(step: Step): number {
		const needsStdout = step.capture !== undefined || step.expect.stdout !== undefined;
		return needsStdout ? (this.config.keepStdoutBytes ?? 1024 * 1024) : 0;
	}

	/** Records the command's output as it comes and its end when it comes, then goes on. */
	private watchCommand(step: Step, attempt: number, command: RunningCommand, spool: SpoolPaths) {
		this.command = command;
		this.notify();
		this.syncTimer = this.config.sink.flushSoon
			? setInterval(() => this.config.sink.flushSoon?.(), backgroundSyncMs)
			: undefined;
		void command.done.then((result: WatchResult) => {
			if (this.syncTimer) clearInterval(this.syncTimer);
			this.command = undefined;
			this.output?.finish();
			this.output = undefined;
			const {code, signal, isTimedOut, durationMs, bytes, error} = result;
			try {
				this.record({
					type: 'command-exited',
					step: step.id,
					attempt,
					code,
					signal,
					isTimedOut,
					durationMs,
					bytes,
					...(error ? {error} : {}),
				});
				this.spentSpools.push(spool);
				this.recordAll(this.afterCommand ?? judgeExit(step, result));
				this.afterCommand = undefined;
			} catch (failure) {
				this.failLog(failure);
			}
			this.pump();
		});
	}

	private newRecorder(step: string, from: [number, number]): OutputRecorder {
		return new OutputRecorder({
			step,
			from,
			redactor: this.redactor,
			chunkChars: this.config.chunkChars ?? 32 * 1024,
			chunkMs: this.config.chunkMs ?? 50,
			quietMs,
			// Output is masked as it streams; a log that failed takes nothing more.
			record: (draft) => {
				if (this.logProblem) return;
				try {
					this.record(draft);
				} catch (error) {
					this.failLog(error);
				}
			},
		});
	}

	private recordAll(drafts: Draft[]) {
		for (const draft of drafts) this.record(draft);
	}

	/** Append, then fold, then tell the listeners: the write-ahead order. */
	private record(draft: Draft) {
		const t = Math.max(this.state.lastT, this.config.clock.now());
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
		this.state = reduceRun(this.state, event);
		for (const listener of this.eventListeners) listener(event);
		this.notify();
	}

	private sync() {
		if (!this.isSyncDue) return;
		this.config.sink.flush();
		this.isSyncDue = false;
		this.removeSpentSpools();
	}

	/** A command's spool holds unredacted output: it goes once its end is on disk in the log. */
	private removeSpentSpools() {
		for (const spool of this.spentSpools) {
			try {
				removeSpool(spool);
			} catch {
				// Left for the operator to find; the log already holds the output.
			}
		}
		this.spentSpools = [];
	}

	private failLog(error: unknown) {
		this.logProblem ??= error instanceof Error ? error.message : String(error);
		this.problem = this.logProblem;
	}

	private end() {
		this.cancelWake?.();
		this.intake?.listen(false);
		this.decision = undefined;
		if (!this.state.ended && this.logProblem) {
			// The log cannot take the end either; the state says why for the screen and exit code.
			this.state = reduceRun(this.state, {
				type: 'session-ended',
				t: this.config.clock.now(),
				status: 'failed',
				reason: this.logProblem,
			});
		}
		try {
			this.config.sink.flush();
			if (!this.logProblem) this.removeSpentSpools();
		} catch {
			// Already reported through logProblem.
		}
		this.notify();
		this.resolveEnded(this.state);
	}

	/**
	 * Tells listeners at most once per frame: at once when the last
	 * was a frame ago, else at the end of the frame. A burst of fast steps or output is one redraw.
	 */
	private notify() {
		if (this.isNotifyQueued) return;
		this.isNotifyQueued = true;
		const wait = this.lastNotifiedAt + frameMs - performance.now();
		const tell = () => {
			this.isNotifyQueued = false;
			this.lastNotifiedAt = performance.now();
			for (const listener of this.listeners) listener();
		};
		if (wait <= 0) queueMicrotask(tell);
		else setTimeout(tell, wait);
	}
}
