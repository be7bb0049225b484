// Follows one step's spool: reports its output as it is written and its end once known. The
// same loop serves a command this runner started and one it reattached to after a restart.
import path from 'node:path';
import {StringDecoder} from 'node:string_decoder';
import type {CommandResult} from '../core/run/judge.js';
import {readExitStatus, secondReadBuffer, SpoolReader, type SpoolPaths} from './step-spool.js';
import {isSameProcess} from './process-identity.js';
import {watchSpoolDirectory} from './spool-watch.js';
import {constants} from 'node:os';

export type WatchResult = CommandResult & {bytes: [number, number]};

/** The wrapper could not be started (a command this runner started). */
export type ChildExit = {error: string};

/** A step's wrapper: its pid, and the kernel's start time of it when known. */
export type WatchedProcess = {pid: number; startTicks?: string};

export type WatchConfig = {
	spool: SpoolPaths;
	/** Bytes of each stream to start from. */
	from: [number, number];
	keepStdoutBytes: number;
	/** `end`: the byte of the stream's spool that `text` reaches, for a later runner to go on from. */
	onOutput: (stream: 'out' | 'err', text: string, end: number) => void;
	/** Time left before the command is stopped as timed out. */
	timeoutMs?: number;
	/** The step waits to be let go (RunOptions.isHeld): its time limit starts with startTimeout. */
	isHeld?: boolean;
	graceMs: number;
	/** How long ago the command started (a reattached one). */
	startedMsAgo?: number;
	signal: (signal: NodeJS.Signals) => void;
	/** The wrapper, watched through its pid; undefined until `spawned` says it (a command this runner starts). */
	process?: WatchedProcess;
};

/** A safety net under the file-change notifications, and how often the wrapper's process is looked at. */
const pollMs = 100;
/** Read at most this much per turn of the event loop, so keys and redraws still get their turn. */
const turnBytes = 1024 * 1024;
/** Output is decoded and reported in pieces of at most this many bytes (see drain). */
const decodeBytes = 64 * 1024;

export class CommandWatch {
	readonly done: Promise<WatchResult>;
	private resolve!: (result: WatchResult) => void;
	private readonly readers: {out: SpoolReader; err: SpoolReader};
	private readonly decoders = {out: new StringDecoder('utf8'), err: new StringDecoder('utf8')};
	private readonly startedAt: number;
	private kept = '';
	private isKeptWhole = true;
	private childExit: ChildExit | undefined;
	private watched: WatchedProcess | undefined;
	private isTimedOut = false;
	private isCancelled = false;
	private isOver = false;
	private isScheduled = false;
	private readonly stopWatching: (() => void) | undefined;
	private readonly poller: NodeJS.Timeout;
	private timeoutTimer: NodeJS.Timeout | undefined;
	private killTimer: NodeJS.Timeout | undefined;

	constructor(private readonly config: WatchConfig) {
		this.done = new Promise((resolve) => (this.resolve = resolve));
		this.startedAt = performance.now() - (config.startedMsAgo ?? 0);
		this.watched = config.process;
		this.readers = {
			out: new SpoolReader(config.spool.out, 0),
			err: new SpoolReader(config.spool.err, config.from[1], secondReadBuffer),
		};
		// What a runner before this one already recorded is read again only to keep it for `capture`.
		this.keepPrefix(config.from[0]);
		this.stopWatching = watchSpoolDirectory(path.dirname(config.spool.out), () => this.schedule());
		this.poller = setInterval(() => this.tick(), pollMs);
		if (!config.isHeld) this.startTimeout();
		this.schedule();
	}

	/**
	 * The step's time limit starts: at once, or for a held step once it is let go, so a slow
	 * sync of its start never counts against it (nor times out a step that never ran).
	 */
	startTimeout(): void {
		if (this.config.timeoutMs === undefined || this.timeoutTimer || this.isOver) return;
		this.timeoutTimer = setTimeout(() => {
			this.isTimedOut = true;
			this.stop();
		}, this.config.timeoutMs);
	}

	/** The wrapper this runner asked for has started: its output and end are followed from here on. */
	spawned(process: WatchedProcess): void {
		this.watched = process;
		this.schedule();
	}

	/** The wrapper this runner asked for could not be started. */
	failed(exit: ChildExit): void {
		this.childExit = exit;
		this.schedule();
	}

	cancel(): void {
		this.isCancelled = true;
		this.stop();
	}

	detach(): void {
		this.cleanUp();
	}

	private stop() {
		if (this.killTimer || this.isOver) return;
		this.config.signal('SIGTERM');
		this.killTimer = setTimeout(() => this.config.signal('SIGKILL'), this.config.graceMs);
		this.killTimer.unref();
	}

	private schedule() {
		if (this.isScheduled || this.isOver) return;
		this.isScheduled = true;
		setImmediate(() => {
			this.isScheduled = false;
			this.tick();
		});
	}

	private tick() {
		// Nothing is reported before the wrapper's pid is: its start is recorded first.
		if (this.isOver || (!this.watched && !this.childExit)) return;
		if (this.drain(turnBytes)) {
			this.schedule();
			return;
		}
		const end = this.endIfKnown();
		if (end) this.finish(end);
	}

