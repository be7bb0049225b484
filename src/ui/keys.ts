// Every shortcut in one table: the key handler asks it what a key means, the hint line draws it.
import type {Key} from 'ink';

export type KeyAction =
	| 'confirm'
	| 'pass'
	| 'fail'
	| 'retry'
	| 'skip'
	| 'mark-done'
	| 'rollback'
	| 'abort'
	| 'end-wait'
	| 'override'
	| 'cancel'
	| 'yes'
	| 'no'
	| 'back'
	| 'note'
	| 'pause'
	| 'next-event'
	| 'next-step'
	| 'prev-step'
	| 'next-phase'
	| 'prev-phase'
	| 'faster'
	| 'slower'
	| 'quit';

type Binding = {action: KeyAction; label: string; hint: string; matches: (input: string, key: Key) => boolean};

const bindings: Binding[] = [
	{action: 'confirm', label: 'Enter', hint: 'continue', matches: (_, key) => key.return},
	{action: 'pass', label: 'p', hint: 'passed', matches: (input) => input === 'p'},
	{action: 'fail', label: 'f', hint: 'failed', matches: (input) => input === 'f'},
	{action: 'retry', label: 'r', hint: 'retry', matches: (input) => input === 'r'},
	{action: 'skip', label: 's', hint: 'skip', matches: (input) => input === 's'},
	{action: 'mark-done', label: 'd', hint: 'mark done', matches: (input) => input === 'd'},
	{action: 'rollback', label: 'b', hint: 'roll back', matches: (input) => input === 'b'},
	{action: 'end-wait', label: 'x', hint: 'end early', matches: (input) => input === 'x'},
	{action: 'override', label: 'o', hint: 'override', matches: (input) => input === 'o'},
	{action: 'abort', label: 'a', hint: 'abort', matches: (input) => input === 'a'},
	{action: 'note', label: 'n', hint: 'note', matches: (input) => input === 'n'},
	{action: 'cancel', label: 'Ctrl-C', hint: 'cancel', matches: (input, key) => key.ctrl && input === 'c'},
	{action: 'yes', label: 'y', hint: 'yes', matches: (input) => input === 'y'},
	{action: 'no', label: 'n', hint: 'no', matches: (input, key) => input === 'n' || key.escape},
	{action: 'back', label: 'Esc', hint: 'back', matches: (_, key) => key.escape},
	{action: 'pause', label: 'space', hint: 'pause', matches: (input) => input === ' '},
	{action: 'next-event', label: '.', hint: 'one event', matches: (input) => input === '.'},
	{action: 'next-step', label: ']', hint: 'next step', matches: (input) => input === ']'},
	{action: 'prev-step', label: '[', hint: 'previous step', matches: (input) => input === '['},
	{action: 'next-phase', label: '}', hint: 'next phase', matches: (input) => input === '}'},
	{action: 'prev-phase', label: '{', hint: 'previous phase', matches: (input) => input === '{'},
	{action: 'faster', label: '>', hint: 'faster', matches: (input) => input === '>'},
	{action: 'slower', label: '<', hint: 'slower', matches: (input) => input === '<'},
	{action: 'quit', label: 'q', hint: 'quit', matches: (input, key) => input === 'q' || (key.ctrl && input === 'c')},
];

/** The action a key means among those allowed now, if any. */
export function actionFor(input: string, key: Key, allowed: readonly KeyAction[]): KeyAction | undefined {
	return bindings.find((b) => allowed.includes(b.action) && b.matches(input, key))?.action;
}

/** `Enter continue · a abort`, with the hint text a screen may override per action. */
export function keyHints(allowed: readonly KeyAction[], hints: Partial<Record<KeyAction, string>> = {}): string {
	return allowed
		.map((action) => {
			const b = bindings.find((x) => x.action === action)!;
			return `${b.label} ${hints[action] ?? b.hint}`;
		})
		.join(' · ');
}
