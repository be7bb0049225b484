// One line of text asked before any screen (resume's and approve's typed answers), edited as every
// text field of the run is (line-editor.ts): Left, Right, Home and End move the cursor, typing
// inserts at it, Backspace, Ctrl-W and Ctrl-U delete, and several keys in one read are each read.
import {Text, useInput} from 'ink';
import {useEffect, useRef, useState} from 'react';
import {editKeyOf, keystrokesOf} from '../keystrokes.js';
import {editField, fieldParts, insertText, type LineField} from '../line-editor.js';

/** Asks `question`; `onAnswer` gets the line at Enter (trimmed), or '' at Ctrl-C. */
export function LineQuestion({question, onAnswer}: {question: string; onAnswer: (answer: string) => void}) {
	// The field each key edits: the one the key before it left, rendered or not yet.
	const field = useRef<LineField>({text: ''});
	const [shown, setShown] = useState<LineField>(field.current);
	const [answer, setAnswer] = useState<string>();
	useInput(
		(input, key) => {
			for (const stroke of keystrokesOf(input, key)) {
				if (stroke.key.return) return setAnswer(field.current.text.trim());
				if (stroke.key.ctrl && stroke.input === 'c') return setAnswer('');
				const edit = editKeyOf(stroke);
				if (edit) field.current = editField(field.current, edit);
				else if (!stroke.key.ctrl && !stroke.key.meta) field.current = insertText(field.current, stroke.input);
			}
			setShown(field.current);
		},
		{isActive: answer === undefined},
	);
	// Handed over once the answered line (without its cursor) is drawn, so it stays on the terminal.
	const isHandedOver = useRef(false);
	useEffect(() => {
		if (answer === undefined || isHandedOver.current) return;
		isHandedOver.current = true;
		onAnswer(answer);
	}, [answer, onAnswer]);
	if (answer !== undefined)
		return (
			<Text>
				{question}
				{shown.text}
			</Text>
		);
	const {before, under, after} = fieldParts(shown);
	return (
		<Text>
			{question}
			{before}
			<Text inverse>{under}</Text>
			{after}
		</Text>
	);
}
