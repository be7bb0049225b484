// One Ink input event as the keys it holds. Ink hands over all the plain text of one read as a
// single event: a fast typist, a paste, tmux `send-keys` or a loaded machine can put a menu key,
// the reason after it, several Backspaces and Enter in one read. Each is a key of its own here.
import type {Key} from 'ink';

export type Keystroke = {input: string; key: Key};

const noKey: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

/** A single character as the key it is, the way Ink reads it alone. */
function keystrokeOf(char: string): Keystroke {
	const code = char.codePointAt(0)!;
	if (char === '\r' || char === '\n') return {input: '', key: {...noKey, return: true}};
	if (char === '\u007f' || char === '\b') return {input: '', key: {...noKey, backspace: true}};
	if (char === '\t') return {input: '', key: {...noKey, tab: true}};
	if (char === '\u001b') return {input: '', key: {...noKey, escape: true, meta: true}};
	if (code < 0x20) return {input: String.fromCharCode(code + 0x60), key: {...noKey, ctrl: true}};
	return {input: char, key: {...noKey, shift: /[A-Z]/.test(char)}};
}

/** The keys in one event: itself when it is one key, else one keystroke per character. */
export function keystrokesOf(input: string, key: Key): Keystroke[] {
	const chars = [...input];
	// A lone key, or one Ink has named (arrows, Home, Enter, Ctrl-letter): already one keystroke.
	if (chars.length <= 1 || key.ctrl || key.meta || key.escape) return [{input, key}];
	return chars.map(keystrokeOf);
}

/** The editing key a keystroke means in a text field, if any. */
export function editKeyOf(
	stroke: Keystroke,
): 'backspace' | 'delete-word' | 'delete-to-start' | 'left' | 'right' | 'home' | 'end' | undefined {
	const {input, key} = stroke;
	if (key.backspace || key.delete) return 'backspace';
	if (key.leftArrow) return 'left';
	if (key.rightArrow) return 'right';
	if (key.home || (key.ctrl && input === 'a')) return 'home';
	if (key.end || (key.ctrl && input === 'e')) return 'end';
	if (key.ctrl && input === 'u') return 'delete-to-start';
	if (key.ctrl && input === 'w') return 'delete-word';
	return undefined;
}
