// A one-line text field edited as readline does: the text, a cursor, and what each editing key
// does to them. Hand-rolled because neither ink-text-input 6.0.0 nor @inkjs/ui 2.0.0's TextInput
// has Ctrl-U, Ctrl-W, Home or End, both insert a read of several Backspaces as text, and both
// start listening only after they mount, so keys in the same read as the menu key are lost.

/** `cursor`: code points before the cursor; the end of the text when absent. */
export type LineField = {text: string; cursor?: number};

export type EditKey = 'backspace' | 'delete-word' | 'delete-to-start' | 'left' | 'right' | 'home' | 'end';

const split = (field: LineField) => {
	const chars = [...field.text];
	const cursor = Math.max(0, Math.min(chars.length, field.cursor ?? chars.length));
	return {before: chars.slice(0, cursor), after: chars.slice(cursor)};
};

const join = (before: string[], after: string[]): LineField => ({
	text: before.join('') + after.join(''),
	cursor: before.length,
});

/** The field with `text` typed at the cursor (control characters dropped). */
export function insertText(field: LineField, text: string): LineField {
	const printable = [...text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '')];
	if (printable.length === 0) return field;
	const {before, after} = split(field);
	return join([...before, ...printable], after);
}

/** The field after one editing key. Ctrl-W deletes back to the start of the word, as a shell does. */
export function editField(field: LineField, key: EditKey): LineField {
	const {before, after} = split(field);
	switch (key) {
		case 'backspace':
			return join(before.slice(0, -1), after);
		case 'delete-to-start':
			return join([], after);
		case 'delete-word': {
			let start = before.length;
			while (start > 0 && /\s/.test(before[start - 1]!)) start--;
			while (start > 0 && !/\s/.test(before[start - 1]!)) start--;
			return join(before.slice(0, start), after);
		}
		case 'left':
			return join(before.slice(0, -1), [...before.slice(-1), ...after]);
		case 'right':
			return join([...before, ...after.slice(0, 1)], after.slice(1));
		case 'home':
			return join([], [...before, ...after]);
		case 'end':
			return join([...before, ...after], []);
	}
}

/** The text before the cursor, the character under it (a space at the end) and the rest, for drawing. */
export function fieldParts(field: LineField): {before: string; under: string; after: string} {
	const {before, after} = split(field);
	return {before: before.join(''), under: after[0] ?? ' ', after: after.slice(1).join('')};
}
