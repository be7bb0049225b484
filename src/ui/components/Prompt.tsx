import {Box, Text} from 'ink';
import type {PromptModel} from '../prompt-model.js';
import {keyHints} from '../keys.js';
import {columns, fit, wrap} from '../format.js';
import {fieldParts} from '../line-editor.js';
import {theme} from '../theme.js';

/** The decision at hand, the line being typed, the last problem, and the key hints. */
export function Prompt({model, problem, cols}: {model: PromptModel; problem?: string; cols: number}) {
	const entry = model.entry;
	const field = entry
		? fieldParts({...entry, text: entry.isMasked ? '•'.repeat([...entry.text].length) : entry.text})
		: undefined;
	return (
		<Box flexDirection="column">
			{model.lines.flatMap((line, i) =>
				wrap(line.text, cols, '    ').map((row, j) => (
					<Text key={`${i}.${j}`} color={line.tone ? theme[line.tone] : undefined} bold={line.isBold} wrap="truncate">
						{row}
					</Text>
				)),
			)}
			{entry ? (
				<Text wrap="truncate">
					<Text bold>{fit(entry.label, cols - 4)} </Text>
					{fit(field!.before, cols - columns(entry.label) - 3)}
					<Text inverse>{field!.under}</Text>
					{fit(field!.after, Math.max(0, cols - columns(entry.label) - 3 - columns(field!.before)))}
				</Text>
			) : null}
			{problem ? (
				<Text color={theme.failed} wrap="truncate">
					{fit(`! ${problem}`, cols)}
				</Text>
			) : null}
			{model.actions.length > 0 ? (
				<Text color={theme.muted} wrap="truncate">
					{fit(keyHints(model.actions, model.hints), cols)}
				</Text>
			) : null}
		</Box>
	);
}
