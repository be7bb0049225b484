// renderShell copies runs of ordinary characters at once; it must give exactly what the plain
// character-by-character walk gives, in every quoting context.
import fc from 'fast-check';
import {expect, it} from 'vitest';
import {renderShell, shellQuote, type ShellValue} from '../../src/core/runbook/template.js';

type Context = 'plain' | 'single' | 'double';

/** The walk one character at a time, as renderShell was written first. */
function renderOneByOne(text: string, lookup: (name: string) => ShellValue | undefined): string {
	const word = (value: ShellValue, context: Context) => {
		if (typeof value !== 'string') {
			const reference = `\${${value.envName}}`;
			return context === 'double' ? reference : context === 'single' ? `'"${reference}"'` : `"${reference}"`;
		}
		if (context === 'double') return value.replace(/[\\$`"]/g, '\\$&');
		return context === 'single' ? `'${shellQuote(value)}'` : shellQuote(value);
	};
	let out = '';
	const stack: Context[] = ['plain'];
	for (let i = 0; i < text.length;) {
		const context = stack.at(-1)!;
		if (text.startsWith('{{', i)) {
			const match = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/.exec(text.slice(i));
			const value = match ? lookup(match[1]!) : undefined;
			if (match && value !== undefined) {
				out += word(value, context);
				i += match[0].length;
				continue;
			}
		}
		const ch = text[i]!;
		out += ch;
		i++;
		if (context === 'single') {
			if (ch === "'") stack.pop();
		} else if (ch === '\\' && i < text.length) {
			out += text[i];
			i++;
		} else if (context === 'double' && ch === '"') stack.pop();
		else if (context === 'plain' && ch === "'") stack.push('single');
		else if (ch === '"') stack.push('double');
		else if (ch === '$' && text[i] === '(') {
			out += '(';
			i++;
			stack.push('plain');
		} else if (ch === ')' && context === 'plain' && stack.length > 1) stack.pop();
	}
	return out;
}

it('renders every command as the walk one character at a time does', () => {
	const piece = fc.constantFrom(
		'{{ a }}',
		'{{b}}',
		'{{ secret }}',
		'{{ nope }}',
		'{{',
		'}}',
		'{',
		"'",
		'"',
		'\\',
		'$(',
		'$',
		'(',
		')',
		' ',
		'x',
		'echo ',
		'`',
		'\n',
	);
	const lookup = (name: string): ShellValue | undefined =>
		name === 'a'
			? "it's $HOME"
			: name === 'b'
				? 'b"\\'
				: name === 'secret'
					? {envName: 'RUNBOOK_SECRET_secret'}
					: undefined;
	fc.assert(
		fc.property(fc.array(piece, {maxLength: 30}), (pieces) => {
			const text = `{{ a }}${pieces.join('')}`;
			expect(renderShell(text, lookup)).toBe(renderOneByOne(text, lookup));
		}),
		{numRuns: 5000},
	);
});
