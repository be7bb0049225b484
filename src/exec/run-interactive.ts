// Runs an interactive step (`interactive: true`) in a pseudo-terminal that gets the operator's
// keystrokes and the window's size. Unlike a plain step it cannot outlive its runner: the pty
// closes with it. The script reaches bash through a private file, as for any step; what the
// command prints is handed back for the log, what the operator types never is.
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {createRequire} from 'node:module';
import type * as NodePty from 'node-pty';
import type {WatchResult} from './command-watch.js';

/** The terminal the command is handed: keystrokes in, output out, and its size. */
export type HandedTerminal = {
	input: NodeJS.ReadStream;
	output: NodeJS.WriteStream;
};

export type InteractiveOptions = {
	script: string;
	cwd: string;
	env: Record<string, string | undefined>;
	terminal: HandedTerminal;
	/** What the command printed, as it printed it (for the log). */
	onOutput: (text: string) => void;
};

export type InteractiveCommand = {
	pid: number | undefined;
	done: Promise<WatchResult>;
	/** Stops the command's process group. */
	cancel: () => void;
};

/**
 * node-pty is a native addon, an optional dependency built from source at install: a machine
 * without a compiler, and the standalone file, run everything but interactive steps.
 */
export const ptyMissing =
	'interactive steps need node-pty, which is not installed here (it is built from source when runbook is installed with npm, which needs python3, make and a C++ compiler; the standalone file has none unless `npm install node-pty@1.1.0` is run beside it)';

// > 80 lines: the pty's start, resize, input and exit handlers share its lifetime and close over it.
/** Starts the command in a pty sized to the terminal, passing keystrokes through until it exits. */
export function runInteractive(options: InteractiveOptions): InteractiveCommand {
	const startedMs = performance.now();
	const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-tty-'));
	const script = path.join(dir, 'step.sh');
	writeFileSync(script, options.script, {mode: 0o600});
	chmodSync(dir, 0o700);
	const {input, output} = options.terminal;
	const env = Object.fromEntries(
		Object.entries(options.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
	);
	let pty: NodePty.IPty;
	try {
		// Loaded on first use: the native module costs start-up time that most runs never need.
		const {spawn} = createRequire(import.meta.url)('node-pty') as typeof NodePty;
		pty = spawn('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '--', script], {
			name: env.TERM ?? 'xterm-256color',
			cols: output.columns || 80,
			rows: output.rows || 24,
			cwd: options.cwd,
			env,
		});
	} catch (error) {
		rmSync(dir, {recursive: true, force: true});
		const message =
			(error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND'
				? ptyMissing
				: `could not start a pseudo-terminal: ${(error as Error).message}`;
		return {
			pid: undefined,
			cancel: () => {},
			done: Promise.resolve({
				code: null,
				signal: null,
				isTimedOut: false,
				isCancelled: false,
				durationMs: 0,
				error: message,
				bytes: [0, 0],
			}),
		};
	}
	let outBytes = 0;
	let isCancelled = false;
	const onData = (data: string) => {
		outBytes += Buffer.byteLength(data);
		output.write(data);
		options.onOutput(data);
	};
	const onKeys = (data: Buffer | string) => pty.write(data.toString());
	const onResize = () => pty.resize(output.columns || 80, output.rows || 24);
	pty.onData(onData);
	input.setRawMode?.(true);
	input.on('data', onKeys);
	input.resume();
	output.on('resize', onResize);
	const done = new Promise<WatchResult>((resolve) => {
		pty.onExit(({exitCode, signal}) => {
			input.off('data', onKeys);
			input.setRawMode?.(false);
			input.pause();
			output.off('resize', onResize);
			rmSync(dir, {recursive: true, force: true});
			resolve({
				code: signal ? null : exitCode,
				signal: signal ? signalName(signal) : null,
				isTimedOut: false,
				isCancelled,
				durationMs: Math.round(performance.now() - startedMs),
				bytes: [outBytes, 0],
			});
		});
	});
	return {
		pid: pty.pid,
		done,
		cancel: () => {
			isCancelled = true;
			try {
				process.kill(-pty.pid, 'SIGTERM');
			} catch {
				pty.kill('SIGTERM');
			}
		},
	};
}

function signalName(signal: number): string {
	const names = os.constants.signals as Record<string, number>;
	return Object.keys(names).find((name) => names[name] === signal) ?? `signal ${signal}`;
}
