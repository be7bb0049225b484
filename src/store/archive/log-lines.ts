// Whole lines of session.jsonl read back by offset, for the archive sender: the bytes as they lie
// in the file (what the archive must hold) and where each line ends, without splitting them.
import {open, type FileHandle} from 'node:fs/promises';

/** Whole lines read at an offset: `chunk` holds them, `lineEnds[i]` is line i's newline in it, `bytes` their length. */
export type ReadLines = {chunk: Buffer; lineEnds: number[]; bytes: number};

export class LogLines {
	private file: FileHandle | undefined;
	private buffer: Buffer | undefined;

	constructor(private readonly logFile: string) {}

	/**
	 * Whole lines from `offset`, up to about `maxBytes` (a longer single line is read whole). The
	 * chunk is a view of a buffer the next read reuses: the caller is done with it by then.
	 */
	async read(offset: number, maxBytes: number, maxLines = Infinity): Promise<ReadLines> {
		this.file ??= await open(this.logFile, 'r');
		let size = maxBytes;
		for (;;) {
			if (!this.buffer || this.buffer.length < size) this.buffer = Buffer.allocUnsafe(size);
			const {bytesRead} = await this.file.read(this.buffer, 0, size, offset);
			const chunk = this.buffer.subarray(0, bytesRead);
			const lineEnds: number[] = [];
			for (let at = chunk.indexOf(0x0a); at !== -1 && lineEnds.length < maxLines; at = chunk.indexOf(0x0a, at + 1))
				lineEnds.push(at);
			if (lineEnds.length === 0 && bytesRead === size) {
				size *= 2;
				continue;
			}
			return {chunk, lineEnds, bytes: lineEnds.length === 0 ? 0 : lineEnds[lineEnds.length - 1]! + 1};
		}
	}

	/** Drops the buffer: a write still pointing into it (a broken connection's) must not see it reused. */
	forgetBuffer(): void {
		this.buffer = undefined;
	}

	async close(): Promise<void> {
		await this.file?.close().catch(() => {});
		this.file = undefined;
	}
}
