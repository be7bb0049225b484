// The `?` overlay: every key that works on the screen under it, from the one key table, and the
// keys of a text field. It takes the prompt area's place; Esc or `?` closes it.
import {editingKeys, keyList, type KeyAction} from './keys.js';
import type {PromptModel} from './prompt-model.js';

/** The overlay over `under` (the prompt at a menu); `keys` replaces its keys (a replay's own). */
export function helpOverlay(under: PromptModel, keys?: KeyAction[]): PromptModel {
	const shown = keys ? keyList(keys) : keyList([...under.actions, ...(under.quietActions ?? [])], under.hints);
	const rows = [...shown, ...(keys ? [] : editingKeys)];
	const width = Math.max(...rows.map((k) => k.label.length));
	return {
		lines: [
			{text: 'Keys on this screen', tone: 'accent', isBold: true},
			...shown.map((k) => ({text: `  ${k.label.padEnd(width)}  ${k.hint}`})),
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
