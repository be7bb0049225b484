// The proof, over a line's bytes alone, that it is a plain event exactly as JSON.stringify writes
// it: the four common keys first, then flat fields (strings, safe integers, booleans, null) with
// distinct names. One pass over the bytes: nothing is decoded, parsed or encoded again. A line it
// cannot prove is not judged bad here; verify then parses it and checks it the slow way. Pure.
import {eventTypes} from '../run/events.js';

/** Plain events: no check beyond the common one (the checkers' `default`). */
const plainTypes: ReadonlySet<string> = new Set(
	eventTypes.filter((type) => !['approval-requested', 'approval-given', 'approval-rejected'].includes(type)),
);

/** What a proved line says in its common fields; `prevAt` is where its 64 hex digits of `prev` start. */
export type PlainHead = {seq: number; t: number; type: string; prevAt: number};

const quote = 0x22;
const backslash = 0x5c;
const comma = 0x2c;
const colon = 0x3a;
const zero = 0x30;
const nine = 0x39;
const literal = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));
const seqOpen = literal('{"seq":');
const tOpen = literal(',"t":');
const typeOpen = literal(',"type":"');
const prevOpen = literal('","prev":"');
const trueBytes = literal('true');
const falseBytes = literal('false');
const nullBytes = literal('null');
const commonKeys = ['seq', 't', 'type', 'prev'];

/** Whether `bytes` holds `expected` at `at`. */
function hasAt(bytes: Uint8Array, at: number, expected: Uint8Array): boolean {
	for (let index = 0; index < expected.length; index++) if (bytes[at + index] !== expected[index]) return false;
	return true;
}

/** The escapes JSON.stringify writes itself; every other character it escapes as \u…, never proved here. */
const isShortEscape = (byte: number | undefined) =>
	byte === quote ||
	byte === backslash ||
	byte === 0x62 ||
	byte === 0x66 ||
	byte === 0x6e ||
	byte === 0x72 ||
	byte === 0x74;

/**
 * Where a string value starting after its opening quote at `at` ends (after its closing quote),
 * when it has only the short escapes JSON.stringify writes; -1 otherwise. Control bytes are not
 * looked for here: the caller has checked that the chunk holds none but newlines.
 */
function stringEnd(bytes: Buffer, at: number, end: number, scan: BackslashScan): number {
	let position = at;
	let closing = bytes.indexOf(quote, position);
	for (;;) {
		if (closing === -1 || closing >= end) return -1;
		if (scan.nextBackslash < position) {
			scan.nextBackslash = bytes.indexOf(backslash, position);
			if (scan.nextBackslash === -1) scan.nextBackslash = Number.MAX_SAFE_INTEGER;
		}
		const escape = scan.nextBackslash;
		if (escape > closing) return closing + 1;
		if (!isShortEscape(bytes[escape + 1])) return -1;
		position = escape + 2;
		if (closing < position) closing = bytes.indexOf(quote, position);
	}
}

/** Where a safe integer JSON.stringify would write (`0`, or up to 15 digits with no leading zero, `-` allowed) ends; -1 otherwise. */
function integerEnd(bytes: Uint8Array, at: number, end: number, isSigned: boolean): number {
	let position = isSigned && bytes[at] === 0x2d ? at + 1 : at;
	const first = bytes[position];
	if (first === zero) return position === at ? at + 1 : -1;
	if (first === undefined || first < 0x31 || first > nine) return -1;
	const digitsStart = position;
	while (position < end && bytes[position]! >= zero && bytes[position]! <= nine) position++;
	return position - digitsStart > 15 ? -1 : position;
}

/** The digits from `at` to `end` as a number (the caller has checked they are digits). */
function digitsValue(bytes: Uint8Array, at: number, end: number): number {
	let value = 0;
	for (let position = at; position < end; position++) value = value * 10 + bytes[position]! - zero;
	return value;
}

/** Where the value at `at` ends, when it is flat and canonical; -1 otherwise. */
function valueEnd(bytes: Buffer, at: number, end: number, scan: BackslashScan): number {
	const first = bytes[at];
	if (first === quote) return stringEnd(bytes, at + 1, end, scan);
	if (first === 0x74) return hasAt(bytes, at, trueBytes) ? at + 4 : -1;
	if (first === 0x66) return hasAt(bytes, at, falseBytes) ? at + 5 : -1;
	if (first === 0x6e) return hasAt(bytes, at, nullBytes) ? at + 4 : -1;
	return integerEnd(bytes, at, end, true);
}

