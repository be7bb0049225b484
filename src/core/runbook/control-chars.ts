// Control characters in a runbook's text (names, commands, notes, checks, prompts, values, keys)
// are refused when it is loaded: a `\r` or an escape sequence in a command could show the
// operator or an approver something other than what runs. Tab and newline stay allowed. Pure.
import {isPair, isScalar, visit, type Document, type Scalar} from 'yaml';
import {controlPattern, describeControl, isControl} from '../text/control.js';

/** A control character in the source: its offset (of the character, or of the escape that makes it). */
export type ControlProblem = {offset: number; message: string};

/** One problem per text that holds a control character, at the first one. */
export function controlCharacterProblems(doc: Document, source: string): ControlProblem[] {
	const problems: ControlProblem[] = [];
	// A scalar holds a control character only if the source has one, or an escape (`\e`) that
	// makes one; with neither, no node need be visited (a tenth of loading a 10,000-step runbook).
	if (!source.includes('\\') && !new RegExp(controlPattern.source).test(source)) return problems;
	visit(doc, {
		Scalar(key, node, path) {
			if (typeof node.value !== 'string') return;
			const char = node.value.match(new RegExp(controlPattern.source))?.[0];
			if (char === undefined) return;
			const pair = [...path].reverse().find(isPair);
			const field = key === 'key' ? 'a key' : pair && isScalar(pair.key) ? `\`${String(pair.key.value)}\`` : 'a value';
			problems.push({
				offset: offsetOf(node, source, char),
				message: `${field} holds ${describeControl(char)}, a control character, which can hide or change what a terminal shows; remove it (tab and newline are fine)`,
			});
		},
	});
	return problems;
}

const named: Record<string, string> = {
	'0': '\0',
	a: '\u0007',
	b: '\b',
	v: '\v',
	f: '\f',
	r: '\r',
	e: '\u001b',
	N: '\u0085',
};

/** Where `char` is in the source: the character itself, or the first escape (`\e`, `\x1b`, `\u202e`) that makes one. */
function offsetOf(node: Scalar, source: string, char: string): number {
	const [start, end] = node.range ?? [0, 0];
	const raw = source.slice(start, end);
	const literal = raw.indexOf(char);
	if (literal >= 0) return start + literal;
	for (const match of raw.matchAll(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0abvfreN])/g)) {
		const code = match[1]!;
		const made = code.length > 1 ? String.fromCodePoint(Number.parseInt(code.slice(1), 16)) : named[code]!;
		if (isControl(made)) return start + match.index;
	}
	return start;
}
