// The output pager's state and what its keys do to it: where the page starts, whether it follows
// a live step's output, and the search. Lines come from a StepOutputReader, a page at a time, so
// a step's whole output is never in memory. Screen-only state; nothing here is recorded.
import type {OutputLine, StepOutputReader} from '../../core/output/pages.js';
import {terminalOutput} from '../../core/text/sanitize.js';
import {wrap} from '../format.js';
import {actionFor, type KeyAction} from '../keys.js';
import type {Keystroke} from '../keystrokes.js';
import {editKeyOf} from '../keystrokes.js';
import {editField, insertText, type LineField} from '../line-editor.js';

export type PagerState = {
	step: string;
	/** The first line on the page, when not following. */
	top: number;
	/** Pinned to the last page: a live step's new output scrolls into view. */
	isFollowing: boolean;
	/** The search being typed. */
	field?: LineField;
	query?: string;
	/** The line the last search found. */
	match?: number;
	/** A search that found nothing says so. */
	message?: string;
};

/** The pager's keys, in the order the hint line shows them. */
export const pagerKeys: KeyAction[] = ['pager-search', 'next-match', 'top', 'bottom', 'scroll-output', 'close-pager'];

/** One screen row of output: `isErr` rows are stderr's. */
export type PagerRow = {text: string; isErr: boolean; isMatch: boolean};

/** Longer lines are cut for the screen (the search still reads them whole). */
const maxShownChars = 20_000;

/** The pager's rows of output: the window less its title and hint lines, and one spare row. */
export function pagerGeometry(cols: number, rows: number): {pageRows: number; width: number} {
	return {pageRows: Math.max(3, rows - 3), width: Math.max(10, cols - 2)};
}

/** The pager on a step, at its last page. */
export function openPager(step: string): PagerState {
	return {step, top: 0, isFollowing: true};
}

/** The screen rows of one line: shown as a terminal would show it, wrapped to `width`. */
export function rowsOfLine(line: OutputLine, width: number): string[] {
	const text = line.text.length > maxShownChars ? `${line.text.slice(0, maxShownChars)}…` : line.text;
	return wrap(terminalOutput(text), width);
}

/** The top line of the last page: as many of the last lines as fit whole in `pageRows`. */
export function lastTop(reader: StepOutputReader, step: string, pageRows: number, width: number): number {
	const total = reader.lineCount(step);
	const first = Math.max(0, total - pageRows);
	const lines = reader.lines(step, first, total - first);
	let used = 0;
	for (let at = lines.length - 1; at >= 0; at--) {
		used += rowsOfLine(lines[at]!, width).length;
		if (used > pageRows) return Math.min(total - 1, first + at + 1);
	}
	return first;
}

/** Where the page starts now: the last page when following, else `top` kept within the output. */
export function shownTop(state: PagerState, reader: StepOutputReader, pageRows: number, width: number): number {
	const bottom = lastTop(reader, state.step, pageRows, width);
	return state.isFollowing ? bottom : Math.max(0, Math.min(state.top, bottom));
}

/** The rows of the page that starts at line `top`. */
export function pageRowsAt(
	state: PagerState,
	reader: StepOutputReader,
	top: number,
	pageRows: number,
	width: number,
): {rows: PagerRow[]; lastLine: number} {
	const rows: PagerRow[] = [];
	let lastLine = top;
	for (const [at, line] of reader.lines(state.step, top, pageRows).entries()) {
		if (rows.length >= pageRows) break;
		lastLine = top + at;
		const isMatch = state.match === top + at;
		for (const text of rowsOfLine(line, width)) rows.push({text, isErr: line.stream === 'err', isMatch});
	}
	return {rows: rows.slice(0, pageRows), lastLine};
}

export type PagerContext = {reader: StepOutputReader; pageRows: number; width: number};

/** What one key does in the pager: a new state, or `close`. */
export function pagerKey(state: PagerState, stroke: Keystroke, context: PagerContext): PagerState | 'close' {
	if (state.field) return searchFieldKey(state, state.field, stroke, context);
	const top = shownTop(state, context.reader, context.pageRows, context.width);
	const moved = (to: number): PagerState => ({
		...state,
		top: Math.max(0, Math.min(to, lastTop(context.reader, state.step, context.pageRows, context.width))),
		isFollowing: false,
		message: undefined,
	});
	const {key} = stroke;
	switch (actionFor(stroke.input, key, pagerKeys)) {
		case 'close-pager':
			return 'close';
		case 'pager-search':
			return {...state, field: {text: ''}, message: undefined};
		case 'next-match':
			return state.query === undefined ? state : searched(state, state.query, state.match ?? top - 1, context);
		case 'top':
			return moved(0);
		case 'bottom':
			return {...state, isFollowing: true, message: undefined};
		case 'scroll-output': {
			const page = Math.max(1, context.pageRows - 1);
			return moved(top + (key.upArrow ? -1 : key.downArrow ? 1 : key.pageUp ? -page : page));
		}
		default:
			return state;
	}
}

function searchFieldKey(state: PagerState, field: LineField, stroke: Keystroke, context: PagerContext): PagerState {
	const {input, key} = stroke;
	if (key.escape) return {...state, field: undefined};
	if (key.return) {
		const query = field.text || state.query;
		const from = shownTop(state, context.reader, context.pageRows, context.width) - 1;
		return query ? searched({...state, field: undefined}, query, from, context) : {...state, field: undefined};
	}
	const edit = editKeyOf(stroke);
	if (edit) return {...state, field: editField(field, edit)};
	if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return state;
	return {...state, field: insertText(field, input)};
}

/** The page moved to the next line after `after` that holds `query` (wrapping), or a message that none does. */
function searched(state: PagerState, query: string, after: number, context: PagerContext): PagerState {
	const match = context.reader.find(state.step, query, after < 0 ? undefined : after);
	if (match === undefined) return {...state, query, match: undefined, message: `no line holds “${query}”`};
	const bottom = lastTop(context.reader, state.step, context.pageRows, context.width);
	// The match shows a few lines down the page, so what leads up to it is in view too.
	const top = Math.max(0, Math.min(bottom, match - Math.min(3, Math.floor(context.pageRows / 4))));
	return {...state, query, match, top, isFollowing: false, message: undefined};
}
