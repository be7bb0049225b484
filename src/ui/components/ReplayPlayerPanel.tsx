import {Box, Text} from 'ink';
import type {JumpTarget} from '../../core/replay/player.js';
import {clock, fit} from '../format.js';
import {keyHints} from '../keys.js';
import {fieldParts} from '../line-editor.js';
import {theme} from '../theme.js';
import {listKeys, type PlayerMode} from '../use-replay-player.js';

/** Rows the panel takes under the run screen in `mode`, for a window of `rows`. */
export function playerPanelRows(mode: PlayerMode, targetCount: number, rows: number): number {
	if (mode.kind === 'search') return 1;
	if (mode.kind === 'list') return 1 + Math.min(targetCount, listRowsFor(rows));
	return 0;
}

/** At most a third of the window for the list, and at least three entries. */
const listRowsFor = (rows: number) => Math.max(3, Math.floor(rows / 3));

/**
 * Under the replay's screen: the phases and steps to jump to (the chosen one marked, scrolled to
 * stay in view), or the search field.
 */
export function ReplayPlayerPanel({
	mode,
	targets,
	cols,
	rows,
}: {
	mode: PlayerMode;
	targets: JumpTarget[];
	cols: number;
	rows: number;
}) {
	if (mode.kind === 'search') {
		const field = fieldParts(mode);
		return (
			<Text wrap="truncate">
				<Text bold>Search the output: </Text>
				{fit(field.before, cols - 20)}
				<Text inverse>{field.under}</Text>
				{field.after}
			</Text>
		);
	}
	if (mode.kind !== 'list') return null;
	const shown = Math.min(targets.length, listRowsFor(rows));
	const top = Math.max(0, Math.min(mode.selected - Math.floor(shown / 2), targets.length - shown));
	return (
		<Box flexDirection="column">
			<Text color={theme.accent} bold wrap="truncate">
				{fit(`Jump to · ${keyHints(listKeys, {back: 'close'})}`, cols)}
			</Text>
			{targets.slice(top, top + shown).map((target, i) => {
				const isChosen = top + i === mode.selected;
				const label = `${isChosen ? '›' : ' '} ${clock(target.t)}  ${target.kind === 'step' ? '  ' : ''}${target.label}`;
				return (
					<Text
						key={target.startIndex}
						inverse={isChosen}
						color={target.kind === 'phase' ? theme.accent : undefined}
						wrap="truncate"
					>
						{fit(label, cols)}
					</Text>
				);
			})}
		</Box>
	);
}
