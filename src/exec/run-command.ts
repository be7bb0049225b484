// Runs one step's shell text so that it outlives the runner: a wrapper in its own process group
// (started by the session's step spawner, see exec/step-spawner.ts) runs the step with its output
// going to spool files, and writes the exit status to a third file when the step ends. The
// runner tails the files, so it can die, or lose its terminal, and a later `runbook resume`
// reattaches. The script reaches bash through a private file, never through argv, which any
// local user can read in /proc/*/cmdline; secret values reach it through the environment (see
// core/run/command.ts), sent to the spawner through a private pipe.
import {existsSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {
	createSpool,
	hasSpool,
	neverRanPath,
	readExitStatus,
	removeFile,
	scriptPath,
	type SpoolPaths,
} from './step-spool.js';
import {descendantsOf, isSameProcess, processStartTicks} from './process-identity.js';
import {CommandWatch, type WatchResult} from './command-watch.js';
import {StepSpawner} from './step-spawner.js';

export type {WatchResult} from './command-watch.js';
export {StepSpawner} from './step-spawner.js';

export type RunOptions = {
	/** The resolved script: written to a 0600 file beside the spool, removed when the step ends. */
	script: string;
	cwd: string;
	env: Record<string, string | undefined>;
	/** Where the step's output and exit status go (see exec/step-spool.ts). */
	spool: SpoolPaths;
	timeoutMs?: number;
	/** How long a SIGTERM'd command may take to exit before SIGKILL. @default 3000 */
	graceMs?: number;
	/** Keep up to this much standard output for `capture` and `expect`. @default 0 */
	keepStdoutBytes?: number;
	onOutput: (stream: 'out' | 'err', text: string, end: number) => void;
	/** Starts the wrapper; one per session. @default one for this process's environment */
	spawner?: StepSpawner;
	/**
	 * The wrapper starts and gets ready, but the step waits for `release` of the running command
	 * (its start is going to disk meanwhile); a stop before that means it never runs.
	 */
	isHeld?: boolean;
	/** What prepareCommand said for this command, when it was called first: its files are not made again. */
	prepared?: {problem: string | undefined};
};

/** The command's files, made ahead of its start (its spool and its script); why they could not be, if not. */
export function prepareCommand(options: Pick<RunOptions, 'script' | 'cwd' | 'spool'>): string | undefined {
	return (
		missingDirectory(options.cwd) ??
		spoolProblem(options.spool) ??
		scriptProblem(scriptPath(options.spool), options.script)
	);
}

/** The wrapper's pid (its process group) and the kernel's start time of it, to tell it from a later process with the same id. */
export type SpawnedProcess = {pid: number; startTicks: string | undefined};

export type RunningCommand = {
	/** Settles with the wrapper's process once it has started; undefined when it could not start. Never rejects. */
	spawned: Promise<SpawnedProcess | undefined>;
	/** Settles when the command and its output have ended, after `spawned`; never rejects. */
	done: Promise<WatchResult>;
	/** Stops the whole process tree: SIGTERM, then SIGKILL after the grace period. */
	cancel: () => void;
	/** Stops watching and leaves the command running (the runner is going away). */
	detach: () => void;
	/** A held command may run now (see RunOptions.isHeld); nothing for one that was not held. */
	release: () => void;
};

let defaultSpawner: StepSpawner | undefined;

export function runCommand(options: RunOptions): RunningCommand {
	const script = scriptPath(options.spool);
	const problem = options.prepared ? options.prepared.problem : prepareCommand(options);
	if (problem) {
		return {
			spawned: Promise.resolve(undefined),
			cancel: () => {},
			detach: () => {},
			release: () => {},
			done: Promise.resolve({
				code: null,
				signal: null,
				isTimedOut: false,
				isCancelled: false,
				durationMs: 0,
				error: problem,
				bytes: [0, 0],
			}),
		};
	}
	let pid: number | undefined;
	/** A signal sent before the wrapper's pid is known goes to it as soon as it is. */
	let earlySignal: NodeJS.Signals | undefined;
	let release: (go: boolean) => void = () => {};
	let isReleased = !options.isHeld;
	const signal = (name: NodeJS.Signals) => {
		// Stopped before it was let go: it never runs, and its wrapper says so.
		if (!isReleased) {
			isReleased = true;
			release(false);
		} else if (pid === undefined) earlySignal = name;
		else signalTree(pid, name);
	};
	const watch = new CommandWatch({
		spool: options.spool,
		from: [0, 0],
		keepStdoutBytes: options.keepStdoutBytes ?? 0,
		onOutput: options.onOutput,
		...(options.timeoutMs !== undefined ? {timeoutMs: options.timeoutMs} : {}),
		...(options.isHeld ? {isHeld: true} : {}),
		graceMs: options.graceMs ?? 3000,
		signal,
	});
	let settleSpawned!: (process: SpawnedProcess | undefined) => void;
	const spawned = new Promise<SpawnedProcess | undefined>((resolve) => (settleSpawned = resolve));
	const {status} = options.spool;
	const spawner = options.spawner ?? (defaultSpawner ??= new StepSpawner(process.env));
	release = spawner.spawn(
		{
			spoolDir: path.dirname(status),
			base: path.basename(status, '.status'),
			cwd: options.cwd,
			env: options.env,
		},
		(reply) => {
			if ('error' in reply) {
				settleSpawned(undefined);
				watch.failed(reply);
				return;
			}
			pid = reply.pid;
			const startTicks = processStartTicks(pid);
			settleSpawned({pid, startTicks});
			watch.spawned({pid, ...(startTicks !== undefined ? {startTicks} : {})});
			if (earlySignal) signalTree(pid, earlySignal);
		},
	);
	if (isReleased) release(true);
	// The script goes once the step has ended (or never started), after what its end starts (the
	// next step); a runner that went away first leaves it for the discard of the spool.
	void watch.done.then(() => setImmediate(() => removeFile(script)));
	return {
		spawned,
		done: watch.done,
		cancel: () => watch.cancel(),
		detach: () => watch.detach(),
		release: () => {
			if (isReleased) return;
			isReleased = true;
			release(true);
			watch.startTimeout();
		},
	};
}

export type ReattachOptions = {
	pid: number;
	startTicks?: string;
	spool: SpoolPaths;
	/** Bytes of each stream already recorded: output is reported from there on. */
	from: [number, number];
	/** How long the command has run so far; counts against its timeout. */
	elapsedMs: number;
	timeoutMs?: number;
	graceMs?: number;
	keepStdoutBytes?: number;
	onOutput: (stream: 'out' | 'err', text: string, end: number) => void;
};

/** Watches a command a runner before this one started: streams the rest of its output and collects its exit. */
export function reattachCommand(options: ReattachOptions): RunningCommand {
	const watch = new CommandWatch({
		spool: options.spool,
		from: options.from,
		keepStdoutBytes: options.keepStdoutBytes ?? 0,
		onOutput: options.onOutput,
		startedMsAgo: options.elapsedMs,
		...(options.timeoutMs !== undefined ? {timeoutMs: Math.max(0, options.timeoutMs - options.elapsedMs)} : {}),
		graceMs: options.graceMs ?? 3000,
		signal: (signal) => signalGroup(options.pid, signal),
		process: {pid: options.pid, ...(options.startTicks !== undefined ? {startTicks: options.startTicks} : {})},
	});
	return {
		spawned: Promise.resolve({pid: options.pid, startTicks: options.startTicks}),
		done: watch.done,
		cancel: () => watch.cancel(),
		detach: () => watch.detach(),
		release: () => {},
	};
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals) {
	if (pid === undefined) return;
	try {
		process.kill(-pid, signal);
	} catch {
		// The group is already gone.
	}
}

/** The wrapper's group, and its descendants that left the group. */
function signalTree(pid: number, signal: NodeJS.Signals) {
	const descendants = descendantsOf(pid);
	signalGroup(pid, signal);
	for (const descendant of descendants) {
		try {
			process.kill(descendant, signal);
		} catch {
			// Already gone.
		}
	}
}

function missingDirectory(cwd: string): string | undefined {
	try {
		return statSync(cwd).isDirectory() ? undefined : `working directory \`${cwd}\` is not a directory`;
	} catch {
		return `working directory \`${cwd}\` does not exist`;
	}
}

function spoolProblem(spool: SpoolPaths): string | undefined {
	try {
		createSpool(spool);
		return undefined;
	} catch (error) {
		return `cannot create the output spool for the step: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
	}
}

/** Writes the script readable by its owner only; a file left by an earlier attempt is replaced, never reused. */
function scriptProblem(file: string, script: string): string | undefined {
	try {
		removeFile(file);
		writeFileSync(file, script, {mode: 0o600, flag: 'wx'});
		return undefined;
	} catch (error) {
		return `cannot write the step's script: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
	}
}

/** What became of a command whose runner went away: it ended (its status is on disk), it still runs, it never started, or nobody can tell. */
export type CommandFate = 'ended' | 'running' | 'never-started' | 'unknown';

export function commandFate(spool: SpoolPaths, process: {pid: number; startTicks?: string} | undefined): CommandFate {
	if (readExitStatus(spool) !== undefined) return 'ended';
	// Its wrapper was never let go (its runner went first): it may still be exiting, and never ran.
	if (existsSync(neverRanPath(spool))) return 'never-started';
	if (process && isSameProcess(process.pid, process.startTicks)) return 'running';
	// It may have ended between the two looks.
	if (readExitStatus(spool) !== undefined) return 'ended';
	if (!process && !hasSpool(spool)) return 'never-started';
	return 'unknown';
}
