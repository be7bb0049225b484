// What the bottom line is doing besides showing the decision: a text being typed, a reason being
// asked for, or "cancel the running step?". Screen-only state; nothing here is recorded.
import type {Intent} from '../core/run/intents.js';

export type ReasonFor = Extract<Intent, {reason: string}>['kind'] | 'fail' | 'note';

export type InputState =
	| {mode: 'keys'}
	| {mode: 'text'; text: string}
	| {mode: 'reason'; for: ReasonFor; text: string}
	| {mode: 'confirm-cancel'};

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
