// The state of a session: what you get by folding its events. Bounded in size whatever the
// output: only the tail of the current command's output is kept. Pure.
import type {Runbook} from '../runbook/model.js';
import type {EndStatus, FailureReason, SessionOptions} from './events.js';

export type StepStatus = 'pending' | 'active' | 'running' | 'succeeded' | 'failed' | 'skipped';

export type StepState = {
	status: StepStatus;
	/** `t` of the latest start or retry. */
	startedAt?: number;
	endedAt?: number;
	/** Commands started for this step (poll tries and retries included). */
	attempts: number;
	/** Commands started since the step started or the operator retried it (automatic retries count on). */
	tries: number;
	lastExitAt?: number;
	isConfirmed: boolean;
	lastExit?: {code: number | null; signal: string | null; isTimedOut: boolean; durationMs: number};
	failure?: {reason: FailureReason; detail: string};
	/** The answer to each `check` item, in order; undefined until answered. */
	checks: Array<boolean | undefined>;
	skipReason?: string;
	/** Fingerprints of those who approved it (besides the operator) since it started. */
	approvedBy?: string[];
	/**
	 * When its commands ran, since it started or the operator retried it (automatic retries and poll
	 * tries count on): its duration, which leaves out the waits for people below.
	 */
	commandSpan?: {startedAt: number; endedAt?: number};
	/** µs spent waiting for the operator's confirmation and for approvals, since it started or was retried. */
	waited?: {confirmationUs: number; approvalUs: number};
	/** The operator ended its wait (a `wait:` or `for:` step) before its time was up. */
	endedEarly?: {t: number; by?: string; reason?: string};
};

export type OutputLine = {text: string; isErr: boolean};

/** The tail of the running (or last) command's output. */
export type OutputTail = {
	step: string;
	/** The command as recorded: vars filled in, secrets masked. */
	command: string;
	lines: OutputLine[];
	/** An unfinished last line per stream. */
	partial: {out: string; err: string};
	lineCount: number;
};

export type Takeover =
	| {kind: 'detached'; t: number; reason: string; step?: string}
	| {kind: 'resumed'; t: number; by: string; changes?: string[]}
	| {kind: 'reattached' | 'collected'; t: number; step: string}
	| {kind: 'lost'; t: number; step: string; reason: string}
	/** The end of the output of a step that ended while no runner watched: nobody saw it live. */
	| {kind: 'result'; t: number; step: string; lines: string[]};

export type ApprovalEntry = {
	kind: 'given' | 'rejected' | 'refused';
	t: number;
	step: string;
	by?: string;
	fingerprint?: string;
	reason?: string;
};

export type PhaseState = {startedAt?: number; endedAt?: number; isOverrun: boolean};

export type RunState = {
	runbook?: Runbook;
	options: SessionOptions;
	wall?: string;
	/** The runner's time zone: phase start times are read in it when there is no window. */
	timezone?: string;
	/** Mutating steps may start outside the window: who said so and why. */
	windowOverride?: {t: number; by: string; reason: string};
	/** Closing warnings already given, in minutes (15, 5). */
	windowWarnings: number[];
	/** Values of the non-secret vars; secret ones are named in `secretVars` and kept out of the state. */
	vars: Record<string, string>;
	secretVars: string[];
	preconditions?: {results: Array<{name: string; isMet: boolean; problem?: string}>; isOverridden: boolean};
	phases: Record<string, PhaseState>;
	/** The phase the run is in, by index; -1 before the first. */
	phaseIndex: number;
	/** The step the operator is on. */
	current?: string;
	steps: Record<string, StepState>;
	/** Steps that succeeded, in order: rollback undoes them newest first. */
	succeeded: string[];
	/** Rollback steps queued by `rollback-started`, and how many are done. */
	rollback?: {steps: string[]; done: number};
	running?: {
		step: string;
		attempt: number;
		command: string;
		startedAt: number;
		timeoutMs?: number;
		isCancelRequested: boolean;
		pid?: number;
		startTicks?: string;
		/** Bytes of each stream's spool (out, err) recorded so far. */
		spoolBytes: [number, number];
		/** Its runner went away: the next runner must find out what became of it before anything else. */
		isOrphaned?: boolean;
		recovered?: 'reattached' | 'collected';
		/** A `for:` step's time is up, or the operator ended it early (`wait-ended`): its stop counts as done. */
		followEnded?: {t: number; isEarly: boolean};
	};
	/** Runners leaving and taking over, and what became of the step that ran meanwhile, in order. */
	takeovers: Takeover[];
	/** Secret values a resumed runner must be given again before it goes on. */
	reask: string[];
	/** The approval a step waits for, while it waits. */
	approval?: {
		step: string;
		need: number;
		head: string;
		requestedAt: number;
		timeoutMs?: number;
		command: string;
		by: string;
	};
	/** Answers to approval requests, in order, for the screen. */
	approvals: ApprovalEntry[];
	output?: OutputTail;
	signoffs: Array<{role: string; name: string; t: number}>;
	notes: Array<{t: number; by: string; text: string}>;
	ended?: {status: EndStatus; t: number; reason?: string};
	/** The latest `t` folded. */
	lastT: number;
};

/** Lines of output kept for the screen; a 200-row terminal is the largest we draw. */
export const outputTailLines = 200;

export const initialState: RunState = {
	options: {operator: '', isPreApproved: false, isInteractive: false},
	vars: {},
	secretVars: [],
	phases: {},
	phaseIndex: -1,
	steps: {},
	succeeded: [],
	signoffs: [],
	notes: [],
	takeovers: [],
	approvals: [],
	windowWarnings: [],
	reask: [],
	lastT: 0,
};
