import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import {editField, fieldParts, insertText, type LineField} from '../../src/ui/line-editor.js';
import {editKeyOf, keystrokesOf} from '../../src/ui/keystrokes.js';
import type {Key} from 'ink';

const noKey = keystrokesOf('a', {} as Key)[0]!.key;
const at = (text: string, cursor?: number): LineField => ({text, ...(cursor !== undefined ? {cursor} : {})});

describe('a text field edits as readline does', () => {
	it('types at the cursor, moves with Left, Right, Home and End, and deletes before the cursor', () => {
		let field = insertText(at(''), 'deploy now');
		field = editField(field, 'left');
		field = editField(field, 'left');
		field = insertText(field, 'X');
		expect(field).toEqual({text: 'deploy nXow', cursor: 9});
		field = editField(editField(field, 'home'), 'right');
		field = editField(field, 'backspace');
		expect(field).toEqual({text: 'eploy nXow', cursor: 0});
		expect(editField(field, 'end')).toEqual({text: 'eploy nXow', cursor: 10});
	});

	it('Ctrl-W deletes the word before the cursor, Ctrl-U everything before it', () => {
		expect(editField(at('roll back now  '), 'delete-word')).toEqual({text: 'roll back ', cursor: 10});
		expect(editField(at('roll back now', 9), 'delete-to-start')).toEqual({text: ' now', cursor: 0});
	});

	it('counts wide characters and emoji as one each, and drops control characters typed in', () => {
		expect(editField(at('ok 🚀'), 'backspace')).toEqual({text: 'ok ', cursor: 3});
		expect(insertText(at('a'), 'b\u0007c')).toEqual({text: 'abc', cursor: 3});
	});

	it('never puts the cursor outside the text, and draws every character once, whatever keys come', () => {
		const editKeys = ['backspace', 'delete-word', 'delete-to-start', 'left', 'right', 'home', 'end'] as const;
		const step = fc.oneof(
			fc.constantFrom(...editKeys).map((key) => (field: LineField) => editField(field, key)),
			fc.string({maxLength: 3}).map((text) => (field: LineField) => insertText(field, text)),
		);
		fc.assert(
			fc.property(fc.string(), fc.array(step), (start, steps) => {
				const field = steps.reduce((f, apply) => apply(f), at(start.replace(/[\u0000-\u001f\u007f-\u009f]/g, '')));
				const length = [...field.text].length;
				const cursor = field.cursor ?? length;
				expect(cursor).toBeGreaterThanOrEqual(0);
				expect(cursor).toBeLessThanOrEqual(length);
				const {before, under, after} = fieldParts(field);
				expect(before + (cursor < length ? under : '') + after).toBe(field.text);
			}),
		);
	});
});

describe('one read of several keys is several keys', () => {
	it('splits three Backspaces in one read into three, and a burst with Enter into keys and Enter', () => {
		const backspaces = keystrokesOf('\u007f\u007f\u007f', noKey);
		expect(backspaces.map(editKeyOf)).toEqual(['backspace', 'backspace', 'backspace']);
		const burst = keystrokesOf('arescheduled\r', noKey);
		expect(burst.map((s) => s.input).join('')).toBe('arescheduled');
		expect(burst.at(-1)!.key.return).toBe(true);
		expect(keystrokesOf('\u0015\u0017', noKey).map(editKeyOf)).toEqual(['delete-to-start', 'delete-word']);
	});
});