	/** Reads and reports new output; true when there may be more right away. */
	private drain(budget: number): boolean {
		let read = 0;
		for (;;) {
			let progressed = false;
			// The two streams are two files, so their order is read, not known: stderr first and
			// stdout right after, before either is reported, puts all the stdout a command wrote
			// before the stderr seen here ahead of it (lines, then the error they led to). Only
			// stdout written in the microseconds between the two reads can come out ahead.
			const errChunk = this.readers.err.read();
			const chunks = {out: this.readers.out.read(), err: errChunk};
			for (const stream of ['out', 'err'] as const) {
				const chunk = chunks[stream];
				if (!chunk) continue;
				progressed = true;
				read += this.reportChunk(stream, chunk);
			}
			if (!progressed) return false;
			if (read >= budget) return true;
		}
	}

	/**
	 * Reports a chunk read from the spool in pieces that end where lines end, so no piece leaves a
	 * partial line for the redactor to hold and join to the next (a copy of the whole piece). A
	 * line cut off by the end of a full read is read again with the rest of it. The bytes reported.
	 */
	private reportChunk(stream: 'out' | 'err', chunk: Buffer): number {
		const reader = this.readers[stream];
		const decoder = this.decoders[stream];
		const start = reader.offset - chunk.length;
		let usable = chunk.length;
		if (reader.isFull(chunk)) {
			const lastNewline = chunk.lastIndexOf(0x0a);
			if (lastNewline !== -1) usable = lastNewline + 1;
			reader.offset = start + usable;
		}
		// Decoded in pieces: a string over 128 KiB is a large V8 object, each one freshly mapped memory.
		for (let at = 0; at < usable;) {
			let end = Math.min(at + decodeBytes, usable);
			const lineEnd = end < usable ? chunk.lastIndexOf(0x0a, end - 1) : -1;
			if (lineEnd >= at) end = lineEnd + 1;
			this.report(stream, decoder.write(chunk.subarray(at, end)), start + end - heldBytes(decoder));
			at = end;
		}
		return usable;
	}

	private report(stream: 'out' | 'err', text: string, end: number) {
		if (!text) return;
		if (stream === 'out') this.keep(text);
		this.config.onOutput(stream, text, end);
	}

	private keep(text: string) {
		if (this.config.keepStdoutBytes === 0 || !this.isKeptWhole) return;
		if (this.kept.length + text.length > this.config.keepStdoutBytes) {
			this.isKeptWhole = false;
			this.kept = '';
		} else this.kept += text;
	}

	private keepPrefix(bytes: number) {
		const reader = this.readers.out;
		if (this.config.keepStdoutBytes === 0 || bytes === 0) {
			reader.offset = bytes;
			return;
		}
		const decoder = new StringDecoder('utf8');
		while (reader.offset < bytes) {
			const chunk = reader.read();
			if (!chunk) break;
			const over = reader.offset - bytes;
			this.keep(decoder.write(over > 0 ? chunk.subarray(0, chunk.length - over) : chunk));
		}
		reader.offset = bytes;
	}

	/** How the command ended, once that is known: its status file, else that it never started, else that it is gone. */
	private endIfKnown(): Pick<CommandResult, 'code' | 'signal' | 'error'> | undefined {
		const status = readExitStatus(this.config.spool);
		if (status !== undefined) return statusResult(status);
		if (this.childExit) return {code: null, signal: null, error: this.childExit.error};
		const watched = this.watched;
		if (!watched || isSameProcess(watched.pid, watched.startTicks)) return undefined;
		// Gone: it may have written its status just before it went.
		const late = readExitStatus(this.config.spool);
		if (late !== undefined) return statusResult(late);
		if (this.isCancelled || this.isTimedOut) return {code: null, signal: 'SIGKILL'};
		return {
			code: null,
			signal: null,
			error: 'the step ended without an exit status (killed outright, or the machine restarted)',
		};
	}

	private finish(end: Pick<CommandResult, 'code' | 'signal' | 'error'>) {
		while (this.drain(Infinity));
		for (const stream of ['out', 'err'] as const)
			this.report(stream, this.decoders[stream].end(), this.readers[stream].offset);
		const bytes: [number, number] = [this.readers.out.offset, this.readers.err.offset];
		this.cleanUp();
		const isKept = this.config.keepStdoutBytes > 0 && this.isKeptWhole;
		this.resolve({
			code: end.code,
			signal: end.signal,
			isTimedOut: this.isTimedOut,
			isCancelled: this.isCancelled,
			durationMs: Math.round(performance.now() - this.startedAt),
			...(isKept ? {stdout: this.kept} : {}),
			...(end.error ? {error: end.error} : {}),
			bytes,
		});
	}

	private cleanUp() {
		this.isOver = true;
		clearInterval(this.poller);
		if (this.timeoutTimer) clearTimeout(this.timeoutTimer);
		if (this.killTimer) clearTimeout(this.killTimer);
		this.stopWatching?.();
		this.readers.out.close();
		this.readers.err.close();
	}
}

/** What a shell's status above 128 means: the signal that ended the step. */
export function statusResult(status: number): Pick<CommandResult, 'code' | 'signal'> {
	if (status > 128 && status <= 128 + 64) {
		const name = Object.entries(constants.signals).find(([, n]) => n === status - 128)?.[0];
		if (name) return {code: null, signal: name};
	}
	return {code: status, signal: null};
}

/** Bytes of an unfinished character the decoder holds (Node's StringDecoder exposes these for compatibility). */
function heldBytes(decoder: StringDecoder): number {
	const {lastNeed, lastTotal} = decoder as unknown as {lastNeed?: number; lastTotal?: number};
	return lastNeed && lastTotal ? lastTotal - lastNeed : 0;
}
