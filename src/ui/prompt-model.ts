// What the prompt area says and which keys work, for the decision at hand. One place, so the
// key handler and the hint line can never disagree.
// Over 300 lines: the decision switch and its key lists belong together (see decisionModel).
import type {Decision} from '../core/run/next.js';
import type {RunState} from '../core/run/state.js';
import type {FailureReason} from '../core/run/events.js';
import {terminalOutput} from '../core/text/sanitize.js';
import {findStep} from '../core/runbook/model.js';
import {describeExit} from '../core/run/judge.js';
import {editingKeys, keyList, type KeyAction} from './keys.js';
import {idleInput, reasonLabels, type InputState} from './input-state.js';
import {countdown} from './format.js';
import {describeWall, describeWindow} from './window-text.js';
import {sessionTimeAt} from '../core/run/window-clock.js';
import {countdownMinutesAboveUs, duration} from '../core/time.js';
import type {Tone} from './theme.js';

/** A line of the prompt area; a long one wraps, so nothing the operator must read is cut off. */
export type PromptLine = {text: string; tone?: Tone; isBold?: boolean};

export type PromptModel = {
	lines: PromptLine[];
	/** A line being typed into, drawn with a cursor (`cursor` code points in; the end when absent). */
	entry?: {label: string; text: string; cursor?: number; isMasked: boolean};
	/** The keys shown in the hint line; each works. */
	actions: KeyAction[];
	/** Keys that work too but only the `?` overlay lists, to keep the hint line short. */
	quietActions?: KeyAction[];
	hints?: Partial<Record<KeyAction, string>>;
};

/** Whether the decision is answered by typing text rather than by a key. */
export function isTextDecision(decision: Decision | undefined, state: RunState): boolean {
	if (!decision) return false;
	if (decision.kind === 'var' || decision.kind === 'ask' || decision.kind === 'signoff') return true;
	return decision.kind === 'confirm' && decision.mode === 'typed' && state.runbook !== undefined;
}

/** A text decision's field as it first shows: its default, when there is one and it is not secret. */
export function initialInput(decision: Decision | undefined, state: RunState): InputState {
	if (!isTextDecision(decision, state)) return idleInput;
	const spec = decision?.kind === 'var' || decision?.kind === 'ask' ? decision.spec : undefined;
	const isSecret = decision?.kind === 'var' ? decision.spec.secret : decision?.kind === 'ask' && decision.spec.isSecret;
	return {mode: 'text', text: spec?.default !== undefined && !isSecret ? spec.default : ''};
}

/**
 * What the prompt area shows and which keys work. At a menu, Ctrl-C and `n` (note) always work
 * and `?` lists every key. `sessionDir`: where the session is, for the command a second approver types.
 */
export function promptModel(
	state: RunState,
	decision: Decision | undefined,
	input: InputState,
	now: number,
	sessionDir?: string,
): PromptModel {
	if (input.mode === 'help') return helpOverlay(promptModel(state, decision, idleInput, now, sessionDir), input.keys);
	const model = decisionModel(state, decision, input, now, sessionDir);
	if (input.mode !== 'keys' || model.actions.length === 0) return model;
	return {
		...model,
		actions: [...model.actions, 'help'],
		quietActions: [
			...(['cancel', 'note'] as const).filter((a) => !model.actions.includes(a)),
			...(hasCommandToRead(decision) && !model.actions.includes('scroll') ? (['scroll'] as const) : []),
			// At a confirmation ↑↓ scroll the command; at unmet preconditions `o` overrides.
			...(hasCommandToRead(decision) ? [] : (['select-step'] as const)),
			...(model.actions.includes('override') ? [] : (['open-output'] as const)),
		],
		hints: {cancel: state.running ? 'cancel the running step' : 'abort the run (asks why)', ...model.hints},
	};
}

/** Whether the decision is about a command the operator must be able to read whole (it may scroll). */
export function hasCommandToRead(decision: Decision | undefined): boolean {
	return decision?.kind === 'confirm' || decision?.kind === 'approval';
}

