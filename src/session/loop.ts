// The session loop: asks core what comes next, has the effects perform it, and records what
// happened through the recorder. The operator's intents come in here too. No processes, files
// or timers of its own: those are behind SessionEffects and the Clock.
// Just over 300 lines: the loop and the intents it takes share its state; the commands' part is in loop-commands.ts.
import type {Draft, RunEvent, SessionOptions} from '../core/run/events.js';
import {answerValue, applyIntent, type Intent} from '../core/run/intents.js';
import {nextMove, type Decision, type Move} from '../core/run/next.js';
import type {RunState} from '../core/run/state.js';
import {secretDefaults} from '../core/audit/secret-defaults.js';
import {secretNames, type Runbook} from '../core/runbook/model.js';
import {beginCommand, recoverCommand, requestApproval, type CommandContext, type LoopConfig} from './loop-commands.js';
import type {RunningStep} from './running-step.js';

export type SessionSnapshot = {state: RunState; decision?: Decision; problem?: string; now: number};

/** How the runner that takes a session over came to it. */
export type Takeover = {
	pid: number;
	/** Secret vars given again: the session asked for them, since secrets are never stored. */
	reask: string[];
	changed?: {runbook: Runbook; sha256: string; changes: string[]};
};

export class SessionLoop {
	private decision: Decision | undefined;
	private problem: string | undefined;
	private running: RunningStep | undefined;
	/** Events that wait for the running command to exit (an abort while it runs). */
	private afterCommand: Draft[] | undefined;
	private cancelWake: (() => void) | undefined;
	private isPumping = false;
	private isNotifyQueued = false;
	private readonly listeners = new Set<() => void>();
	private resolveEnded!: (state: RunState) => void;
	/** Settles with the final state once the session has ended. */
	readonly ended: Promise<RunState>;

	constructor(private readonly config: LoopConfig) {
		this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
	}

	/** Records the start, the vars given up front (secret ones without their values), and goes on. */
	start(runbook: Runbook, options: SessionOptions, vars: Record<string, string>): void {
		const {recorder, clock, cwd, timezone} = this.config;
		recorder.guarded(() => {
			recorder.record({
				type: 'session-started',
				runbook,
				options,
				wall: clock.wall().toISOString(),
				cwd,
				...(timezone !== undefined ? {timezone} : {}),
			});
			const secretVars = secretNames(runbook).vars;
			for (const secret of secretDefaults(runbook)) recorder.learnSecret(secret.name, secret.value);
			for (const [name, value] of Object.entries(vars)) {
				const isSecret = secretVars.includes(name);
				if (isSecret) recorder.learnSecret(name, value);
				recorder.record({type: 'var-set', var: name, ...(isSecret ? {} : {value}), isSecret, source: 'flag'});
			}
		});
		this.pump();
	}

	/**
	 * Takes over a session an earlier runner left: its events are folded (not recorded again),
	 * the takeover is recorded, and the run goes on; a command left running is found first.
	 */
	resume(
		history: RunEvent[],
		takeover: Takeover,
		given: {runbook: Runbook; options: SessionOptions; vars: Record<string, string>},
	): void {
		const {recorder} = this.config;
		recorder.adopt(history);
		for (const secret of secretDefaults(given.runbook)) recorder.learnSecret(secret.name, secret.value);
		recorder.guarded(() => {
			recorder.record({
				type: 'session-resumed',
				by: given.options.operator,
				pid: takeover.pid,
				isInteractive: given.options.isInteractive,
				isPreApproved: given.options.isPreApproved,
				reask: takeover.reask,
				...(takeover.changed ?? {}),
			});
			for (const name of takeover.reask) {
				const value = given.vars[name];
				if (value === undefined) continue;
				recorder.learnSecret(name, value);
				recorder.record({type: 'var-set', var: name, isSecret: true, source: 'flag'});
			}
			// Vars the session never recorded (it stopped first), given now: `resume` refuses the others.
			const secretVars = secretNames(given.runbook).vars;
			for (const [name, value] of Object.entries(given.vars)) {
				if (takeover.reask.includes(name)) continue;
				const isSecret = secretVars.includes(name);
				if (isSecret) recorder.learnSecret(name, value);
				recorder.record({type: 'var-set', var: name, ...(isSecret ? {} : {value}), isSecret, source: 'flag'});
			}
		});
		this.pump();
	}

	/**
	 * The terminal is gone (an SSH drop): what was read of the running step's output is recorded,
	 * the step is left running, and the log says so. `runbook resume` goes on from here.
	 */
	detach(reason: string): void {
		const {recorder} = this.config;
		if (recorder.state.ended) return;
		this.cancelWake?.();
		const step = recorder.state.running?.step;
		this.running?.detach();
		this.running = undefined;
		recorder.guarded(() => {
			recorder.record({type: 'session-detached', reason, ...(step !== undefined ? {step} : {})});
			recorder.flushAll();
		});
	}

	snapshot(): SessionSnapshot {
		const problem = this.config.recorder.logFailure ?? this.problem;
		return {
			state: this.config.recorder.state,
			now: this.config.clock.now(),
			...(this.decision ? {decision: this.decision} : {}),
			...(problem ? {problem} : {}),
		};
	}

