// The session log on disk: created exclusively, appended one whole line per write, flushed to
// disk before commands start and after decisions. The only writer of session files.
import {closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, writeSync} from 'node:fs';
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
		writeWhole(fd, line + '\n');
		fsyncSync(fd);
		syncDirectory(dir);
		return new SessionLog(file, fd, line);
	}

	/** Appends one event; with `isDurable`, it is on disk when this returns. */
	append(event: RunEvent, isDurable: boolean): void {
		if (this.isBroken) throw new LogWriteError(`the session log ${this.file} could not be written earlier; nothing more is recorded`);
		const line = encodeEvent(this.seq + 1, this.prev, event);
		try {
			writeWhole(this.fd, line + '\n');
			if (isDurable) fdatasyncSync(this.fd);
		} catch (error) {
			this.isBroken = true;
			throw new LogWriteError(`cannot write the session log ${this.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
		}
		this.seq++;
		this.prev = hashLine(line);
	}

	flush(): void {
		if (!this.isBroken) fdatasyncSync(this.fd);
	}

	close(): void {
		try {
			if (!this.isBroken) fsyncSync(this.fd);
		} finally {
			closeSync(this.fd);
		}
	}
}

function writeWhole(fd: number, text: string) {
	const bytes = Buffer.from(text);
	let written = 0;
	while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
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
