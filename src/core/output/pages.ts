// A step's recorded output as lines, assembled from its output records without holding them all:
// how records join into lines, and the reader the pager asks for a page. Pure; the file-backed
// reader is in store/output-index.ts.

export type OutputStream = 'out' | 'err' | 'tty';

/** One line of a step's output as recorded (redacted, not yet made safe for a terminal). */
export type OutputLine = {text: string; stream: OutputStream};

/** Where one output record's text falls among the step's lines. */
export type RecordSpan = {
	stream: OutputStream;
	/** The line its text starts on (a stream change starts a new line). */
	firstLine: number;
	/** How many line breaks its text holds. */
	newlines: number;
	/** Whether its text ends with a line break. */
	endsLine: boolean;
};

/** Places records one after another, so lines never mix streams and a record may continue a line. */
export class LinePlacer {
	private breaks = 0;
	private isLineOpen = false;
	private stream: OutputStream | undefined;

	/** The span of the next record's text; undefined for an empty one. */
	place(stream: OutputStream, newlines: number, endsLine: boolean, isEmpty: boolean): RecordSpan | undefined {
		if (isEmpty) return undefined;
		// stdout and stderr never share a line: a partial line of one ends where the other begins.
		if (this.isLineOpen && this.stream !== stream) this.breaks++;
		const span = {stream, firstLine: this.breaks, newlines, endsLine};
		this.breaks += newlines;
		this.isLineOpen = !endsLine;
		this.stream = stream;
		return span;
	}

	/** A new command of the step starts (a retry, a poll's next try): its output starts a line of its own. */
	endLine(): void {
		if (this.isLineOpen) this.breaks++;
		this.isLineOpen = false;
	}

	/** Lines so far: every ended line, and the open one. */
	lineCount(): number {
		return this.breaks + (this.isLineOpen ? 1 : 0);
	}
}

/**
 * The lines from `from` on, out of records read in order from one that holds line `from`'s start
 * (or earlier): each text is split at line breaks and its pieces appended to the lines its span
 * says. Lazy, so a search reads only as far as its match.
 */
export function* linesOfRecords(
	records: Iterable<{span: RecordSpan; text: string}>,
	from: number,
): Generator<OutputLine & {index: number}> {
	let current: (OutputLine & {index: number}) | undefined;
	for (const {span, text} of records) {
		const pieces = text.split('\n');
		if (span.endsLine) pieces.pop();
		for (let at = 0; at < pieces.length; at++) {
			const index = span.firstLine + at;
			if (current?.index === index) current.text += pieces[at];
			else {
				if (current && current.index >= from) yield current;
				current = {index, text: pieces[at]!, stream: span.stream};
			}
		}
	}
	if (current && current.index >= from) yield current;
}

/**
 * A step's output, read a page at a time. `refresh` catches up with what was recorded since (a
 * live step's output grows); everything else answers from what was read so far.
 */
export type StepOutputReader = {
	refresh(): void;
	/** Steps with recorded output. */
	hasOutput(step: string): boolean;
	lineCount(step: string): number;
	lines(step: string, from: number, count: number): OutputLine[];
	/**
	 * The first line after `after` (or from the top when undefined) whose text as the terminal shows
	 * it holds `query`, case-insensitively; wraps around to the top. Undefined when none does.
	 */
	find(step: string, query: string, after?: number): number | undefined;
};