	/** Calls `listener` after changes; a burst of changes in one turn of the event loop is one call. */
	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** An operator's answer. Returns the problem with it, if any; nothing is recorded then. */
	intend(intent: Intent): string | undefined {
		const {recorder} = this.config;
		if (recorder.state.ended) return 'the session has ended';
		const result = applyIntent(recorder.state, this.decision, intent);
		if ('problem' in result) {
			this.problem = result.problem;
			this.notify();
			return result.problem;
		}
		this.problem = undefined;
		const decision = this.decision;
		if (intent.kind === 'answer' && (decision?.kind === 'var' || decision?.kind === 'ask')) {
			const name = decision.kind === 'var' ? decision.var : decision.spec.var;
			const isSecret = decision.kind === 'var' ? decision.spec.secret : decision.spec.isSecret;
			// Enter on a secret with a default keeps the default learned at the start (the state holds a marker).
			if (isSecret && (intent.value !== '' || !recorder.knowsSecret(name)))
				recorder.learnSecret(name, answerValue(intent.value, decision.spec.default));
		}
		this.decision = undefined;
		if (intent.kind === 'abort' && this.running) {
			// The end is recorded after the command's exit, so nothing follows `session-ended`.
			this.afterCommand = result.events;
			this.cancelCommand();
			return undefined;
		}
		recorder.guarded(() => recorder.recordAll(result.events));
		this.pump();
		return undefined;
	}

	/** Stops the running command: its output so far, then the cancel, are recorded before the kill. */
	cancelCommand(): void {
		const {recorder} = this.config;
		const running = recorder.state.running;
		if (!running || !this.running || running.isCancelRequested) return;
		this.running.finishOutput();
		recorder.guarded(() => {
			recorder.record({type: 'command-cancel-requested', step: running.step, by: recorder.state.options.operator});
			recorder.sync();
		});
		// Stopped even when the log could not take the request: a cancel must never be refused.
		this.running.cancel();
	}

	/** Ends the session from outside (a signal): cancels what runs and records why. */
	interrupt(reason: string): void {
		const {recorder} = this.config;
		if (recorder.state.ended) return;
		const end: Draft = {type: 'session-ended', status: 'aborted', reason};
		this.decision = undefined;
		if (this.running) {
			this.afterCommand = [end];
			this.cancelCommand();
			return;
		}
		recorder.guarded(() => recorder.record(end));
		this.pump();
	}

	/** Records answers that came from others (approvals) and makes them durable; `pump` goes on after. */
	takeAnswers(drafts: Draft[]): void {
		const {recorder} = this.config;
		if (recorder.state.ended) return;
		recorder.guarded(() => {
			recorder.recordAll(drafts);
			recorder.sync();
		});
	}

	/**
	 * Drives the session as far as it can go without waiting: records what follows on its own,
	 * performs effects, and stops at a running command, a decision, or a time to wake at (then
	 * it runs again). Safe to call at any time; a call while it runs does nothing.
	 */
	pump(): void {
		if (this.isPumping) return;
		this.isPumping = true;
		const {recorder} = this.config;
		try {
			for (;;) {
				if (recorder.logFailure && !recorder.state.ended && !this.running) return this.end();
				const move = nextMove(recorder.state, this.config.clock.now());
				if (move.kind === 'ended') return this.end();
				if (this.perform(move)) return;
			}
		} catch (error) {
			recorder.fail(error);
			this.end();
		} finally {
			this.isPumping = false;
		}
	}

	/** Performs one move; true when the loop waits now (a command runs, or a decision or a time is awaited). */
	private perform(move: Exclude<Move, {kind: 'ended'}>): boolean {
		const {recorder, effects} = this.config;
		switch (move.kind) {
			case 'emit':
				recorder.recordAll(move.events);
				return false;
			case 'check-env':
				recorder.record({
					type: 'preconditions-checked',
					results: effects.checkEnvironment(recorder.state.runbook!.env),
				});
				return false;
			case 'run':
				this.running = beginCommand(this.commandContext(), move.step, move.attempt, move.timeoutMs);
				this.notify();
				// A `for:` step goes on at once to its countdown (a decision and a time to wake at).
				return move.step.forMs === undefined;
			case 'stop':
				this.cancelCommand();
				return true;
			case 'request-approval':
				requestApproval(this.commandContext(), move.step, move.need, move.timeoutMs);
				return false;
			case 'recover':
				this.running = recoverCommand(this.commandContext(), move.step);
				this.notify();
				return this.running !== undefined;
			case 'idle':
				recorder.sync();
				this.decision = move.decision;
				effects.approvals?.listen(move.decision?.kind === 'approval');
				this.cancelWake?.();
				this.cancelWake =
					move.wakeAtUs === undefined ? undefined : this.config.clock.schedule(move.wakeAtUs, () => this.pump());
				this.notify();
				return true;
		}
	}

	private commandContext(): CommandContext {
		return {...this.config, onExit: (drafts) => this.commandEnded(drafts)};
	}

	/** The running command's end is recorded (`judged` is undefined when it could not be); what follows it comes next. */
	private commandEnded(judged: Draft[] | undefined) {
		this.running = undefined;
		const {recorder} = this.config;
		const follows = this.afterCommand ?? judged;
		if (judged && follows) recorder.guarded(() => recorder.recordAll(follows));
		this.afterCommand = undefined;
		this.pump();
	}

	private end() {
		const {recorder, effects} = this.config;
		this.cancelWake?.();
		effects.approvals?.listen(false);
		this.decision = undefined;
		if (!recorder.state.ended && recorder.logFailure)
			// The log cannot take the end either; the state says why for the screen and exit code.
			recorder.foldUnrecorded({type: 'session-ended', status: 'failed', reason: recorder.logFailure});
		try {
			recorder.flushAll();
		} catch {
			// Already reported through the log failure.
		}
		this.notify();
		this.resolveEnded(recorder.state);
	}

	/** Tells listeners once the current turn is done: a burst of fast steps or output is one call. */
	notify(): void {
		if (this.isNotifyQueued) return;
		this.isNotifyQueued = true;
		queueMicrotask(() => {
			this.isNotifyQueued = false;
			for (const listener of this.listeners) listener();
		});
	}
}
