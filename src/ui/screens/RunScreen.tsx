import {Box, Static, Text} from 'ink';
import {memo, type ReactNode} from 'react';
import type {Decision} from '../../core/run/next.js';
import type {RunState} from '../../core/run/state.js';
import {finishedItems} from '../../core/run/select.js';
import {FinishedLine} from '../components/FinishedLine.js';
import {Header} from '../components/Header.js';
import {Prompt} from '../components/Prompt.js';
import {LiveStepPanel} from '../components/StepPanel.js';
import {Summary} from '../components/Summary.js';
import type {InputState} from '../input-state.js';
import {fit} from '../format.js';
import {liveLayout, maxLayoutCols} from '../live-layout.js';
import {theme} from '../theme.js';

export type RunScreenProps = {
	state: RunState;
	decision?: Decision;
	problem?: string;
	input: InputState;
	/** µs since the session started: the live clock, or a replay's cursor. */
	now: number;
	cols: number;
	rows: number;
	logFile?: string;
	/** The team archive's state (`archive ✓`), when the session streams to one. */
	archive?: string;
	/** A line that stays on every frame (a replay of a log that did not verify). */
	banner?: {text: string; tone: 'danger' | 'waiting' | 'accent'};
	/** Replaces the prompt's key hints (a replay's own keys and position). */
	footer?: string;
	/** The step picked with ↑↓, described in a line above the prompt. */
	selection?: string;
	/** Drawn instead of the live area (the output pager) until the run ends; the lines above stay. */
	pager?: ReactNode;
};

/** The finished steps, printed once each; a clock tick (the same state) does not touch them. */
const FinishedSteps = memo(function FinishedSteps({state, width}: {state: RunState; width: number}) {
	return (
		<Static items={finishedItems(state)}>{(item) => <FinishedLine key={item.key} item={item} cols={width} />}</Static>
	);
});

/**
 * Finished steps are printed once above (Static); below, a live area kept shorter than the window
 * so Ink never has to clear and repaint the whole screen.
 */
export function RunScreen({
	state,
	decision,
	problem,
	input,
	now,
	cols,
	rows,
	logFile,
	banner,
	footer,
	archive,
	selection,
	pager,
}: RunScreenProps) {
	// Names and times stay within 120 columns, so they read as one line; output uses the whole window.
	const width = Math.max(20, Math.min(cols, maxLayoutCols));
	if (!state.runbook) return null;
	const done = <FinishedSteps state={state} width={width} />;
	const bannerLine = banner ? (
		<Text color={theme[banner.tone]} bold inverse wrap="truncate">
			{fit(` ${banner.text} `, width)}
		</Text>
	) : null;
	const footerLine = footer ? (
		<Text color={theme.muted} wrap="truncate">
			{fit(footer, width)}
		</Text>
	) : null;
	// At the end the summary shows, pager or not: it is the last frame left on the terminal.
	if (pager && !state.ended) {
		return (
			<>
				{done}
				{pager}
			</>
		);
	}
	if (state.ended) {
		return (
			<>
				{done}
				{bannerLine}
				<Summary state={state} cols={width} {...(logFile ? {logFile} : {})} />
				{footerLine}
			</>
		);
	}
	const {step, model, upcoming, command, outputRows} = liveLayout({
		state,
		input,
		now,
		cols,
		rows,
		...(decision ? {decision} : {}),
		...(problem ? {problem} : {}),
		...(logFile ? {logFile} : {}),
		...(banner ? {banner} : {}),
		...(footer ? {footer} : {}),
		...(selection ? {selection} : {}),
	});
	return (
		<>
			{done}
			<Box flexDirection="column">
				{bannerLine}
				<Header state={state} now={now} cols={width} {...(archive ? {archive} : {})} />
				{step ? (
					<LiveStepPanel
						state={state}
						step={step}
						now={now}
						cols={width}
						outputCols={Math.max(20, cols)}
						outputRows={outputRows}
						{...(command ? {command} : {})}
					/>
				) : null}
				{upcoming.length > 0 ? (
					<Text color={theme.muted} wrap="truncate">
						{fit(`  next: ${upcoming.map((s) => s.id).join(' · ')}`, width)}
					</Text>
				) : null}
				{selection ? (
					<Text color={theme.accent} wrap="truncate">
						{fit(selection, width)}
					</Text>
				) : null}
				<Prompt model={model} cols={width} {...(problem ? {problem} : {})} />
				{footerLine}
			</Box>
		</>
	);
}
