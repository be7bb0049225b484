// Numbers and lines as the operator reads them. Widths are screen columns (a CJK character or an
// emoji takes two), measured as Ink measures them, with the same `string-width`.
import stringWidth from 'string-width';
import {terminalText} from '../core/text/sanitize.js';
import {graphemeSegmenter} from './graphemes.js';

export {clock, countdown, duration} from '../core/time.js';

const segmenter = graphemeSegmenter();

/** The screen columns `text` takes. */
export function columns(text: string): number {
	return stringWidth(text);
}

/**
 * Cuts a line to `width` columns, marking the cut with `marker`. Output lines use an ASCII `>`
 * (as `less -S` does): Ink measures every line, and printable ASCII is its fast path. Every text
 * on the screen passes here, so this is where control characters are made visible (`^[`,
 * `<U+202E>`); command output goes through `terminalOutput` first.
 */
export function fit(text: string, width: number, marker = '…'): string {
	if (width <= 0) return '';
	const flat = terminalText(text).replace(/\t/g, '  ');
	// Printable ASCII is one column a character: no need to measure.
	if (/^[\x20-\x7e]*$/.test(flat))
		return flat.length > width ? `${flat.slice(0, Math.max(0, width - 1))}${marker}` : flat;
	const key = `${width}\u0000${marker}\u0000${flat}`;
	const known = fittedText.get(key);
	if (known !== undefined) return known;
	if (fittedText.size >= maxFittedTexts) fittedText.clear();
	const fitted = stringWidth(flat) <= width ? flat : `${takeColumns(flat, width - stringWidth(marker)).head}${marker}`;
	fittedText.set(key, fitted);
	return fitted;
}

/**
 * Lines with a non-ASCII character, as `fit` cut them: each frame fits the same lines again (the
 * key hints, the header), and measuring one takes a grapheme walk. A few screens' worth.
 */
const fittedText = new Map<string, string>();
const maxFittedTexts = 500;

/**
 * A line broken into rows of at most `width` columns, never cutting a character; rows after the
 * first start with `indent` (which counts towards the width). Breaks after a space where it can.
 * Controls are shown, as in `fit`.
 */
export function wrap(text: string, width: number, indent = ''): string[] {
	const flat = terminalText(text).replace(/\t/g, '  ');
	const rows: string[] = [];
	let rest = flat;
	let room = Math.max(1, width);
	while (stringWidth(rest) > room) {
		const {head} = takeColumns(rest, room);
		// Break at a space when there is one (the space is the break), so words stay whole; a
		// character wider than the row still moves on, so the loop always ends.
		const space = rest[head.length] === ' ' ? head.length : head.lastIndexOf(' ');
		const isAtSpace = space > head.length / 2;
		const taken = isAtSpace ? rest.slice(0, space) : head || [...segmenter.segment(rest)][0]!.segment;
		rows.push(`${rows.length > 0 ? indent : ''}${taken}`);
		rest = rest.slice(taken.length + (isAtSpace ? 1 : 0));
		room = Math.max(1, width - stringWidth(indent));
	}
	rows.push(`${rows.length > 0 ? indent : ''}${rest}`);
	return rows;
}

/** The longest start of `text` that fits in `width` columns (whole graphemes), and the rest. */
function takeColumns(text: string, width: number): {head: string; tail: string} {
	let used = 0;
	let end = 0;
	for (const {segment} of segmenter.segment(text)) {
		const cells = stringWidth(segment);
		if (used + cells > width) break;
		used += cells;
		end += segment.length;
	}
	return {head: text.slice(0, end), tail: text.slice(end)};
}

/** `text` (already fitted) padded with spaces to `width` columns. */
export function pad(text: string, width: number): string {
	return `${text}${' '.repeat(Math.max(0, width - stringWidth(text)))}`;
}
