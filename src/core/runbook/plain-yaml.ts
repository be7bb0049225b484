// A fast reader for the plain subset of YAML that runbooks are written in: block mappings and
// sequences, plain, quoted and block scalars, one-line flow lists and mappings, comments. The
// `yaml` package builds a syntax tree with source positions for every token, which is most of
// the time of loading a 10,000-step runbook; a runbook without problems needs no positions.
//
// It gives exactly the value `yaml` would (YAML 1.2, core schema), or nothing: at anything
// outside the subset (anchors, tags, multi-line plain scalars, escapes other than a few, tabs
// in the structure, duplicate keys, numbers in other bases...) it gives up, and the caller
// reads the file with `yaml`, which also says where any problem is. A differential test holds
// the two to the same values. Pure.

import {
	chomp,
	doubleQuoted,
	flowCollection,
	fold,
	giveUp,
	lineRest,
	OutsideSubset,
	plainValue,
	singleQuoted,
} from './plain-yaml-scalars.js';

const blockHeader = /^([|>])([-+]?)(?: +#.*| *)$/;
/**
 * Characters YAML treats as line breaks or byte-order marks, control characters, and the Unicode
 * spaces that are not YAML's white space (a no-break space ending `true` makes a string to
 * `yaml`, while a JavaScript trim would drop it and read a boolean).
 */
const unusual =
	/[\u0000-\u0008\u000b-\u001f\u007f-\u00a0\u1680\u2000-\u200b\u2028-\u202f\u205f\u3000\ufeff\ufffe\uffff]/;
/** Nesting deeper than this is left to `yaml`: a runbook is a few levels deep, and recursion has a limit. */
const maxBlockDepth = 64;
/** Only YAML's white space (space; a tab already gave up) ends a plain scalar, never a JavaScript trim's. */
const trailingSpaces = / +$/;

/** A line with content: its indentation, where its text starts and where it ends (at its line break). */
type Line = {indent: number; start: number; end: number};

const space = 0x20;
const dash = 0x2d;

/** Whether `code` may be in a plain key: a letter, a digit, `_`, `.` or `-`. */
function isKeyCode(code: number): boolean {
	return (
		(code >= 0x61 && code <= 0x7a) ||
		(code >= 0x41 && code <= 0x5a) ||
		(code >= 0x30 && code <= 0x39) ||
		code === 0x5f ||
		code === 0x2e ||
		code === dash
	);
}

/**
 * The offset of the colon of a plain key at `start` (`key:` then a space or the end of the
 * line), or -1. The same as `keyPattern`, without making a match for every line.
 */
function keyColon(source: string, start: number, end: number): number {
	const first = source.charCodeAt(start);
	if (!((first >= 0x61 && first <= 0x7a) || (first >= 0x41 && first <= 0x5a) || first === 0x5f)) return -1;
	let at = start + 1;
	while (at < end && isKeyCode(source.charCodeAt(at))) at++;
	if (at === end || source.charCodeAt(at) !== 0x3a || at - start > 128) return -1;
	return at + 1 === end || source.charCodeAt(at + 1) === space ? at : -1;
}

/** Whether a `- ` (or a lone `-`) starts at `start`: an item of a block sequence. */
function isItemAt(source: string, start: number, end: number): boolean {
	return source.charCodeAt(start) === dash && (start + 1 === end || source.charCodeAt(start + 1) === space);
}

class Reader {
	/** The offset of the line the reader is at. */
	private at = 0;
	/** The rest of a line after `- `, read as a line of its own at its column. */
	private inner: Line | undefined;
	/** What `peek` gave at `peekedAt`: most lines are looked at twice. */
	private peeked: Line | undefined;
	private peekedAt = -1;
	/** The offset of the next tab at or after the lines looked at, or Infinity. */
	private tabAt = -1;
	/** How many blocks the reader is inside. */
	private depth = 0;

	constructor(private readonly source: string) {}

	/** The next line with content (blank and comment lines skipped), or undefined at the end. */
	peek(): Line | undefined {
		if (this.inner) return this.inner;
		if (this.peekedAt === this.at) return this.peeked;
		const source = this.source;
		let line: Line | undefined;
		while (this.at < source.length) {
			const lineBreak = source.indexOf('\n', this.at);
			const end = lineBreak < 0 ? source.length : lineBreak;
			let start = this.at;
			while (source.charCodeAt(start) === space) start++;
			if (start === end || source.charCodeAt(start) === 0x23) {
				this.at = end + 1;
				continue;
			}
			if (this.tabAt < start) {
				const tab = source.indexOf('\t', start);
				this.tabAt = tab < 0 ? Infinity : tab;
			}
			if (this.tabAt < end) giveUp();
			line = {indent: start - this.at, start, end};
			break;
		}
		this.peekedAt = this.at;
		this.peeked = line;
		return line;
	}

	/** Past the line `peek` gave (all of it: the rest of a line after `- ` is the end of that line). */
	advance(): void {
		this.at = this.peek()!.end + 1;
		this.inner = undefined;
	}

	/** A node whose lines are indented more than `parentIndent`, or null when there are none. */
	block(parentIndent: number): unknown {
		const line = this.peek();
		if (!line || line.indent <= parentIndent) return null;
		if (++this.depth > maxBlockDepth) giveUp();
		try {
			if (isItemAt(this.source, line.start, line.end)) return this.sequence(line.indent);
			if (keyColon(this.source, line.start, line.end) >= 0) return this.mapping(line.indent);
			return giveUp();
		} finally {
			this.depth--;
		}
	}

	mapping(indent: number): Record<string, unknown> {
		const source = this.source;
		const out: Record<string, unknown> = {};
		for (let line = this.peek(); line && line.indent >= indent; line = this.peek()) {
			const colon = line.indent === indent ? keyColon(source, line.start, line.end) : -1;
			if (colon < 0) return giveUp();
			const key = source.slice(line.start, colon);
			if (typeof plainValue(key) !== 'string' || key === '__proto__' || Object.hasOwn(out, key)) giveUp();
			this.advance();
			let start = colon + 1;
			while (start < line.end && source.charCodeAt(start) === space) start++;
			out[key] = this.value(start, line.end, indent, true);
		}
		return out;
	}

	sequence(indent: number): unknown[] {
		const source = this.source;
		const out: unknown[] = [];
		for (let line = this.peek(); line && line.indent >= indent; line = this.peek()) {
			if (line.indent > indent) giveUp();
			if (!isItemAt(source, line.start, line.end)) return out;
			let start = line.start + 1;
			while (start < line.end && source.charCodeAt(start) === space) start++;
			if (isItemAt(source, start, line.end) || keyColon(source, start, line.end) >= 0) {
				// `- id: a` or `- - a`: the rest is a mapping or a sequence at its own column.
				this.inner = {indent: line.indent + start - line.start, start, end: line.end};
				out.push(this.block(indent));
			} else {
				this.advance();
				out.push(this.value(start, line.end, indent, false));
			}
		}
		return out;
	}

	/** The value after `key:` or `- `, from the rest of its line (`start` to `end`) and the lines below. */
	value(start: number, end: number, indent: number, isMapValue: boolean): unknown {
		const source = this.source;
		if (start === end || source.charCodeAt(start) === 0x23) {
			const next = this.peek();
			// A mapping's value may be a sequence at the mapping's own indentation.
			if (isMapValue && next && next.indent === indent && isItemAt(source, next.start, next.end))
				return this.sequence(indent);
			return this.block(indent);
		}
		const rest = source.slice(start, end);
		const first = rest[0]!;
		if (first === '|' || first === '>') return this.blockScalar(rest, indent);
		let value: unknown;
		if (first === '"' || first === "'") {
			const [text, after] = first === '"' ? doubleQuoted(rest) : singleQuoted(rest);
			if (!lineRest.test(rest.slice(after))) giveUp();
			value = text;
		} else if (first === '[' || first === '{') {
			value = flowCollection(rest);
		} else if ('&*!%@`,]}?:#'.includes(first) || (first === '-' && (rest.length === 1 || rest[1] === ' '))) {
			giveUp();
		} else {
			const hash = rest.indexOf(' #');
			const text = (hash >= 0 ? rest.slice(0, hash) : rest).replace(trailingSpaces, '');
			if (text.includes(': ') || text.endsWith(':')) giveUp();
			value = plainValue(text);
		}
		// A line indented further would continue the scalar over lines, or be an error.
		const next = this.peek();
		if (next && next.indent > indent) giveUp();
		return value;
	}

	/**
	 * A `|` or `>` scalar: its header is `rest` (the line `peek` gave, already passed); its lines
	 * are those below indented more than `indent`.
	 */
	blockScalar(rest: string, indent: number): string {
		const header = blockHeader.exec(rest);
		if (!header) return giveUp();
		const source = this.source;
		const lines: string[] = [];
		let contentIndent = -1;
		while (this.at < source.length) {
			const lineBreak = source.indexOf('\n', this.at);
			const end = lineBreak < 0 ? source.length : lineBreak;
			let spaces = 0;
			while (source.charCodeAt(this.at + spaces) === space) spaces++;
			if (this.at + spaces === end) {
				// A blank line with spaces past the content's indentation keeps them: left to `yaml`.
				if (spaces > contentIndent && (contentIndent >= 0 || spaces > indent)) giveUp();
				lines.push('');
				this.at = end + 1;
				continue;
			}
			if (contentIndent < 0) {
				if (spaces <= indent) break;
				contentIndent = spaces;
			}
			if (spaces < contentIndent) break;
			lines.push(source.slice(this.at + contentIndent, end));
			this.at = end + 1;
		}
		// The last line without a line break after it: left to `yaml`.
		if (this.at > source.length) giveUp();
		return chomp(header[1] === '>' ? fold(lines) : lines, header[2]!);
	}
}

/**
 * The value of `source` as `yaml` reads it, when the text keeps to the plain subset; undefined
 * otherwise (and for a document that is not a mapping or a list), so the caller reads it with
 * `yaml`. `source` has LF line breaks and no control characters but tab and newline.
 */
export function readPlainYaml(source: string): {value: unknown} | undefined {
	if (unusual.test(source)) return undefined;
	try {
		const reader = new Reader(source);
		const value = reader.block(-1);
		if (value === null || reader.peek() !== undefined) return undefined;
		return {value};
	} catch (error) {
		if (error instanceof OutsideSubset) return undefined;
		throw error;
	}
}
