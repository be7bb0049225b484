// Every shortcut in one table: the key handler asks it what a key means, the hint line draws it.
import type {Key} from 'ink';
import {fit} from './format.js';

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
	| 'quit'
	| 'scroll'
	| 'select-step'
	| 'open-output'
	| 'pager-search'
	| 'next-match'
	| 'top'
	| 'bottom'
	| 'scroll-output'
	| 'close-pager'
	| 'help'
	| ReplayPlayerAction;

/** A replay player's own keys: seeking, the list of phases and steps, the search of all output. */
export type ReplayPlayerAction =
	| 'seek-back'
	| 'seek-forward'
	| 'seek-start'
	| 'seek-end'
	| 'seek-tenth'
	| 'jump-list'
	| 'list-move'
	| 'list-start'
	| 'list-end'
	| 'search'
	| 'search-next';

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
	{
		action: 'scroll',
		label: '↑↓ PgUp PgDn',
		hint: 'scroll the command',
		matches: (_, key) => key.upArrow || key.downArrow || key.pageUp || key.pageDown,
	},
	{
		action: 'select-step',
		label: '↑↓',
		hint: 'select a step',
		matches: (_, key) => key.upArrow || key.downArrow,
	},
	{action: 'open-output', label: 'o', hint: "the step's output", matches: (input) => input === 'o'},
	{action: 'pager-search', label: '/', hint: 'search', matches: (input) => input === '/'},
	{action: 'next-match', label: 'n', hint: 'next match', matches: (input) => input === 'n'},
	{action: 'top', label: 'g', hint: 'top', matches: (input, key) => input === 'g' || key.home},
	{action: 'bottom', label: 'G', hint: 'bottom', matches: (input, key) => input === 'G' || key.end},
	{
		action: 'scroll-output',
		label: '↑↓ PgUp PgDn',
		hint: 'scroll',
		matches: (_, key) => key.upArrow || key.downArrow || key.pageUp || key.pageDown,
	},
	{action: 'close-pager', label: 'q', hint: 'back', matches: (input, key) => input === 'q' || key.escape},
	{action: 'help', label: '?', hint: 'keys', matches: (input) => input === '?'},
	{action: 'seek-back', label: '←', hint: 'back 10s', matches: (_, key) => key.leftArrow},
	{action: 'seek-forward', label: '→', hint: 'on 10s', matches: (_, key) => key.rightArrow},
	{action: 'seek-start', label: 'Home', hint: 'to the start', matches: (_, key) => key.home},
	{action: 'seek-end', label: 'End', hint: 'to the end', matches: (_, key) => key.end},
	{action: 'seek-tenth', label: '0-9', hint: 'to that tenth of the session', matches: (input) => /^[0-9]$/.test(input)},
	{action: 'jump-list', label: 'l', hint: 'phases and steps', matches: (input) => input === 'l'},
	{
		action: 'list-move',
		label: '↑↓',
		hint: 'choose',
		matches: (_, key) => key.upArrow || key.downArrow || key.pageUp || key.pageDown,
	},
	{action: 'list-start', label: 'Enter', hint: 'jump to its start', matches: (_, key) => key.return},
	{action: 'list-end', label: 'e', hint: 'jump to its end', matches: (input) => input === 'e'},
	{action: 'search', label: '/', hint: 'search the output', matches: (input) => input === '/'},
	{action: 'search-next', label: 'n', hint: 'next match', matches: (input) => input === 'n'},
];

/** The keys of a text field (a value, a reason, a typed confirmation), for the `?` overlay. */
export const editingKeys: ReadonlyArray<{label: string; hint: string}> = [
	{label: '← →', hint: 'move the cursor'},
	{label: 'Home End', hint: 'to the start, to the end (also Ctrl-A, Ctrl-E)'},
	{label: 'Backspace', hint: 'delete the character before the cursor'},
	{label: 'Ctrl-W', hint: 'delete the word before the cursor'},
	{label: 'Ctrl-U', hint: 'delete everything before the cursor'},
	{label: 'Esc', hint: 'back, or start the line again'},
];

/** The action a key means among those allowed now, if any. */
export function actionFor(input: string, key: Key, allowed: readonly KeyAction[]): KeyAction | undefined {
	return bindings.find((b) => allowed.includes(b.action) && b.matches(input, key))?.action;
}

/** Each key's label and what it does here, with the hint text a screen may override per action. */
export function keyList(
	allowed: readonly KeyAction[],
	hints: Partial<Record<KeyAction, string>> = {},
): Array<{action: KeyAction; label: string; hint: string}> {
	return allowed.map((action) => {
		const b = bindings.find((x) => x.action === action)!;
		return {action, label: b.label, hint: hints[action] ?? b.hint};
	});
}

/** `Enter continue · a abort`, with the hint text a screen may override per action. */
export function keyHints(allowed: readonly KeyAction[], hints: Partial<Record<KeyAction, string>> = {}): string {
	return keyList(allowed, hints)
		.map((k) => `${k.label} ${k.hint}`)
		.join(' · ');
}

/**
 * `prefix · ` and as many hints as fit in `cols`, in order; `?` and `q` are never dropped, so the
 * way to every other key and the way out always show.
 */
export function fittedHints(prefix: string, allowed: readonly KeyAction[], cols: number): string {
	const kept: KeyAction[] = allowed.filter((a) => a === 'help' || a === 'quit');
	const optional = allowed.filter((a) => !kept.includes(a));
	const line = (shown: KeyAction[]) =>
		[prefix, keyHints(allowed.filter((a) => shown.includes(a)))].filter(Boolean).join(' · ');
	for (let count = optional.length; count > 0; count--) {
		const text = line([...optional.slice(0, count), ...kept]);
		if (text.length <= cols) return text;
	}
	// Too narrow even for those: the prefix gives way, never the way out.
	const keys = keyHints(kept);
	return prefix && prefix.length + keys.length + 3 > cols
		? `${fit(prefix, cols - keys.length - 3)} · ${keys}`
		: line(kept);
}
