// A session log's command output, read back a page at a time for the pager: one streaming pass
// notes where each step's output records are (byte offset and length in the log) and which lines
// each holds; a page then reads and parses only its own records. The text is the log's, so it is
// already redacted. Reads only; it goes on from where it stopped, so a live log is followed.
import {closeSync, openSync, readSync} from 'node:fs';
import {
	LinePlacer,
	linesOfRecords,
	type OutputLine,
	type OutputStream,
	type RecordSpan,
	type StepOutputReader,
} from '../core/output/pages.js';
import {terminalOutput} from '../core/text/sanitize.js';

type StepRecords = {placer: LinePlacer; spans: RecordSpan[]; offsets: number[]; lengths: number[]};

const firstChunkBytes = 4 * 1024 * 1024;
const typeMark = Buffer.from('"type":"output-recorded"');
const commandMark = Buffer.from('"type":"command-started"');
const stepPattern = /"step":"([A-Za-z0-9_.-]+)"/;
// The log writes its fields in one order (seq, t, type, prev, then the event's), so a record's
// step and stream are found without parsing its text.
const fieldsPattern = /"step":"([A-Za-z0-9_.-]+)","stream":"(out|err|tty)","text":"/;
const quote = 0x22;
const backslash = 0x5c;
const letterN = 0x6e;
// The characters the terminal sink changes; a line without any is shown as it is.
const needsSanitizing = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** The output of every step in the log at `file`, read on demand. */
export class LogOutputIndex implements StepOutputReader {
	private readonly fd: number;
	private scannedBytes = 0;
	private buffer = Buffer.allocUnsafe(firstChunkBytes);
	private readonly steps = new Map<string, StepRecords>();

	constructor(readonly file: string) {
		this.fd = openSync(file, 'r');
		this.refresh();
	}

	/** Notes the whole lines written since the last call. */
	refresh(): void {
		for (;;) {
			const read = readSync(this.fd, this.buffer, 0, this.buffer.length, this.scannedBytes);
			if (read === 0) return;
			const lastBreak = this.buffer.lastIndexOf(0x0a, read - 1);
			if (lastBreak === -1) {
				// One line longer than the buffer: read it again into a larger one; an unfinished last line waits.
				if (read < this.buffer.length) return;
				this.buffer = Buffer.allocUnsafe(this.buffer.length * 2);
				continue;
			}
			for (let start = 0; start <= lastBreak;) {
				const end = this.buffer.indexOf(0x0a, start);
				this.noteLine(this.buffer.subarray(start, end), this.scannedBytes + start);
				start = end + 1;
			}
			this.scannedBytes += lastBreak + 1;
		}
	}

	hasOutput(step: string): boolean {
		return (this.steps.get(step)?.spans.length ?? 0) > 0;
	}

	lineCount(step: string): number {
		return this.steps.get(step)?.placer.lineCount() ?? 0;
	}

	lines(step: string, from: number, count: number): OutputLine[] {
		const lines: OutputLine[] = [];
		for (const line of this.linesFrom(step, from)) {
			if (line.index >= from + count) break;
			lines.push({text: line.text, stream: line.stream});
		}
		return lines;
	}

	find(step: string, query: string, after?: number): number | undefined {
		if (query === '') return undefined;
		const isCaseSensitive = query !== query.toLowerCase();
		const needle = isCaseSensitive ? query : query.toLowerCase();
		const holds = (text: string) => {
			const shown = needsSanitizing.test(text) ? terminalOutput(text) : text;
			return (isCaseSensitive ? shown : shown.toLowerCase()).includes(needle);
		};
		const start = after === undefined ? 0 : after + 1;
		for (const line of this.linesFrom(step, start)) if (holds(line.text)) return line.index;
		for (const line of this.linesFrom(step, 0)) {
			if (line.index >= start) break;
			if (holds(line.text)) return line.index;
		}
		return undefined;
	}

	close(): void {
		closeSync(this.fd);
	}

	private *linesFrom(step: string, from: number) {
		const records = this.steps.get(step);
		if (!records) return;
		yield* linesOfRecords(this.recordsFrom(records, this.firstRecordOf(records.spans, from)), from);
	}

