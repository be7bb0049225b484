// One log line's bytes on their way to disk: encoded into a reused buffer (a fresh one per
// output record would be garbage at once), and written whole.
import {writeSync} from 'node:fs';

/** A line's UTF-8 bytes and its newline, in a buffer that grows to the longest line and is reused. */
export class LineBuffer {
	private readonly encoder = new TextEncoder();
	private bytes = new Uint8Array(64 * 1024);

	/** The encoded line, valid until the next call. */
	encode(line: string): Uint8Array {
		// UTF-8 takes at most 3 bytes per UTF-16 unit.
		const needed = line.length * 3 + 1;
		if (this.bytes.length < needed) this.bytes = new Uint8Array(Math.max(needed, this.bytes.length * 2));
		const {written} = this.encoder.encodeInto(line, this.bytes);
		this.bytes[written] = 0x0a;
		return this.bytes.subarray(0, written + 1);
	}
}

/** One line, whole: a short write (a nearly full disk) is finished or fails with the error. */
export function writeWhole(fd: number, bytes: Uint8Array) {
	for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
}
