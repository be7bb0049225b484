// What the session loop asks of the world, and nothing more: run a command, find and reattach
// one an earlier runner left, check the environment, take approvals. The live wiring
// (live-effects.ts) puts exec and store behind it; tests script it. Time is the Clock's.
import type {CommandResult} from '../core/run/judge.js';
import type {PreconditionResult} from '../core/run/preconditions.js';
import type {EnvRule} from '../core/runbook/schema.js';

/** One attempt of one step: what names its output on disk. */
export type AttemptRef = {step: string; attempt: number};

export type CommandSpec = AttemptRef & {
	/** The shell text, secrets filled in. */
	script: string;
	cwd: string;
	/** The step's own env, on top of the session's. */
	env: Record<string, string>;
	timeoutMs?: number;
	/** Standard output kept for `capture` and `expect.stdout`. */
	keepStdoutBytes: number;
	/** The command gets the operator's terminal in a pseudo-terminal (`interactive: true`). */
	isInteractive?: boolean;
	/**
	 * The command is made ready but waits for its handle's `release` (its start is going to disk
	 * meanwhile); a cancel before that means it never runs. Only where `canHold` says so.
	 */
	isHeld?: boolean;
};

/** A command the runner has stopped knowing about: its process, if it ever had one. */
export type OrphanRef = AttemptRef & {pid?: number; startTicks?: string};

export type ReattachSpec = OrphanRef & {
	/** Spool bytes of each stream (out, err) already recorded: output goes on from there. */
	spoolBytes: [number, number];
	/** How long the command has run so far; counts against its timeout. */
	elapsedMs: number;
	timeoutMs?: number;
	keepStdoutBytes: number;
};

export type CommandEnd = CommandResult & {bytes: [number, number]};

/** How a command reports back. Neither is called before `run` or `reattach` has returned. */
export type CommandListener = {
	/** Raw output; `spoolBytes`: the byte of the stream's spool that `text` reaches. */
	output(stream: 'out' | 'err' | 'tty', text: string, spoolBytes: number): void;
	/** The command's process has started, when `run` could not say it yet (its handle's pid is undefined then). */
	spawned(process: {pid: number; startTicks?: string}): void;
	/** The command and its output have ended; called once, after `spawned`. */
	exited(end: CommandEnd): void;
};

export type CommandHandle = {
	/** Undefined until the listener hears `spawned` (or for good, when it never started). */
	pid: number | undefined;
	/** The kernel's start time of `pid`, to tell it from a later process with the same id. */
	startTicks: string | undefined;
	/** Stops the whole process tree; `exited` follows. */
	cancel(): void;
	/** Stops watching and leaves the command running (the runner is going away); nothing follows. */
	detach(): void;
	/** A held command may run now; nothing for one that was not held. */
	release?(): void;
};

/** What became of a command whose runner went away. */
export type CommandFate = 'ended' | 'running' | 'never-started' | 'unknown';

export type SessionEffects = {
	/**
	 * Readies what the command needs on disk (its spool, its script) without starting anything;
	 * called while its start record goes to disk. `run` with the same spec follows.
	 */
	prepare?(spec: CommandSpec): void;
	/** Starts the command; its start record is on disk by then, or it is held until it is. */
	run(spec: CommandSpec, listener: CommandListener): CommandHandle;
	/** `run` can hold a command (not an interactive one) until its release. */
	canHold?: boolean;
	fate(orphan: OrphanRef): CommandFate;
	/** Watches a command an earlier runner started: the rest of its output, then its end. */
	reattach(spec: ReattachSpec, listener: CommandListener): CommandHandle;
	/** What the attempt left on disk (unredacted output) goes: called once its end is durable in the log. */
	discard(attempt: AttemptRef): void;
	checkEnvironment(rules: Record<string, EnvRule>): PreconditionResult[];
	/** Where approvals come from; without it, a step that asks for them waits until it times out. */
	approvals?: {
		/** Before the request is recorded, so an approver can answer at once. */
		prepare(): void;
		/** Answers are taken (through `SessionLoop.takeAnswers`) only while this is on. */
		listen(isWaiting: boolean): void;
	};
};

/** The screen steps aside while an interactive step has the terminal, and comes back after. */
export type ScreenControl = {
	release(): void;
	reclaim(): void;
};