// One case per decision kind (what the prompt says and which keys work): > 80 lines, kept as one switch
// so the key handler and the hint line read from the same table of cases.
function decisionModel(
	state: RunState,
	decision: Decision | undefined,
	input: InputState,
	now: number,
	sessionDir?: string,
): PromptModel {
	if (input.mode === 'confirm-cancel') {
		return {
			lines: [{text: 'Cancel the running step? Its whole process tree is stopped.', tone: 'waiting', isBold: true}],
			actions: ['yes', 'no'],
			hints: {yes: 'cancel it', no: 'keep running'},
		};
	}
	if (input.mode === 'reason') {
		return {
			lines: [],
			entry: {
				label:
					input.for === 'override' && decision?.kind === 'window'
						? 'Why start outside the deploy window?'
						: reasonLabels[input.for],
				text: input.text,
				...(input.cursor !== undefined ? {cursor: input.cursor} : {}),
				isMasked: false,
			},
			actions: ['confirm', 'back'],
			hints: {confirm: 'submit'},
		};
	}
	const typed = input.mode === 'text' ? input.text : '';
	const at = input.mode === 'text' && input.cursor !== undefined ? {cursor: input.cursor} : {};
	if (!decision) {
		if (state.running) return {lines: [], actions: ['cancel', 'note'], hints: {cancel: 'cancel step'}};
		if (state.ended) return {lines: [], actions: []};
		return {lines: [], actions: ['cancel'], hints: {cancel: 'abort run'}};
	}
	switch (decision.kind) {
		case 'var':
			return {
				lines: [
					{
						text: `Value for \`${decision.var}\`${decision.forStep !== undefined ? `, needed by the rollback step \`${decision.forStep}\`` : ''}${decision.spec.default !== undefined ? ` (Enter for ${decision.spec.secret ? 'the default' : `\`${decision.spec.default}\``})` : ''}`,
					},
				],
				entry: {
					label: `${decision.spec.prompt ?? decision.var}:`,
					text: typed,
					...at,
					isMasked: decision.spec.secret ?? false,
				},
				actions: ['confirm', 'cancel'],
				hints: {confirm: 'submit', cancel: 'abort'},
			};
		case 'preconditions': {
			const unmet = state.preconditions?.results.filter((r) => !r.isMet) ?? [];
			return {
				lines: [
					{text: 'Environment preconditions not met:', tone: 'failed', isBold: true},
					...unmet.map((r) => ({text: `  ✗ ${r.name} ${r.problem ?? ''}`, tone: 'failed' as const})),
				],
				actions: ['override', 'abort'],
				hints: {override: 'go on anyway'},
			};
		}
		case 'confirm':
			if (decision.mode === 'typed') {
				return {
					lines: [{text: `Destructive step. Type \`${decision.expected}\` to run it.`, tone: 'waiting', isBold: true}],
					entry: {label: '>', text: typed, ...at, isMasked: false},
					actions: ['confirm', 'cancel'],
					hints: {confirm: 'run', cancel: 'abort'},
				};
			}
			return {
				lines: [{text: `Run \`${decision.step}\`?`, tone: 'waiting', isBold: true}],
				actions: ['confirm', 'abort'],
				hints: {confirm: 'run'},
			};
		case 'note':
			return {lines: [], actions: ['confirm', 'abort']};
		case 'check': {
			const step = findStep(state.runbook!, decision.step)!;
			const count = step.checks!.length;
			return {
				lines: [
					{
						text: `☐ ${decision.text}${count > 1 ? `  (${decision.item + 1}/${count})` : ''}`,
						tone: 'waiting',
						isBold: true,
					},
				],
				actions: ['pass', 'fail', 'abort'],
			};
		}
		case 'ask':
			return {
				lines: [],
				entry: {
					label: `${decision.spec.prompt}${decision.spec.default !== undefined && !decision.spec.isSecret ? ` [${decision.spec.default}]` : ''}:`,
					text: typed,
					...at,
					isMasked: decision.spec.isSecret,
				},
				actions: ['confirm', 'cancel'],
				hints: {confirm: 'submit', cancel: 'abort'},
			};
		case 'wait':
			return {
				lines: [{text: `Waiting: ${countdown(decision.until - now)} left`, tone: 'waiting', isBold: true}],
				actions: ['end-wait', 'abort'],
			};
		case 'follow':
			return {
				lines: [
					{
						text: `Following: stops in ${countdown(decision.until - now)}, then counts as done`,
						tone: 'waiting',
						isBold: true,
					},
				],
				actions: ['end-wait', 'cancel', 'note'],
				hints: {cancel: 'cancel step (fails it)'},
			};
		case 'failure': {
			const st = state.steps[decision.step];
			// An expect mismatch says nothing of the exit; the other details already do.
			const exit =
				st?.lastExit && st.failure?.reason === 'expect'
					? ` (${describeExit(st.lastExit.code, st.lastExit.signal)})`
					: '';
			if (decision.isLost) {
				return {
					lines: [
						{text: `? \`${decision.step}\`: ${st?.failure?.detail ?? ''}`, tone: 'waiting', isBold: true},
						{text: 'Check by hand whether it ran, then:'},
					],
					actions: ['retry', 'mark-done', 'skip', 'abort'],
					hints: {retry: 'run again'},
				};
			}
			return {
				lines: [
					{text: `✗ \`${decision.step}\` failed: ${st?.failure?.detail ?? ''}${exit}`, tone: 'failed', isBold: true},
					...failureWhy(state, decision.step),
				],
				actions: decision.canRollback ? ['retry', 'skip', 'rollback', 'abort'] : ['retry', 'skip', 'abort'],
			};
		}
		case 'window': {
			const window = state.runbook!.window!;
			const opens =
				decision.opensAt === undefined
					? 'it does not open again'
					: `opens ${describeWall(window.timezone, decision.opensAt)} (in ${opensIn(sessionTimeAt(state, decision.opensAt) - now)})`;
			return {
				lines: [
					{text: `⛔ Outside the deploy window: \`${decision.step}\` may not start`, tone: 'failed', isBold: true},
					{text: `  ${describeWindow(window)}; ${opens}`},
				],
				actions: ['override', 'abort'],
				hints: {override: 'start anyway (reason)'},
			};
		}
		case 'approval': {
			const more = decision.need - decision.have;
			return {
				lines: [
					{
						text: `⏳ Waiting for ${more} more approval${more === 1 ? '' : 's'}${decision.until !== undefined ? ` (${countdown(decision.until - now)} left)` : ''}`,
						tone: 'waiting',
						isBold: true,
					},
					{text: '  From another terminal, with another key:'},
					{text: `  runbook approve${sessionDir ? ` ${sessionDir}` : ''}`},
				],
				actions: ['abort'],
			};
		}
		case 'signoff':
			return {
				lines: [{text: `Sign-off: ${decision.role}`, tone: 'accent', isBold: true}],
				entry: {label: 'Your name:', text: typed, ...at, isMasked: false},
				actions: ['confirm', 'cancel'],
				hints: {confirm: 'sign', cancel: 'abort'},
			};
	}
}

