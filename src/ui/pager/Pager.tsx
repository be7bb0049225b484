import {Box, Text} from 'ink';
import type {StepOutputReader} from '../../core/output/pages.js';
import {fit, pad} from '../format.js';
import {fieldParts} from '../line-editor.js';
import {fittedHints} from '../keys.js';
import {theme, type Tone} from '../theme.js';
import {pagerGeometry, pagerKeys, pageRowsAt, shownTop, type PagerRow, type PagerState} from './pager-model.js';

export type PagerBadge = {text: string; tone: Tone};

/**
 * A step's output, a page at a time: a title with where the page is, the rows (stderr's marked
 * with a red `▌` gutter, which reads without colour too), and the search field or the keys.
 */
export function Pager({
	reader,
	state,
	cols,
	rows,
	badge,
	notice,
}: {
	reader: StepOutputReader;
	state: PagerState;
	cols: number;
	rows: number;
	/** Following or paused, live or scrolled away: for a step whose output still grows. */
	badge?: PagerBadge;
	/** Something that waits outside the pager (a decision at the run's prompt), in the title line. */
	notice?: string;
}) {
	reader.refresh();
	const {pageRows, width} = pagerGeometry(cols, rows);
	const total = reader.lineCount(state.step);
	const top = shownTop(state, reader, pageRows, width);
	const page = pageRowsAt(state, reader, top, pageRows, width);
	const where = total === 0 ? 'no output recorded' : `lines ${top + 1}–${page.lastLine + 1} of ${total}`;
	const title = `output of ${state.step} · ${where}`;
	// A notice takes the badge's place when there is none, so the page keeps its rows.
	const shownBadge = badge ?? (notice ? {text: notice, tone: 'waiting' as const} : undefined);
	const badgeText = shownBadge ? ` ${shownBadge.text} ` : '';
	const field = state.field ? fieldParts(state.field) : undefined;
	return (
		<Box flexDirection="column">
			<Box width={cols}>
				<Text bold wrap="truncate">
					{pad(fit(title, cols - badgeText.length - 1), cols - badgeText.length)}
				</Text>
				{shownBadge ? (
					<Text color={theme[shownBadge.tone]} inverse bold>
						{badgeText}
					</Text>
				) : null}
			</Box>
			{page.rows.map((row, at) => (
				<PagerLine key={at} row={row} query={state.query} cols={cols} />
			))}
			{field ? (
				<Text wrap="truncate">
					<Text bold>/</Text>
					{fit(field.before, cols - 2)}
					<Text inverse>{field.under}</Text>
					{fit(field.after, Math.max(0, cols - 2 - [...field.before].length))}
				</Text>
			) : state.message ? (
				<Text color={theme.failed} wrap="truncate">
					{fit(`! ${state.message}`, cols)}
				</Text>
			) : (
				<Text color={theme.muted} wrap="truncate">
					{fittedHints('', pagerKeys, cols)}
				</Text>
			)}
		</Box>
	);
}

/** One row: the gutter (`▌` for stderr, `›` on a search match), then the text with the query's hits inverted. */
function PagerLine({row, query, cols}: {row: PagerRow; query?: string; cols: number}) {
	const gutter = row.isErr ? '▌' : row.isMatch ? '›' : ' ';
	const tone = row.isErr ? theme.failed : row.isMatch ? theme.accent : undefined;
	return (
		<Text wrap="truncate">
			<Text color={tone}>{gutter} </Text>
			{row.isMatch && query ? (
				hitsOf(row.text, query).map((part, at) => (
					<Text key={at} inverse={part.isHit} color={row.isErr ? theme.failed : undefined}>
						{part.text}
					</Text>
				))
			) : (
				<Text color={row.isErr ? theme.failed : undefined}>{fit(row.text, cols - 2)}</Text>
			)}
		</Text>
	);
}

/** `text` cut into the parts that are `query` (as the search matched it) and those between. */
function hitsOf(text: string, query: string): Array<{text: string; isHit: boolean}> {
	const isCaseSensitive = query !== query.toLowerCase();
	const haystack = isCaseSensitive ? text : text.toLowerCase();
	const needle = isCaseSensitive ? query : query.toLowerCase();
	const parts: Array<{text: string; isHit: boolean}> = [];
	let at = 0;
	for (let hit = haystack.indexOf(needle); hit !== -1 && needle; hit = haystack.indexOf(needle, at)) {
		if (hit > at) parts.push({text: text.slice(at, hit), isHit: false});
		parts.push({text: text.slice(hit, hit + needle.length), isHit: true});
		at = hit + needle.length;
	}
	if (at < text.length) parts.push({text: text.slice(at), isHit: false});
	return parts;
}
