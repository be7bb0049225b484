// What the bottom line is doing besides showing the decision: a text being typed, a reason being
// asked for, "cancel the running step?", or the list of keys. Screen-only state; nothing here is
// recorded.
import type {Intent} from '../core/run/intents.js';
import type {KeyAction} from './keys.js';
import type {LineField} from './line-editor.js';

export type ReasonFor = Extract<Intent, {reason: string}>['kind'] | 'fail' | 'note';

export type InputState = (
	| {mode: 'keys'}
	| ({mode: 'text'} & LineField)
	| ({mode: 'reason'; for: ReasonFor} & LineField)
	| {mode: 'confirm-cancel'}
	/** The `?` overlay; `keys` lists a screen's own keys (a replay's) instead of the decision's. */
	| {mode: 'help'; keys?: KeyAction[]}
) & {
	/** How many rows the command is scrolled down, at a confirmation whose command does not fit. */
	commandTop?: number;
};

export const idleInput: InputState = {mode: 'keys'};

export const reasonLabels: Record<ReasonFor, string> = {
	retry: 'Why retry?',
	skip: 'Why skip it?',
	'mark-done': 'How do you know it is done?',
	rollback: 'Why roll back?',
	abort: 'Why abort the run?',
	'end-wait': 'Why end the wait early?',
	override: 'Why go on with unmet preconditions?',
	fail: 'What failed?',
	note: 'Note for the record:',
};
