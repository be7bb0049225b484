// The only module that imports zx. Runs one step's shell text so that it outlives the runner:
// a wrapper bash in its own session and process group runs the step with its output going to
// spool files, and writes the exit status to a third file when the step ends. The runner tails
// the files, so it can die, or lose its terminal, and a later `runbook resume` reattaches.
// The script reaches bash through a private file, never through argv, which any local user can
// read in /proc/*/cmdline; secret values reach it through the environment (see core/run/command.ts).
import {rmSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {$} from 'zx/core';
import {createSpool, hasSpool, readExitStatus, type SpoolPaths} from './step-spool.js';
import {isSameProcess, processStartTicks} from './process-identity.js';
import {CommandWatch, type WatchResult} from './command-watch.js';

export type {WatchResult} from './command-watch.js';

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
};

export type RunningCommand = {
	pid: number | undefined;
	/** The kernel's start time of `pid`, to tell it from a later process with the same id. */
	startTicks: string | undefined;
	/** Settles when the command and its output have ended; never rejects. */
	done: Promise<WatchResult>;
	/** Stops the whole process tree: SIGTERM, then SIGKILL after the grace period. */
	cancel: () => void;
	/** Stops watching and leaves the command running (the runner is going away). */
	detach: () => void;
};

/**
 * The wrapper: nothing of it goes to the runner (a runner that died must not take it down
 * through a broken pipe), and its own messages ("Terminated") go nowhere; a trapped SIGTERM lets
 * it outlive the step it was sent with, to write the step's status. Traps reset to the default
 * in the step, so the step can be stopped. It holds the spool directory open as fd 5 from its
 * first line (`$1` is the runner's path to it, good while the runner lives) and names its
 * files through that descriptor, relative names `$2`…`$5`: a session directory renamed later,
 * or a runner gone, cannot send the status elsewhere. The step reads its script from the file
 * `$5`, which the wrapper removes once the step has ended.
 */
const wrapper = [
	'exec 5<"$1" || exit 126',
	'd=/proc/$$/fd/5',
	'exec >>"$d/$2" 3>>"$d/$3" 2>/dev/null </dev/null',
	'trap : TERM INT HUP',
	'bash --noprofile --norc -e -o pipefail -- "$d/$5" 2>&3 3>&- 5<&-',
	's=$?',
	'rm -f -- "$d/$5"',
	'printf \'%d\\n\' "$s" >"$d/$4"',
	'exit "$s"',
].join('\n');

export function runCommand(options: RunOptions): RunningCommand {
	const script = scriptPath(options.spool);
	const problem = missingDirectory(options.cwd) ?? spoolProblem(options.spool) ?? scriptProblem(script, options.script);
	if (problem) {
		return {
			pid: undefined,
			startTicks: undefined,
			cancel: () => {},
			detach: () => {},
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
	const sh = $({
		shell: 'bash',
		prefix: '',
		postfix: '',
		cwd: options.cwd,
		env: options.env,
		quiet: true,
		verbose: false,
		nothrow: true,
		// setsid: its own session and process group, out of reach of the terminal's SIGHUP.
		detached: true,
		preferLocal: false,
		stdio: ['ignore', 'ignore', 'ignore'],
		log: () => {},
	});
	const {out, err, status} = options.spool;
	const [spoolDir, outName, errName, statusName, scriptName] = [
		path.dirname(out),
		...[out, err, status, script].map((file) => path.basename(file)),
	];
	// `exec` so the wrapper leads the process group; zx quotes each argument as one word.
	const child = sh`exec bash --noprofile --norc -c ${wrapper} runbook-step ${spoolDir} ${outName} ${errName} ${statusName} ${scriptName}`;
	const pid = child.pid;
	const watch = new CommandWatch({
		spool: options.spool,
		from: [0, 0],
		keepStdoutBytes: options.keepStdoutBytes ?? 0,
		onOutput: options.onOutput,
		...(options.timeoutMs !== undefined ? {timeoutMs: options.timeoutMs} : {}),
		graceMs: options.graceMs ?? 3000,
		signal: (signal) => {
			signalGroup(pid, signal);
			// zx also walks the tree, for children that left the group.
			child.kill(signal).catch(() => {});
		},
	});
	const exited = (output: {exitCode: number | null; signal: NodeJS.Signals | null; message?: string}) => {
		// The wrapper removes it; this covers a wrapper that never started or was killed outright.
		rmSync(script, {force: true});
		const isStarted = output.exitCode !== null || output.signal !== null;
		watch.exited(isStarted ? {code: output.exitCode, signal: output.signal} : {error: spawnError(output)});
	};
	// With `nothrow` zx resolves on failure too; a rejection (a zx bug) is reported the same way.
	child.then(exited, exited);
	return {
		pid,
		startTicks: pid === undefined ? undefined : processStartTicks(pid),
		done: watch.done,
		cancel: () => watch.cancel(),
		detach: () => watch.detach(),
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
		pid: options.pid,
		startTicks: options.startTicks,
		done: watch.done,
		cancel: () => watch.cancel(),
		detach: () => watch.detach(),
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

/** The step's script file: beside its spool, in the session's private spool directory. */
export function scriptPath(spool: SpoolPaths): string {
	return spool.status.replace(/\.status$/, '') + '.sh';
}

/** Writes the script readable by its owner only; a file left by an earlier attempt is replaced, never reused. */
function scriptProblem(file: string, script: string): string | undefined {
	try {
		rmSync(file, {force: true});
		writeFileSync(file, script, {mode: 0o600, flag: 'wx'});
		return undefined;
	} catch (error) {
		return `cannot write the step's script: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
	}
}

function spawnError(output: {message?: string}): string {
	const first =
		String(output.message ?? '')
			.split('\n')
			.find((l) => l.trim()) ?? 'the command could not be started';
	return first.trim();
}

/** What became of a command whose runner went away: it ended (its status is on disk), it still runs, it never started, or nobody can tell. */
export type CommandFate = 'ended' | 'running' | 'never-started' | 'unknown';

export function commandFate(spool: SpoolPaths, process: {pid: number; startTicks?: string} | undefined): CommandFate {
	if (readExitStatus(spool) !== undefined) return 'ended';
	if (process && isSameProcess(process.pid, process.startTicks)) return 'running';
	// It may have ended between the two looks.
	if (readExitStatus(spool) !== undefined) return 'ended';
	if (!process && !hasSpool(spool)) return 'never-started';
	return 'unknown';
}
