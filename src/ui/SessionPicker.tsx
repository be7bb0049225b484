// The session picker: what `watch`, `replay`, `verify` and `export` show when no SESSION is given
// in a terminal. One row a session, newest first, from the same listing as `runbook sessions`.
// ink-select-input draws the list (the marker, the highlighted row, the window onto a long list);
// the keys are read here. Its own reader works out the next row from the row of its last render,
// so arrows that come faster than React re-renders are lost (6 Downs 10 ms apart moved it 4 rows).
// Here every key moves from where the one before it left the selection, however fast they come.
import {Box, Text, useInput} from 'ink';
import SelectInput from 'ink-select-input';
import {useRef, useState} from 'react';
import {columns, fit, pad} from './format.js';
import {actionFor, keyHints} from './keys.js';
import {keystrokesOf, type Keystroke} from './keystrokes.js';
import {theme} from './theme.js';
import {useTerminalSize} from './use-terminal-size.js';

/** One recorded session as the picker shows it (the fields of a `runbook sessions` row it needs). */
export type PickableSession = {
	id: string;
	runbook: string;
	operator: string;
	/** The header's wall clock, ISO 8601. */
	start: string;
	outcome: string;
	verdict: string;
};

/** Rows above and below the list: the title, the column heading, and the hint line. */
const chromeRows = 3;
/** The selection marker ink-select-input draws before each row, and its margin. */
const markerColumns = 2;
const operatorMaxColumns = 16;

/** The verdict without its reason (`INVALID (line 7: …)` is INVALID): `verify` gives the rest. */
const verdictWord = (verdict: string) => verdict.replace(/ \(.*$/s, '');

/** `2026-11-30T09:12:03.123Z` as `2026-11-30 09:12:03Z`, or `11-30 09:12:03` where room is short. */
const shownStart = (wall: string, isNarrow: boolean) =>
	isNarrow ? wall.slice(5, 19).replace('T', ' ') : wall.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

/**
 * The heading and one line a session, in columns that fit `cols`, in the order of `runbook
 * sessions`: the runbook's name last, with the room that is left. Text shown safe for a terminal.
 */
export function pickerLines(sessions: readonly PickableSession[], cols: number): {heading: string; rows: string[]} {
	const widest = (cells: string[], heading: string, max = Infinity) =>
		Math.min(max, Math.max(columns(heading), ...cells.map((cell) => columns(fit(cell, max)))));
	// Narrow terminals close the gaps to one column and leave out the year, so the runbook's name
	// keeps some room.
	const isNarrow = cols < 70;
	const gap = isNarrow ? ' ' : '  ';
	const widths = [
		columns(shownStart(new Date(0).toISOString(), isNarrow)),
		widest(
			sessions.map((s) => s.outcome),
			'OUTCOME',
		),
		widest(
			sessions.map((s) => verdictWord(s.verdict)),
			'VERDICT',
		),
		widest(
			sessions.map((s) => s.operator),
			'OPERATOR',
			operatorMaxColumns,
		),
	];
	const line = (cells: string[], runbook: string) =>
		fit(
			[...cells.map((cell, index) => pad(fit(cell, widths[index]!), widths[index]!)), runbook].join(gap),
			cols - markerColumns,
		);
	return {
		heading: line(['STARTED', 'OUTCOME', 'VERDICT', 'OPERATOR'], 'RUNBOOK'),
		rows: sessions.map((s) =>
			line([shownStart(s.start, isNarrow), s.outcome, verdictWord(s.verdict), s.operator], s.runbook),
		),
	};
}

type PickerProps = {
	sessions: readonly PickableSession[];
	/** What the choice is for: `replay which session?`. */
	title: string;
	onChoose: (id: string) => void;
	onCancel: () => void;
};

/** The picker at the terminal's size, laid out again when it is resized. */
export function TerminalSessionPicker(props: PickerProps) {
	const size = useTerminalSize();
	return <SessionPicker {...props} cols={size.cols} rows={size.rows} />;
}

/** Lists `sessions` (newest first, as given) and calls `onChoose` with the id picked, or `onCancel`. */
export function SessionPicker({
	sessions,
	title,
	cols,
	rows,
	onChoose,
	onCancel,
}: PickerProps & {cols: number; rows: number}) {
	const [highlighted, setHighlighted] = useState(0);
	// The row each key starts from: the one the key before it left, rendered or not yet.
	const selection = useRef(0);
	const {heading, rows: lines} = pickerLines(sessions, cols);
	const items = sessions.map((session, index) => ({key: session.id, label: lines[index]!, value: index}));
	const visibleRows = Math.max(1, rows - chromeRows);
	useInput((input, key) => {
		for (const stroke of keystrokesOf(input, key)) {
			const step = moveOf(stroke, visibleRows);
			if (step !== undefined) {
				selection.current = Math.max(0, Math.min(sessions.length - 1, selection.current + step));
				setHighlighted(selection.current);
			} else if (stroke.key.return) return onChoose(sessions[selection.current]!.id);
			else if (actionFor(stroke.input, stroke.key, ['back', 'quit'])) return onCancel();
		}
	});
	const position = sessions.length > visibleRows ? `${highlighted + 1}/${sessions.length} · ` : '';
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate">
				{fit(title, cols)}
			</Text>
			<Text color={theme.muted} wrap="truncate">
				{`${' '.repeat(markerColumns)}${heading}`}
			</Text>
			{/* Mounted afresh at each move: its first render puts the highlighted row in the window. */}
			<SelectInput key={highlighted} items={items} initialIndex={highlighted} limit={visibleRows} isFocused={false} />
			<Text color={theme.muted} wrap="truncate">
				{fit(
					`${position}↑↓ move · Enter choose · ${keyHints(['back', 'quit'], {back: 'cancel', quit: 'cancel'})}`,
					cols,
				)}
			</Text>
		</Box>
	);
}

/** How many rows a key moves the selection: ↑↓ (k j) one, PgUp PgDn a screen, Home End all the way. */
function moveOf({input, key}: Keystroke, pageRows: number): number | undefined {
	if (key.downArrow || input === 'j') return 1;
	if (key.upArrow || input === 'k') return -1;
	if (key.pageDown) return pageRows;
	if (key.pageUp) return -pageRows;
	if (key.end) return Number.MAX_SAFE_INTEGER;
	if (key.home) return -Number.MAX_SAFE_INTEGER;
	return undefined;
}
