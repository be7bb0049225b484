// A running step's output and exit status on disk, so the step outlives the runner: the step
// writes its streams to files the runner tails, and its exit status to a third file when it
// ends. The files hold unredacted output, so they are private (0600) and removed once the log
// has recorded the command's end.
import {closeSync, mkdirSync, openSync, readFileSync, readSync, unlinkSync} from 'node:fs';
import path from 'node:path';

export type SpoolPaths = {out: string; err: string; status: string};

/** `<dir>/<step>.<attempt>.{out,err,status}`: step ids cannot hold a `/`. */
export function spoolPaths(dir: string, step: string, attempt: number): SpoolPaths {
	const base = path.join(dir, `${step}.${attempt}`);
	return {out: `${base}.out`, err: `${base}.err`, status: `${base}.status`};
}

/**
 * Empty private files for both streams, made before the step starts so the tail can open them
 * at once. The spool directory is made inside an existing session directory, never with its
 * parents: a session directory renamed away must not be made again under its old name.
 */
export function createSpool(paths: SpoolPaths): void {
	try {
		mkdirSync(path.dirname(paths.out), {mode: 0o700});
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
	}
	for (const file of [paths.out, paths.err]) closeSync(openSync(file, 'w', 0o600));
	removeFile(paths.status);
}

/** The spool's files go, and the step's script beside them (a wrapper killed outright, or never watched to its end, leaves it). */
export function removeSpool(paths: SpoolPaths): void {
	for (const file of [paths.out, paths.err, paths.status, scriptPath(paths), neverRanPath(paths)]) removeFile(file);
}

/**
 * Removes a file that may be missing. One unlink: `rmSync` first looks the path up (lstat) and
 * goes through its recursive remover, a few hundred microseconds a file with several a step.
 */
export function removeFile(file: string): void {
	try {
		unlinkSync(file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
}

/**
 * The mark a wrapper leaves when its runner went away before letting the step go (its start was
 * not yet on disk): the step never ran, though its wrapper had started.
 */
export function neverRanPath(spool: SpoolPaths): string {
	return spool.status.replace(/\.status$/, '') + '.never';
}

/** The step's script file: beside its spool, in the session's private spool directory. */
export function scriptPath(spool: SpoolPaths): string {
	return spool.status.replace(/\.status$/, '') + '.sh';
}

/** The exit status the step's wrapper wrote, once it is written whole; undefined before. */
export function readExitStatus(paths: SpoolPaths): number | undefined {
	let text: string;
	try {
		text = readFileSync(paths.status, 'utf8');
	} catch {
		return undefined;
	}
	const match = /^(\d+)\n/.exec(text);
	return match ? Number(match[1]) : undefined;
}

export function hasSpool(paths: SpoolPaths): boolean {
	try {
		closeSync(openSync(paths.out, 'r'));
		return true;
	} catch {
		return false;
	}
}

/**
 * What every reader reads into: one for the process, since what a read returns is used up (decoded)
 * before the next read; a buffer per step's stream would be garbage after every step. Large: a
 * read is a system call, and a few large ones cost less than many small.
 */
const readBuffer = Buffer.allocUnsafe(512 * 1024);
/** A second one, so a step's two streams can be read back to back before either is reported. */
export const secondReadBuffer = Buffer.allocUnsafe(512 * 1024);

/** Reads a growing file from an offset, chunk by chunk. */
export class SpoolReader {
	private fd: number | undefined;

	constructor(
		private readonly file: string,
		public offset = 0,
		private readonly buffer = readBuffer,
	) {}

	/** The bytes written since the last read (at most 512 KiB), valid until the next read by any reader; undefined when there are none yet. */
	read(): Buffer | undefined {
		if (this.fd === undefined) {
			try {
				this.fd = openSync(this.file, 'r');
			} catch {
				return undefined;
			}
		}
		const n = readSync(this.fd, this.buffer, 0, this.buffer.length, this.offset);
		if (n === 0) return undefined;
		this.offset += n;
		return this.buffer.subarray(0, n);
	}

	/** Whether a read this long filled the buffer: more is likely written already. */
	isFull(chunk: Buffer): boolean {
		return chunk.length === this.buffer.length;
	}

	close(): void {
		if (this.fd !== undefined) closeSync(this.fd);
		this.fd = undefined;
	}
}
