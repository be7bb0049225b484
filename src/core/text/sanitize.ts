// Text from a runbook, a log, a command's output or an approval, made safe for the place it is
// written: one function per sink. The log keeps the exact bytes; these run where text meets a
// terminal or a document. Pure. Control characters and how they are shown: ./control.ts.
//
// Policy:
// - Runbook text, names, commands, reasons, notes, values (`terminalText`): every control
//   character is shown, a carriage return too (`^M`), so a `\r` can never hide the start of a
//   command. Tab and newline are kept.
// - Command output (`terminalOutput`): colour (SGR, `ESC [ … m`) is dropped, since it only tints
//   text and cannot hide any; a carriage return inside a line keeps its terminal meaning, so a
//   progress line shows its last state (later text written over earlier text, as a terminal
//   would, and what is not written over stays); CR LF ends a line. Every other control character
//   is shown. The output a `\r` overwrites is the command's own, and the log keeps every byte.
// - Markdown (`markdownText`, `markdownCode`, `markdownFence`): punctuation that Markdown or
//   HTML would act on is backslash-escaped (`&` too, so no entity can make a control character);
//   code spans and fences are longer than any backtick run inside them.
// - HTML (`htmlText`): & < > " ' as entities, controls shown.
// - asciicast (`castText`, `castOutput`): a cast is played to a viewer's terminal, so nothing in it
//   may act there: controls are shown, colour is dropped, and every line ends in CR LF. A lone
//   `\r` in output becomes a line break: the cast shows each state of a progress line.
import {showControls} from './control.js';

const colour = /\u001b\[[0-9;:]*m/g;

/** Runbook text, a name, a command, a reason, a note or a value, for a terminal. */
export function terminalText(text: string): string {
	return showControls(text);
}

/** A command's output for a terminal: colour dropped, progress lines at their last state, controls shown. */
export function terminalOutput(text: string): string {
	return text
		.replace(colour, '')
		.split('\n')
		.map((line) => showControls(lastState(line)))
		.join('\n');
}

/** A line as a terminal leaves it: each `\r` goes back to the start, and later text overwrites earlier. */
function lastState(line: string): string {
	if (!line.includes('\r')) return line;
	return line.split('\r').reduce((shown, segment) => {
		const over = [...segment];
		return over.length === 0 ? shown : `${segment}${[...shown].slice(over.length).join('')}`;
	}, '');
}

/** Inline Markdown text (a table cell, a list item): nothing in it is markup, HTML, or an entity. */
export function markdownText(text: string): string {
	return showControls(text.replace(/\n/g, ' ').replace(/[\\`*_[\]<>|~&#!]/g, '\\$&'));
}

/** An inline Markdown code span holding `text` exactly (controls shown), whatever backticks it holds. */
export function markdownCode(text: string): string {
	const shown = showControls(text.replace(/\n/g, ' '));
	const fence = '`'.repeat(longestBacktickRun(shown) + 1);
	const pad = shown.startsWith('`') || shown.endsWith('`') || /^ .* $/.test(shown) ? ' ' : '';
	return `${fence}${pad}${shown}${pad}${fence}`;
}

/**
 * A fenced Markdown code block of command output, each line prefixed by `indent`: the fence is
 * longer than any backtick run inside, so no line can close it early.
 */
export function markdownFence(lines: readonly string[], indent = ''): string[] {
	const shown = lines.map((line) => terminalOutput(line));
	const fence = '`'.repeat(Math.max(3, ...shown.map((line) => longestBacktickRun(line) + 1)));
	return [`${indent}${fence}`, ...shown.map((line) => `${indent}${line}`), `${indent}${fence}`];
}

function longestBacktickRun(text: string): number {
	return Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
}

/** Text for HTML content or an attribute value. */
export function htmlText(text: string): string {
	return showControls(text)
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

/** Runbook text, a name or a reason in a cast: controls shown, lines ending in CR LF. */
export function castText(text: string): string {
	return showControls(text.replace(/\r\n/g, '\n')).replace(/\n/g, '\r\n');
}

/** Command output in a cast: colour dropped, every line break (`\n`, `\r\n` or a lone `\r`) a CR LF, controls shown. */
export function castOutput(text: string): string {
	return text
		.replace(colour, '')
		.split(/\r\n|\r|\n/)
		.map((line) => showControls(line))
		.join('\r\n');
}