const isKeyStart = (byte: number) => (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || byte === 0x5f;
const isKeyByte = (byte: number) => isKeyStart(byte) || (byte >= zero && byte <= nine);

/** Whether the names at `start` and `other` (each ending at its closing quote) are the same bytes. */
function sameName(bytes: Uint8Array, start: number, other: number): boolean {
	for (let index = 0; ; index++) {
		const byte = bytes[start + index];
		if (byte !== bytes[other + index]) return false;
		if (byte === quote) return true;
	}
}

/** The common keys with their closing quote, which a flat field may not be named. */
const commonNames = commonKeys.map((key) => literal(`${key}"`));

/**
 * The fields after the common four, from `at` to the closing brace at `end - 1`: each
 * `,"name":value` with a name that cannot be an array index, none named twice nor like a common
 * key. Names are compared as bytes, never made strings. Gives where the last field's value starts
 * (`at` when there is no field), or -1 when the fields are not proved.
 */
function flatFieldsProved(bytes: Buffer, at: number, end: number, scan: BackslashScan): number {
	const nameStarts: number[] = [];
	let position = at;
	let lastValueStart = at;
	while (position < end - 1) {
		if (bytes[position] !== comma || bytes[position + 1] !== quote || !isKeyStart(bytes[position + 2]!)) return -1;
		const nameStart = position + 2;
		position = nameStart + 1;
		while (position < end && isKeyByte(bytes[position]!)) position++;
		if (bytes[position] !== quote || bytes[position + 1] !== colon) return -1;
		for (const other of nameStarts) if (sameName(bytes, nameStart, other)) return -1;
		for (const common of commonNames) if (hasAt(bytes, nameStart, common)) return -1;
		nameStarts.push(nameStart);
		lastValueStart = position + 2;
		position = valueEnd(bytes, lastValueStart, end, scan);
		if (position === -1) return -1;
	}
	return position === end - 1 && bytes[position] === 0x7d ? lastValueStart : -1;
}

/** The last plain type read, as bytes and as text: most lines have the type of the line before. */
let lastType = {bytes: new Uint8Array(0), text: ''};

/** The plain event type `bytes[start, end)` names; undefined when it names none. */
function typeAt(bytes: Buffer, start: number, end: number): string | undefined {
	const cached = lastType.bytes;
	if (cached.length === end - start && hasAt(bytes, start, cached)) return lastType.text;
	const text = bytes.toString('latin1', start, end);
	if (!plainTypes.has(text)) return undefined;
	lastType = {bytes: Uint8Array.from(bytes.subarray(start, end)), text};
	return text;
}

/** Where the next backslash of a chunk is, found once for all the lines before it. */
export type BackslashScan = {nextBackslash: number};

/**
 * The bytes of the last line proved in full around its variable parts: `head` from the end of `t`
 * to the first digit of `prev` (its type among them), `tail` from the quote after `prev` to the
 * opening quote of the last field's value, a string. A line with the same bytes there differs only
 * in `seq`, `t`, `prev` and that string, so proving those proves it (as most lines of a burst).
 */
const noShape = {head: new Uint8Array(0), tail: new Uint8Array(0), type: ''};
let lastShape = noShape;

/**
 * Proves that `bytes[start, end)` is a plain event in the form JSON.stringify gives it, but for the
 * 64 bytes of `prev`, which the caller must find equal to a hex digest; fills `head` with its
 * common fields; false when the bytes alone cannot prove it. The caller has checked that the line
 * is UTF-8 and holds no control byte (holdsControlByte); `scan` is `bytes`', lines go in order.
 */
export function provePlainLine(
	bytes: Buffer,
	start: number,
	end: number,
	head: PlainHead,
	scan: BackslashScan,
): boolean {
	const tEnd = commonStartEnd(bytes, start, end, head);
	return tEnd !== -1 && (hasLastShapeAt(bytes, tEnd, end, head, scan) || provedInFull(bytes, tEnd, end, head, scan));
}

/**
 * provePlainLine for a line with the shape of the last one proved in full only (false for others):
 * a loop over a burst of output calls it, so that V8 optimizes nothing there that seldom runs.
 */
export function proveShapedLine(
	bytes: Buffer,
	start: number,
	end: number,
	head: PlainHead,
	scan: BackslashScan,
): boolean {
	const tEnd = commonStartEnd(bytes, start, end, head);
	return tEnd !== -1 && hasLastShapeAt(bytes, tEnd, end, head, scan);
}

/** The rest of the line from `tEnd` has the last proved line's shape; `head` gets its type and `prev`. */
function hasLastShapeAt(bytes: Buffer, tEnd: number, end: number, head: PlainHead, scan: BackslashScan): boolean {
	if (!sameShapeAt(bytes, tEnd, end, scan)) return false;
	head.type = lastShape.type;
	head.prevAt = tEnd + lastShape.head.length;
	return true;
}

/** Reads `{"seq":…,"t":…` into `head`; where `t` ends, or -1. */
function commonStartEnd(bytes: Buffer, start: number, end: number, head: PlainHead): number {
	if (!hasAt(bytes, start, seqOpen)) return -1;
	const seqStart = start + seqOpen.length;
	const seqEnd = integerEnd(bytes, seqStart, end, false);
	if (seqEnd === -1 || !hasAt(bytes, seqEnd, tOpen)) return -1;
	const tStart = seqEnd + tOpen.length;
	const tEnd = integerEnd(bytes, tStart, end, false);
	if (tEnd === -1) return -1;
	head.seq = digitsValue(bytes, seqStart, seqEnd);
	head.t = digitsValue(bytes, tStart, tEnd);
	return tEnd;
}

/** Whether the line from the end of its `t` at `at` has the last shape and a canonical last string. */
function sameShapeAt(bytes: Buffer, at: number, end: number, scan: BackslashScan): boolean {
	const {head, tail} = lastShape;
	if (head.length === 0 || !hasAt(bytes, at, head)) return false;
	const tailAt = at + head.length + 64;
	if (!hasAt(bytes, tailAt, tail)) return false;
	return stringEnd(bytes, tailAt + tail.length, end, scan) === end - 1 && bytes[end - 1] === 0x7d;
}

/**
 * Proves the line from the end of its `t` at `at` field by field, and keeps its shape when its
 * last value is a string; fills `head.type` and `head.prevAt`.
 */
function provedInFull(bytes: Buffer, at: number, end: number, head: PlainHead, scan: BackslashScan): boolean {
	if (!hasAt(bytes, at, typeOpen)) return false;
	const typeStart = at + typeOpen.length;
	let typeEnd = typeStart;
	while (typeEnd < end && ((bytes[typeEnd]! >= 0x61 && bytes[typeEnd]! <= 0x7a) || bytes[typeEnd] === 0x2d)) typeEnd++;
	if (typeEnd === typeStart || !hasAt(bytes, typeEnd, prevOpen)) return false;
	const type = typeAt(bytes, typeStart, typeEnd);
	if (type === undefined) return false;
	const prevAt = typeEnd + prevOpen.length;
	// The 64 bytes of `prev` are proved by the caller, which compares them with the chain head's hex.
	if (bytes[prevAt + 64] !== quote) return false;
	const lastValueStart = flatFieldsProved(bytes, prevAt + 65, end, scan);
	if (lastValueStart === -1) return false;
	head.type = type;
	head.prevAt = prevAt;
	const isStringLast = lastValueStart > prevAt + 65 && bytes[lastValueStart] === quote;
	if (isStringLast && !sameShapeBytes(bytes, at, prevAt, lastValueStart + 1))
		lastShape = {
			head: Uint8Array.from(bytes.subarray(at, prevAt)),
			tail: Uint8Array.from(bytes.subarray(prevAt + 64, lastValueStart + 1)),
			type,
		};
	else if (!isStringLast) lastShape = noShape;
	return true;
}

/** Whether the line's shape, head from `at` to `prevAt` and tail from `prevAt + 64` to `tailEnd`, is the kept one. */
function sameShapeBytes(bytes: Buffer, at: number, prevAt: number, tailEnd: number): boolean {
	const {head, tail} = lastShape;
	return (
		head.length === prevAt - at &&
		tail.length === tailEnd - prevAt - 64 &&
		hasAt(bytes, at, head) &&
		hasAt(bytes, prevAt + 64, tail)
	);
}

const isControl = (byte: number) => byte < 0x20 && byte !== 0x0a;

/** Whether `bytes[start, end)`, a few bytes, holds a control byte other than the newline. */
function bytesHoldControl(bytes: Uint8Array, start: number, end: number): boolean {
	for (let position = start; position < end; position++) if (isControl(bytes[position]!)) return true;
	return false;
}

/**
 * Whether `bytes[start, end)` holds a control byte other than the newline, which no canonical
 * line holds raw. Four bytes at a time: a word with no byte below 0x20 is passed over whole. The
 * loop is the last thing the function does: V8 optimizes it while it runs, and code after it
 * would have run too seldom to be optimized with it, so leaving the loop would throw the
 * optimized code away (once per chunk, for the first few, measured).
 */
export function holdsControlByte(bytes: Buffer, start: number, end: number): boolean {
	const firstWord = start + ((4 - ((bytes.byteOffset + start) % 4)) % 4);
	// Too few bytes for one whole word (an Int32Array cannot even start at an unaligned offset).
	if (end - firstWord < 4) return bytesHoldControl(bytes, start, end);
	const wordCount = (end - firstWord) >> 2;
	const afterWords = firstWord + wordCount * 4;
	if (bytesHoldControl(bytes, start, firstWord) || bytesHoldControl(bytes, afterWords, end)) return true;
	const words = new Int32Array(bytes.buffer, bytes.byteOffset + firstWord, wordCount);
	for (let index = 0; index < wordCount; index++) {
		const word = words[index]!;
		// Non-zero exactly when one of the four bytes is below 0x20 (the "has less than" bit trick).
		if (
			((word - 0x20202020) & ~word & 0x80808080) !== 0 &&
			bytesHoldControl(bytes, firstWord + index * 4, firstWord + index * 4 + 4)
		)
			return true;
	}
	return false;
}
