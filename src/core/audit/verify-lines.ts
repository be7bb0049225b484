// The line reader of `verify`: cuts a session log's bytes into lines, decodes each and parses it
// as a JSON object, and notes a torn last line. It judges only what a line is, not what it says.
// Pure.

/** One complete line: its number (0 is the header), where it starts and ends, and its record. */
export type LogLine = {index: number; offset: number; end: number; bytes: Buffer; text: string};

/** A complete line that is not a log line at all; `reason` says why. */
export type UnreadableLine = {index: number; offset: number; end: number; reason: string};

const utf8 = new TextDecoder('utf-8', {fatal: true});

/**
 * Reads `data` line by line. `next()` gives the next complete line (or why it cannot be read),
 * and undefined at the end; `tornAtOffset` is then where a last line with no newline starts
 * (the writer stopped mid-line: a crash or a cut).
 */
export class LineReader {
	tornAtOffset: number | undefined;
	private offset = 0;
	private index = 0;
	/** One decode for the whole file; line by line only when it fails, to find the bad line. */
	private readonly wholeText: string | undefined;
	private textOffset = 0;

	constructor(private readonly data: Buffer) {
		try {
			this.wholeText = utf8.decode(data);
		} catch {
			this.wholeText = undefined;
		}
	}

	next(): LogLine | UnreadableLine | undefined {
		const {data, offset, index} = this;
		if (offset >= data.length) return undefined;
		const end = data.indexOf(0x0a, offset);
		if (end === -1) {
			this.tornAtOffset = offset;
			this.offset = data.length;
			return undefined;
		}
		this.offset = end + 1;
		this.index++;
		const bytes = data.subarray(offset, end);
		const text = this.decode(bytes);
		if (text === undefined) return {index, offset, end, reason: 'not valid UTF-8'};
		return {index, offset, end, bytes, text};
	}

	private decode(bytes: Buffer): string | undefined {
		if (this.wholeText !== undefined) {
			const textEnd = this.wholeText.indexOf('\n', this.textOffset);
			const text = this.wholeText.slice(this.textOffset, textEnd);
			this.textOffset = textEnd + 1;
			return text;
		}
		try {
			return utf8.decode(bytes);
		} catch {
			return undefined;
		}
	}
}

/** The line as a JSON object with the right `seq`, or why it is not one. */
export function parseLogRecord(line: LogLine): {record: Record<string, unknown>} | {reason: string} {
	if (line.text.includes('\r')) return {reason: 'a carriage return (CRLF line ends are not the log format)'};
	let record: unknown;
	try {
		record = JSON.parse(line.text);
	} catch {
		return {reason: 'not a JSON object'};
	}
	if (typeof record !== 'object' || record === null || Array.isArray(record)) return {reason: 'not a JSON object'};
	const {seq} = record as {seq?: unknown};
	if (seq !== line.index)
		return {reason: `seq is ${String(seq)}, expected ${line.index} (a line was removed, added or moved)`};
	return {record: record as Record<string, unknown>};
}

/** The `prev` of the line after the one ending at `end`, if it can be read. */
export function nextLinePrev(data: Buffer, end: number): string | undefined {
	const next = data.indexOf(0x0a, end + 1);
	if (next === -1) return undefined;
	try {
		const record = JSON.parse(data.subarray(end + 1, next).toString('utf8')) as {prev?: unknown};
		return typeof record.prev === 'string' ? record.prev : undefined;
	} catch {
		return undefined;
	}
}
