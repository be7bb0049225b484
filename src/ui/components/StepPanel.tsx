import {Box, Text} from 'ink';
import {memo} from 'react';
import type {Step} from '../../core/runbook/model.js';
import type {RunState} from '../../core/run/state.js';
import {pollClock} from '../../core/run/select.js';
import {clock, fit, pad, wrap} from '../format.js';
import type {CommandWindow} from '../command-view.js';
import {theme} from '../theme.js';
import {terminalOutput} from '../../core/text/sanitize.js';

// One JSX tree for the live area (> 80 lines): split, its rows could no longer be counted in one place.
/** The current step: its name and state, its command, and the last `outputRows` lines of output. */
export function StepPanel({
	state,
	step,
	now,
	cols,
	outputCols,
	outputRows,
	command,
}: {
	state: RunState;
	step: Step;
	now: number;
	cols: number;
	outputCols: number;
	outputRows: number;
	/** The part of the resolved command on screen, when the step has one. */
	command?: CommandWindow;
}) {
	const st = state.steps[step.id];
	const running = state.running?.step === step.id ? state.running : undefined;
	const status = running
		? `${running.isCancelRequested ? 'cancelling' : 'running'} ${clock(now - running.startedAt)}`
		: st?.status === 'failed'
			? 'failed'
			: st?.startedAt !== undefined
				? step.kind
				: '';
	const name = step.name === step.id ? step.id : `${step.id}  ${step.name}`;
	const output = state.output?.step === step.id ? state.output : undefined;
	const lines = output
		? [
				...output.lines,
				...[output.partial.out, output.partial.err].filter(Boolean).map((text) => ({text, isErr: false})),
			].slice(-outputRows)
		: [];
	const poll = pollClock(state, step);
	const pollLine = poll
		? `  ${poll.nextAt !== undefined ? `try ${poll.tries} failed · next in ${clock(poll.nextAt - now)}` : `try ${Math.max(1, poll.tries)}`} · gives up in ${clock(poll.givesUpAt - now)}`
		: undefined;
	return (
		<Box flexDirection="column">
			<Box width={cols}>
				<Text color={running ? theme.running : st?.status === 'failed' ? theme.failed : theme.accent}>▶ </Text>
				<Text bold wrap="truncate">
					{pad(fit(name, cols - status.length - 4), cols - status.length - 3)}
				</Text>
				<Text color={theme.muted}>{status}</Text>
			</Box>
			{step.note ? <Text color={theme.muted}>{noteRows(step.note, cols).join('\n')}</Text> : null}
			{pollLine ? <Text color={theme.waiting}>{fit(pollLine, cols)}</Text> : null}
			{command?.rows.map((row, i) => (
				<Text key={`c${i}`} color={theme.accent} wrap="truncate">
					{fit(row, cols)}
				</Text>
			))}
			{command?.status ? <Text color={theme.waiting}>{command.status}</Text> : null}
			{lines.length > 0 ? (
				// The gutter is its own column and the lines one text block: Ink measures every line's
				// width, and plain ASCII lines (most output) take string-width's fast path only without
				// the box-drawing character in them.
				<Box>
					<Text>{'  │ \n'.repeat(lines.length).slice(0, -1)}</Text>
					<Text>
						{lines.map((line, i) => (
							<Text
								key={i}
								color={line.isErr ? theme.waiting : undefined}
							>{`${i > 0 ? '\n' : ''}${fit(terminalOutput(line.text), outputCols - 4, '>')}`}</Text>
						))}
					</Text>
				</Box>
			) : null}
			{output && output.lineCount > outputRows ? (
				<Text color={theme.muted}>
					{fit(`  │ … ${output.lineCount.toLocaleString('en-US')} lines in all (the log has every line)`, outputCols)}
				</Text>
			) : null}
		</Box>
	);
}

type StepPanelProps = Parameters<typeof StepPanel>[0];

const sameCommand = (before: CommandWindow | undefined, after: CommandWindow | undefined) =>
	before === after ||
	(before !== undefined &&
		after !== undefined &&
		before.status === after.status &&
		before.rows.length === after.rows.length &&
		before.rows.every((row, index) => row === after.rows[index]));

/**
 * The panel shows the time only for a running step or a poll; otherwise a clock tick (a new
 * `now`, nothing else) leaves it as it was, and it is not drawn again.
 */
function isSamePanel(before: StepPanelProps, after: StepPanelProps): boolean {
	const showsClock = after.state.running?.step === after.step.id || pollClock(after.state, after.step) !== undefined;
	return (
		before.state === after.state &&
		before.step === after.step &&
		(before.now === after.now || !showsClock) &&
		before.cols === after.cols &&
		before.outputCols === after.outputCols &&
		before.outputRows === after.outputRows &&
		sameCommand(before.command, after.command)
	);
}

/** StepPanel, drawn again only when what it shows can have changed. */
export const LiveStepPanel = memo(StepPanel, isSamePanel);

/** The step's note as it is drawn: wrapped, never cut, since the operator must read it. */
export function noteRows(note: string, cols: number): string[] {
	return wrap(`  ${note}`, cols, '  ');
}