const reasonWords: Record<FailureReason, string> = {
	'exit-code': 'the command exited non-zero',
	expect: 'its output did not match `expect`',
	timeout: 'it ran past its timeout and was stopped',
	cancelled: 'the operator cancelled it',
	check: 'a check was answered failed',
	capture: 'its output could not be captured',
	spawn: 'the command could not start',
	lost: 'its runner stopped while it ran',
	approval: 'the approvals did not come',
};

/** How many of the last stderr lines the failure menu shows. */
const stderrLinesShown = 5;

/** Why a step failed: the reason in words, the exit, and the last lines it wrote to stderr. */
function failureWhy(state: RunState, step: string): PromptLine[] {
	const st = state.steps[step];
	if (!st?.failure) return [];
	const exit = st.lastExit ? describeExit(st.lastExit.code, st.lastExit.signal) : 'no exit code';
	const output = state.output?.step === step ? state.output : undefined;
	const stderr = output
		? [...output.lines.filter((line) => line.isErr).map((line) => line.text), output.partial.err]
				.filter((text) => text.trim() !== '')
				.slice(-stderrLinesShown)
		: [];
	return [
		{text: `  why: ${reasonWords[st.failure.reason]} · ${exit}`},
		...(stderr.length > 0
			? [
					{
						text: `  last ${stderr.length === 1 ? 'line' : `${stderr.length} lines`} of stderr:`,
						tone: 'muted' as const,
					},
					...stderr.map((text) => ({text: `  ! ${terminalOutput(text)}`, tone: 'waiting' as const})),
				]
			: []),
	];
}

// The `?` overlay: every key that works on the screen under it, from the one key table, and the
// keys of a text field. It takes the prompt area's place; Esc or `?` closes it.
/** The overlay over `under` (the prompt at a menu); `keys` replaces its keys (a replay's own). */
/** More keys than this, and a screen's own keys are listed two a row. */
const maxOverlayRows = 12;

export function helpOverlay(under: PromptModel, keys?: KeyAction[]): PromptModel {
	const shown = keys ? keyList(keys) : keyList([...under.actions, ...(under.quietActions ?? [])], under.hints);
	const rows = [...shown, ...(keys ? [] : editingKeys)];
	const width = Math.max(...rows.map((k) => k.label.length));
	const keyRows = shown.map((k) => `  ${k.label.padEnd(width)}  ${k.hint}`);
	// A screen with many keys of its own (a replay's) shows them two a row, so the overlay fits 24 rows.
	const paired =
		keys && keyRows.length > maxOverlayRows
			? keyRows
					.filter((_, i) => i % 2 === 0)
					.map((row, i) =>
						`${row.padEnd(Math.max(...keyRows.map((r) => r.length)) + 2)}${keyRows[i * 2 + 1]?.trimStart() ?? ''}`.trimEnd(),
					)
			: keyRows;
	return {
		lines: [
			{text: 'Keys on this screen', tone: 'accent', isBold: true},
			...paired.map((text) => ({text})),
			...(keys
				? []
				: [
						{text: 'In a text field', tone: 'accent' as const, isBold: true},
						...editingKeys.map((k) => ({text: `  ${k.label.padEnd(width)}  ${k.hint}`})),
					]),
		],
		// `?` closes it too; the hint line names one way out.
		actions: ['back'],
		hints: {back: 'close'},
	};
}

/** How long until the window opens: whole minutes, rounded up, until its last minute (as a countdown). */
function opensIn(leftUs: number): string {
	const leftMs = Math.max(0, Math.round(leftUs / 1000));
	return leftUs > countdownMinutesAboveUs ? duration(Math.ceil(leftMs / 60_000) * 60_000) : duration(leftMs);
}
