// The session log on disk: created exclusively, appended one whole line per write, flushed to
// disk before commands start and after decisions. The only writer of session files.
import {closeSync, fdatasync, fdatasyncSync, fsyncSync, mkdirSync, openSync, writeSync} from 'node:fs';
import path from 'node:path';
import {encodeEvent, encodeHeader, hashLine, type LogHeader} from '../core/audit/entry.js';
import type {RunEvent} from '../core/run/events.js';

export class LogWriteError extends Error {}

export class SessionLog {
	readonly file: string;
	private fd: number;
	private seq = 0;
	private prev: string;
	private isBroken = false;
	private isSyncing = false;

	private constructor(file: string, fd: number, headerLine: string) {
		this.file = file;
		this.fd = fd;
		this.prev = hashLine(headerLine);
	}

	/** Creates `<dir>/session.jsonl`; fails if it exists, so a session never has two writers. */
	static create(dir: string, header: LogHeader): SessionLog {
		mkdirSync(dir, {recursive: true, mode: 0o750});
		const file = path.join(dir, 'session.jsonl');
		const fd = openSync(file, 'wx', 0o640);
		const line = encodeHeader(header);
		writeWhole(fd, Buffer.from(`${line}\n`));
		fsyncSync(fd);
		syncDirectory(dir);
		return new SessionLog(file, fd, line);
	}

	/** Appends one event as one whole line; flush() makes it durable. */
	append(event: RunEvent): void {
		if (this.isBroken) throw new LogWriteError(`the session log ${this.file} could not be written earlier; nothing more is recorded`);
		// Encoded to bytes once: the same bytes are written and hashed.
		const bytes = Buffer.from(`${encodeEvent(this.seq + 1, this.prev, event)}\n`);
		try {
			writeWhole(this.fd, bytes);
		} catch (error) {
			this.isBroken = true;
			throw new LogWriteError(`cannot write the session log ${this.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
		}
		this.seq++;
		this.prev = hashLine(bytes.subarray(0, bytes.length - 1));
	}

	flush(): void {
		if (!this.isBroken) fdatasyncSync(this.fd);
	}

	/** Starts an fdatasync on the thread pool, so a later flush() has little left to do. */
	flushSoon(): void {
		if (this.isBroken || this.isSyncing) return;
		this.isSyncing = true;
		fdatasync(this.fd, () => {
			this.isSyncing = false;
		});
	}

	close(): void {
		try {
			if (!this.isBroken) fsyncSync(this.fd);
		} finally {
			closeSync(this.fd);
		}
	}
}

/** One line, whole: a short write (a nearly full disk) is finished or fails with the error. */
function writeWhole(fd: number, bytes: Buffer) {
	for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
}

function syncDirectory(dir: string) {
	try {
		const fd = openSync(dir, 'r');
		try {
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
	} catch {
		// Some filesystems cannot fsync a directory; the file itself is synced.
	}
}
