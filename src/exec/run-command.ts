// The only module that imports zx. Runs one step's shell text and reports its output in chunks
// and its end as a CommandResult. Output is streamed, never stored whole.
import {statSync} from 'node:fs';
import {StringDecoder} from 'node:string_decoder';
import {$, type ProcessPromise} from 'zx/core';
import type {CommandResult} from '../core/run/judge.js';

export type RunOptions = {
	script: string;
	cwd: string;
	env: Record<string, string | undefined>;
	timeoutMs?: number;
	/** How long a SIGTERM'd command may take to exit before SIGKILL. @default 3000 */
	graceMs?: number;
	/** Keep up to this much standard output for `capture` and `expect`. @default 0 */
	keepStdoutBytes?: number;
	onOutput: (stream: 'out' | 'err', text: string) => void;
};

export type RunningCommand = {
	pid: number | undefined;
	/** Settles when the command and its output have ended; never rejects. */
	done: Promise<CommandResult & {bytes: [number, number]}>;
	/** Stops the whole process tree: SIGTERM, then SIGKILL after the grace period. */
	cancel: () => void;
};

/** zx keeps every byte of output unless given a store; this one keeps nothing. */
function discardingStore() {
	const nothing = () => {
		const chunks: string[] = [];
		chunks.push = () => 0;
		return chunks;
	};
	return {stdout: nothing(), stderr: nothing(), stdall: nothing()};
}

export function runCommand(options: RunOptions): RunningCommand {
	const startedAt = performance.now();
	const problem = missingDirectory(options.cwd);
	if (problem) {
		return {pid: undefined, cancel: () => {}, done: Promise.resolve({code: null, signal: null, isTimedOut: false, isCancelled: false, durationMs: 0, error: problem, bytes: [0, 0]})};
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
		// Its own process group, so a cancel reaches every process the step started.
		detached: true,
		preferLocal: false,
		stdio: ['ignore', 'pipe', 'pipe'],
		store: discardingStore(),
		log: () => {},
	});
	// `exec` so the step's bash leads the process group; zx quotes `script` as one argument.
	const child: ProcessPromise = sh`exec bash --noprofile --norc -e -o pipefail -c ${options.script}`;
	let isTimedOut = false;
	let isCancelled = false;
	let killTimer: NodeJS.Timeout | undefined;
	const bytes: [number, number] = [0, 0];
	const keep = options.keepStdoutBytes ?? 0;
	let kept = '';
	let isKeptWhole = true;

	const stop = () => {
		if (killTimer) return;
		signalTree(child, 'SIGTERM');
		killTimer = setTimeout(() => signalTree(child, 'SIGKILL'), options.graceMs ?? 3000);
		killTimer.unref();
	};
	const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
		isTimedOut = true;
		stop();
	}, options.timeoutMs);

	const decoders = {out: new StringDecoder('utf8'), err: new StringDecoder('utf8')};
	const listen = (stream: 'out' | 'err') => (chunk: Buffer) => {
		bytes[stream === 'out' ? 0 : 1] += chunk.length;
		const text = decoders[stream].write(chunk);
		if (stream === 'out' && keep > 0 && isKeptWhole) {
			if (kept.length + text.length > keep) isKeptWhole = false;
			else kept += text;
		}
		if (text) options.onOutput(stream, text);
	};
	child.stdout.on('data', listen('out'));
	child.stderr.on('data', listen('err'));

	const finish = (output: {exitCode: number | null; signal: NodeJS.Signals | null; message?: string}): CommandResult & {bytes: [number, number]} => {
		if (timer) clearTimeout(timer);
		if (killTimer) clearTimeout(killTimer);
		for (const stream of ['out', 'err'] as const) {
			const rest = decoders[stream].end();
			if (rest) options.onOutput(stream, rest);
		}
		const error = output.exitCode === null && output.signal === null ? spawnError(output) : undefined;
		return {
			code: output.exitCode,
			signal: output.signal,
			isTimedOut,
			isCancelled,
			durationMs: Math.round(performance.now() - startedAt),
			...(keep > 0 && isKeptWhole ? {stdout: kept} : {}),
			...(error ? {error} : {}),
			bytes,
		};
	};
	// With `nothrow` zx resolves on failure too; a rejection (a zx bug) is reported the same way.
	const done = new Promise<CommandResult & {bytes: [number, number]}>((resolve) => {
		child.then((output) => resolve(finish(output)), (output: {exitCode: number | null; signal: NodeJS.Signals | null; message?: string}) => resolve(finish(output)));
	});
	return {
		pid: child.pid,
		done,
		cancel: () => {
			isCancelled = true;
			stop();
		},
	};
}

function signalTree(child: ProcessPromise, signal: NodeJS.Signals) {
	const pid = child.pid;
	if (pid === undefined) return;
	try {
		process.kill(-pid, signal);
	} catch {
		// The group is already gone.
	}
	// zx also walks the tree, for children that left the group.
	child.kill(signal).catch(() => {});
}

function missingDirectory(cwd: string): string | undefined {
	try {
		return statSync(cwd).isDirectory() ? undefined : `working directory \`${cwd}\` is not a directory`;
	} catch {
		return `working directory \`${cwd}\` does not exist`;
	}
}

function spawnError(output: {message?: string}): string {
	const first = String(output.message ?? '').split('\n').find((l) => l.trim()) ?? 'the command could not be started';
	return first.trim();
}
