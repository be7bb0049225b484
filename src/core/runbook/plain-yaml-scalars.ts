// The scalars of the plain subset of YAML that plain-yaml.ts reads: plain ones under the YAML
// 1.2 core schema, quoted ones on one line, block ones (`|`, `>`), one-line flow collections.
// Each gives exactly what `yaml` gives, or gives up (see plain-yaml.ts). Pure.

/** Thrown to give up on the plain subset; `readPlainYaml` catches it. */
export class OutsideSubset extends Error {}

export const giveUp = (): never => {
	throw new OutsideSubset();
};

/** `key:` in a flow mapping: a plain key, then a space or the end of the line. */
const keyPattern = /^([A-Za-z_][A-Za-z0-9_.-]{0,127}):(?: +|$)/;
/** After a scalar or a flow collection: nothing, or a comment. */
export const lineRest = /^(?: +#.*| *)$/;
/** A plain scalar inside `[...]` or `{...}`: no indicator, colon or hash anywhere in it. */
const flowPlain = /^[^\s,[\]{}#&*!|>'"%@`?:-][^,[\]{}#:'"]*/;
/** Other YAML numbers (octal, hexadecimal, infinities, not-a-number): rare in a runbook. */
const otherNumber = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const floatNumber = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$|^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** A plain scalar's value under the YAML 1.2 core schema, the one `yaml` uses by default. */
export function plainValue(text: string): unknown {
	const first = text.charCodeAt(0);
	// Only these can start a null, a boolean or a number.
	if ((first >= 0x30 && first <= 0x39) || '~nNtTfF+-.'.includes(text[0]!)) {
		if (/^(?:~|[Nn]ull|NULL)$/.test(text)) return null;
		if (/^(?:[Tt]rue|TRUE)$/.test(text)) return true;
		if (/^(?:[Ff]alse|FALSE)$/.test(text)) return false;
		if (/^[-+]?[0-9]+$/.test(text)) return Number.parseInt(text, 10);
		if (floatNumber.test(text)) return Number.parseFloat(text);
		if (otherNumber.test(text)) giveUp();
	}
	return text;
}

/** Folded lines: a line break between two lines becomes a space, an empty line a line break. */
export function fold(lines: string[]): string[] {
	const out: string[] = [];
	let isAfterText = false;
	let emptyLines = 0;
	for (const line of lines) {
		if (line === '') {
			emptyLines++;
			continue;
		}
		// A more-indented line is kept as it is, with the breaks around it: left to `yaml`.
		if (line[0] === ' ' || line[0] === '\t') giveUp();
		if (isAfterText && emptyLines === 0) out[out.length - 1] += ` ${line}`;
		else {
			for (let i = isAfterText ? 1 : 0; i < emptyLines; i++) out.push('');
			out.push(line);
		}
		emptyLines = 0;
		isAfterText = true;
	}
	for (let i = 0; i < emptyLines; i++) out.push('');
	return out;
}

/** The lines as one text, its final line breaks as the chomping indicator (`-`, `+` or none) says. */
export function chomp(lines: string[], indicator: string): string {
	let end = lines.length;
	while (end > 0 && lines[end - 1] === '') end--;
	if (end === 0) return indicator === '+' ? giveUp() : '';
	const body = lines.slice(0, end).join('\n');
	if (indicator === '-') return body;
	return indicator === '+' ? `${body}\n${'\n'.repeat(lines.length - end)}` : `${body}\n`;
}

const escapes: Record<string, string> = {'\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t'};

/** A double-quoted scalar that ends on its line, and the index after its closing quote. */
export function doubleQuoted(rest: string): [string, number] {
	let out = '';
	for (let i = 1; i < rest.length; i++) {
		const char = rest[i]!;
		if (char === '"') return [out, i + 1];
		if (char === '\\') out += escapes[rest[++i] ?? ''] ?? giveUp();
		else out += char;
	}
	return giveUp();
}

/** A single-quoted scalar that ends on its line, and the index after its closing quote. */
export function singleQuoted(rest: string): [string, number] {
	let out = '';
	for (let i = 1; i < rest.length; i++) {
		if (rest[i] !== "'") out += rest[i];
		else if (rest[i + 1] === "'") out += rest[i++];
		else return [out, i + 1];
	}
	return giveUp();
}

/** `[a, b]` or `{k: v, k2: v2}` on one line, of scalars only. */
export function flowCollection(rest: string): unknown {
	const isList = rest[0] === '[';
	const close = isList ? ']' : '}';
	const items: unknown[] = [];
	const map: Record<string, unknown> = {};
	let at = 1;
	const skipSpaces = () => {
		while (rest[at] === ' ') at++;
	};
	const scalar = (): unknown => {
		const first = rest[at];
		if (first === '"' || first === "'") {
			const [text, end] = first === '"' ? doubleQuoted(rest.slice(at)) : singleQuoted(rest.slice(at));
			at += end;
			return text;
		}
		const plain = flowPlain.exec(rest.slice(at))?.[0] ?? giveUp();
		at += plain.length;
		return plainValue(plain.replace(/ +$/, ''));
	};
	skipSpaces();
	while (rest[at] !== close) {
		if (isList) items.push(scalar());
		else {
			const key = keyPattern.exec(rest.slice(at))?.[1] ?? giveUp();
			if (typeof plainValue(key) !== 'string' || key === '__proto__' || Object.hasOwn(map, key)) giveUp();
			at += key.length + 1;
			if (rest[at] !== ' ') giveUp();
			skipSpaces();
			map[key] = scalar();
		}
		skipSpaces();
		if (rest[at] === ',') {
			at++;
			skipSpaces();
			if (rest[at] === close) giveUp();
		} else if (rest[at] !== close) giveUp();
	}
	if (!lineRest.test(rest.slice(at + 1))) giveUp();
	return isList ? items : map;
}
