// Follows a session log another process writes: whole lines only, from where the last read
// stopped, and a wake-up when the file grows. Reads only; a watcher never writes a session.
import {closeSync, openSync, readSync, watch, type FSWatcher} from 'node:fs';

const chunkBytes = 4 * 1024 * 1024;

export class LogTail {
	private readonly fd: number;
	private offset: number;
	/** The start of an unfinished line, as bytes: a character may be split across reads. */
	private rest = Buffer.alloc(0);
	private readonly buffer = Buffer.allocUnsafe(chunkBytes);
	private watcher: FSWatcher | undefined;
	private poller: NodeJS.Timeout | undefined;
	private isClosed = false;

	/** `fromBytes`: where to start, the end of a whole line (what was already read another way). */
	constructor(
		readonly file: string,
		fromBytes = 0,
	) {
		this.fd = openSync(file, 'r');
		this.offset = fromBytes;
	}

	/** The whole lines written since the last call (an unfinished last line waits for its end). */
	readLines(): string[] {
		const lines: string[] = [];
		if (this.isClosed) return lines;
		for (;;) {
			const n = readSync(this.fd, this.buffer, 0, chunkBytes, this.offset);
			if (n === 0) break;
			this.offset += n;
			const end = this.buffer.lastIndexOf(0x0a, n - 1);
			if (end === -1) {
				this.rest = Buffer.concat([this.rest, this.buffer.subarray(0, n)]);
				continue;
			}
			const text = Buffer.concat([this.rest, this.buffer.subarray(0, end)]).toString('utf8');
			this.rest = Buffer.from(this.buffer.subarray(end + 1, n));
			for (const line of text.split('\n')) if (line) lines.push(line);
		}
		return lines;
	}

	/** Calls `onGrow` when the file may have grown: on a change notification, and every `pollMs` in case one is missed. */
	follow(onGrow: () => void, pollMs = 250): void {
		try {
			this.watcher = watch(this.file, () => onGrow());
			this.watcher.on('error', () => this.watcher?.close());
		} catch {
			this.watcher = undefined;
		}
		this.poller = setInterval(onGrow, pollMs);
	}

	close(): void {
		this.watcher?.close();
		if (this.poller) clearInterval(this.poller);
		if (this.isClosed) return;
		this.isClosed = true;
		closeSync(this.fd);
	}
}
