// How the live area shares the window: the prompt, the command and the output. One function, so
// the screen and the key handler (which must know how far the command can scroll) agree.
import path from 'node:path';
import type {Decision} from '../core/run/next.js';
import type {RunState} from '../core/run/state.js';
import type {Step} from '../core/runbook/model.js';
import {currentStep, pollClock, shownCommandOf, upcomingSteps} from '../core/run/select.js';
import {wrap} from './format.js';
import {noteRows} from './components/StepPanel.js';
import {commandRowsOf, commandWindow, type CommandWindow} from './command-view.js';
import type {InputState} from './input-state.js';
import type {KeyAction} from './keys.js';
import {promptModel, type PromptModel} from './prompt-model.js';

/** Names and times stay within this many columns, so they read as one line; output uses the whole window. */
export const maxLayoutCols = 120;

export type LayoutInput = {
	state: RunState;
	decision?: Decision;
	problem?: string;
	input: InputState;
	now: number;
	cols: number;
	rows: number;
	logFile?: string;
	banner?: unknown;
	footer?: string;
	/** The line about the step picked with ↑↓. */
	selection?: string;
};

export type LiveLayout = {
	step?: Step;
	model: PromptModel;
	upcoming: Step[];
	command?: CommandWindow;
	outputRows: number;
};

const layoutKeys = [
	'state',
	'decision',
	'problem',
	'input',
	'now',
	'cols',
	'rows',
	'logFile',
	'banner',
	'footer',
	'selection',
] as const satisfies ReadonlyArray<keyof LayoutInput>;
let lastLayout: {input: LayoutInput; layout: LiveLayout} | undefined;

/**
 * The live area's parts and the rows each gets, kept shorter than the window. The key handler's
 * and the screen's calls in one frame get the same answer, worked out once.
 */
export function liveLayout(input: LayoutInput): LiveLayout {
	if (lastLayout && layoutKeys.every((key) => lastLayout!.input[key] === input[key])) return lastLayout.layout;
	const layout = computeLiveLayout(input);
	lastLayout = {input, layout};
	return layout;
}

function computeLiveLayout({
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
	selection,
}: LayoutInput): LiveLayout {
	const width = Math.max(20, Math.min(cols, maxLayoutCols));
	const step = currentStep(state);
	const shownModel = promptModel(state, decision, input, now, logFile ? path.dirname(logFile) : undefined);
	const upcoming = upcomingSteps(state).filter((s) => s.id !== step?.id);
	// The step line, its note, and the "N lines in all" row under the output.
	const fixedRows =
		(banner ? 1 : 0) +
		(footer ? 1 : 0) +
		(selection ? 1 : 0) +
		2 +
		(step ? 1 + (step.note ? noteRows(step.note, width).length : 0) + (pollClock(state, step) ? 1 : 0) + 1 : 0) +
		(upcoming.length > 0 ? 1 : 0) +
		shownModel.lines.reduce((sum, line) => sum + wrap(line.text, width, '    ').length, 0) +
		(shownModel.entry ? 1 : 0) +
		(problem ? 1 : 0) +
		(shownModel.actions.length > 0 ? 1 : 0);
	const hasOutput = step !== undefined && state.output?.step === step.id;
	const command = step
		? commandShown(state, decision, step, input, width, rows - 1 - fixedRows - (hasOutput ? 2 : 0))
		: undefined;
	const commandRows = command ? command.rows.length + (command.status ? 1 : 0) : 0;
	// A command that scrolls names its keys in the hint line (they work, quietly, whenever it shows).
	const withScroll =
		command?.status && shownModel.actions.length > 0
			? {...shownModel, actions: withBeforeHelp(shownModel.actions, 'scroll')}
			: shownModel;
	const model = footer ? {...withScroll, actions: []} : withScroll;
	return {
		...(step ? {step} : {}),
		model,
		upcoming,
		...(command ? {command} : {}),
		outputRows: Math.max(2, rows - 1 - fixedRows - commandRows),
	};
}

/**
 * The command's rows on screen. At a confirmation or an approval wait it takes every row the
 * window has left (it scrolls when that is not enough); otherwise two rows and a count of the rest.
 */
function commandShown(
	state: RunState,
	decision: Decision | undefined,
	step: Step,
	input: InputState,
	cols: number,
	freeRows: number,
): CommandWindow | undefined {
	const text = shownCommandOf(state, step);
	if (!text) return undefined;
	const isConfirming = (decision?.kind === 'confirm' || decision?.kind === 'approval') && decision.step === step.id;
	const all = commandRowsOf(text, cols);
	return isConfirming
		? commandWindow(all, input.commandTop ?? 0, freeRows, cols, true)
		: commandWindow(all, 0, 2, cols, false);
}

function withBeforeHelp(actions: KeyAction[], added: KeyAction): KeyAction[] {
	const at = actions.indexOf('help');
	return at < 0 ? [...actions, added] : [...actions.slice(0, at), added, ...actions.slice(at)];
}
