// The resolved command as screen rows, and the part of it that fits. At a confirmation the whole
// command must be reachable (it scrolls); elsewhere its first rows and how many more there are.
import {columns, fit, wrap} from './format.js';

// Marks a row that goes on the line above, so a wrapped line never reads as a line of its own.
const continued = '    ↪ ';

/** The rows a command takes at `cols` columns: `$ ` before the first line, long lines wrapped (`↪`). */
export function commandRowsOf(command: string, cols: number): string[] {
	const lines = command.replace(/^\s*\n|\n\s*$/g, '').split('\n');
	return lines.flatMap((line, i) => wrap(`${i === 0 ? '  $ ' : '    '}${line}`, cols, continued));
}

export type CommandWindow = {
	rows: string[];
	/** The row under the command when part of it is out of sight: where the view is, how to move. */
	status?: string;
	/** The last useful scroll position, in rows. */
	maxTop: number;
};

/**
 * The rows shown in `budget` screen rows from row `top`. `isScrollable`: a confirmation, where
 * every row must be reachable; otherwise the first rows and a count of the rest.
 */
export function commandWindow(
	all: string[],
	top: number,
	budget: number,
	cols: number,
	isScrollable: boolean,
): CommandWindow {
	const room = Math.max(1, budget);
	if (all.length <= room) return {rows: all, maxTop: 0};
	if (!isScrollable) {
		const more = ` … (+${all.length - room + 1} rows)`;
		const kept = all.slice(0, room);
		kept[room - 1] = `${fit(kept[room - 1]!, cols - columns(more))}${more}`;
		return {rows: kept, maxTop: 0};
	}
	const shownRows = Math.max(1, room - 1);
	const maxTop = all.length - shownRows;
	const from = Math.min(Math.max(0, top), maxTop);
	const status = `    ── rows ${from + 1}–${from + shownRows} of ${all.length}${from + shownRows < all.length ? ' · more below' : ' · the end'} · ↑↓ PgUp PgDn scroll ──`;
	return {rows: all.slice(from, from + shownRows), status: fit(status, cols), maxTop};
}