	/** The first record holding any of line `from`: the last starting at or before it, then back over those it continues. */
	private firstRecordOf(spans: RecordSpan[], from: number): number {
		let low = 0;
		let high = spans.length - 1;
		while (low < high) {
			const middle = Math.ceil((low + high) / 2);
			if (spans[middle]!.firstLine <= from) low = middle;
			else high = middle - 1;
		}
		while (low > 0 && spans[low - 1]!.firstLine + spans[low - 1]!.newlines >= from) low--;
		return low;
	}

	private *recordsFrom(records: StepRecords, first: number): Generator<{span: RecordSpan; text: string}> {
		for (let at = first; at < records.spans.length; at++) {
			const bytes = Buffer.allocUnsafe(records.lengths[at]!);
			readSync(this.fd, bytes, 0, bytes.length, records.offsets[at]!);
			const {text} = JSON.parse(bytes.toString('utf8')) as {text: string};
			yield {span: records.spans[at]!, text};
		}
	}

	/** Notes one log line, if it is an output record: its step, stream, and the lines its text holds. */
	private noteLine(line: Buffer, offset: number): void {
		const head = line.subarray(0, 160);
		if (head.indexOf(commandMark) !== -1) {
			const step = stepPattern.exec(line.subarray(0, 512).toString('latin1'))?.[1];
			if (step !== undefined) this.steps.get(step)?.placer.endLine();
			return;
		}
		if (head.indexOf(typeMark) === -1) return;
		const fields = fieldsPattern.exec(line.subarray(0, 512).toString('latin1'));
		const placed = fields
			? {step: fields[1]!, stream: fields[2] as OutputStream, ...scanText(line, fields.index + fields[0].length)}
			: parsedRecord(line);
		if (!placed) return;
		let records = this.steps.get(placed.step);
		if (!records) {
			records = {placer: new LinePlacer(), spans: [], offsets: [], lengths: []};
			this.steps.set(placed.step, records);
		}
		const span = records.placer.place(placed.stream, placed.newlines, placed.endsLine, placed.isEmpty);
		if (!span) return;
		records.spans.push(span);
		records.offsets.push(offset);
		records.lengths.push(line.length);
	}
}

/**
 * A JSON string's line breaks, counted in its encoded bytes from `start` (just after its opening
 * quote): every backslash begins an escape, and `\n` is a line break.
 */
function scanText(line: Buffer, start: number): {newlines: number; endsLine: boolean; isEmpty: boolean} {
	let newlines = 0;
	let lastBreakEnd = -1;
	let at = start;
	let nextQuote = line.indexOf(quote, at);
	let nextEscape = line.indexOf(backslash, at);
	while (nextEscape !== -1 && nextEscape < nextQuote) {
		if (line[nextEscape + 1] === letterN) {
			newlines++;
			lastBreakEnd = nextEscape + 2;
		}
		at = nextEscape + 2;
		if (nextQuote < at) nextQuote = line.indexOf(quote, at);
		nextEscape = line.indexOf(backslash, at);
	}
	return {newlines, endsLine: lastBreakEnd === nextQuote, isEmpty: nextQuote === start};
}

/** A record in a layout other than the log's own field order: parsed whole. */
function parsedRecord(line: Buffer) {
	try {
		const record = JSON.parse(line.toString('utf8')) as {
			type: string;
			step: string;
			stream: OutputStream;
			text: string;
		};
		if (record.type !== 'output-recorded') return undefined;
		const newlines = record.text.split('\n').length - 1;
		return {
			step: record.step,
			stream: record.stream,
			newlines,
			endsLine: record.text.endsWith('\n'),
			isEmpty: record.text === '',
		};
	} catch {
		return undefined;
	}
}

/** The reader for a log, or undefined when it cannot be opened (an archived session has no local file). */
export function openOutputIndex(file: string): LogOutputIndex | undefined {
	try {
		return new LogOutputIndex(file);
	} catch {
		return undefined;
	}
}
