// The YAML side of loading a runbook: its errors in words a person can act on, its aliases
// expanded within bounds, and the place in the text a path of keys names. Pure.
import {isMap, isPair, isScalar, isSeq, type Document, type Node} from 'yaml';

/** How often one anchor may be used through aliases; a runbook needs a handful at most. */
const maxAliasCount = 100;

/** Flow collections (`[`, `{`) nested deeper than this are refused before the parser sees them. */
export const maxFlowDepth = 64;

/**
 * The offset of the first `[` or `{` nested deeper than `maxFlowDepth`, or -1. A linear scan:
 * the parser would recurse once per level and take seconds to overflow its stack on 100k of
 * them. Quotes and comments are skipped well enough for this one purpose; a miss only means the
 * parser sees the text and says the same thing more slowly.
 */
export function tooDeepFlowOffset(source: string): number {
	let depth = 0;
	let quote = '';
	for (let i = 0; i < source.length; i++) {
		const char = source[i]!;
		if (quote) {
			if (char === quote) quote = '';
			else if (char === '\\' && quote === '"') i++;
			else if (char === '\n' && quote === "'") quote = '';
			continue;
		}
		if (char === '"' || char === "'") quote = char;
		else if (char === '#' && (i === 0 || /\s/.test(source[i - 1]!))) {
			const end = source.indexOf('\n', i);
			i = end === -1 ? source.length : end;
		} else if (char === '[' || char === '{') {
			if (++depth > maxFlowDepth) return i;
		} else if ((char === ']' || char === '}') && depth > 0) depth--;
	}
	return -1;
}

/** The first line of a YAML error, without the position (the caller puts file:line:col first). */
export function yamlMessage(message: string): string {
	const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
	if (/maximum call stack/i.test(first)) return 'not valid YAML: nested too deeply';
	if (/multiple documents/i.test(first))
		return 'not valid YAML: a runbook is one YAML document; remove the `---` line that starts a second';
	return `not valid YAML: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}

/**
 * The document as plain values. Aliases are expanded here, so an alias bomb ("billion laughs")
 * or an alias to no anchor is refused with a reason instead of a stack trace or all the memory.
 */
export function toValue(
	doc: Document,
	source: string,
): {ok: true; value: unknown} | {ok: false; message: string; offset: number} {
	try {
		return {ok: true, value: doc.toJS({maxAliasCount: maxAliasCount})};
	} catch (error) {
		const message = (error as Error).message;
		const firstAlias = Math.max(0, source.search(/\*[^\s,[\]{}]/));
		if (/excessive alias count/i.test(message))
			return {
				ok: false,
				offset: firstAlias,
				message: `not valid YAML: its aliases (\`*name\`) expand too far (the limit is ${maxAliasCount}); write the values out instead`,
			};
		const unresolved = /unresolved alias[^:]*: (.*)$/i.exec(message);
		if (unresolved) {
			const name = unresolved[1]!;
			return {
				ok: false,
				offset: Math.max(0, source.indexOf(`*${name}`)),
				message: `not valid YAML: the alias \`*${name}\` names no anchor (\`&${name}\`) above it`,
			};
		}
		if (error instanceof RangeError) return {ok: false, offset: 0, message: 'not valid YAML: nested too deeply'};
		return {ok: false, offset: 0, message: `not valid YAML: ${message.split('\n')[0]}`};
	}
}

/** The byte offset of the key or value that `path` names, or of the nearest node above it. */
export function offsetOf(root: unknown, path: Array<string | number>, at: 'key' | 'value' = 'value'): number {
	let node = root as Node | null;
	let offset = (node as Node | null)?.range?.[0] ?? 0;
	for (const [i, segment] of path.entries()) {
		if (isMap(node)) {
			const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
			if (!pair) return offset;
			const isLast = i === path.length - 1;
			const key = pair.key as Node;
			if (isLast && at === 'key') return key.range?.[0] ?? offset;
			node = (pair.value as Node | null) ?? null;
			offset = node?.range?.[0] ?? key.range?.[0] ?? offset;
		} else if (isSeq(node) && typeof segment === 'number') {
			node = (node.items[segment] as Node | undefined) ?? null;
			offset = node?.range?.[0] ?? offset;
		} else {
			return offset;
		}
	}
	return offset;
}
