// `{{ var }}` substitution. In shell text a value always becomes exactly one word, whatever
// quoting context it lands in, so a value can never turn into shell syntax. Pure.

const reference = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const anyBraces = /\{\{([^}]*)\}\}/g;

const wholeReference = /^\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}$/;

// Both scans below run for every command of a runbook when it is loaded: a plain loop over
// the matches, and none at all for a text without `{{`.

/** The variable names a text refers to, in order of first use. */
export function templateNames(text: string): string[] {
	const names: string[] = [];
	if (!text.includes('{{')) return names;
	reference.lastIndex = 0;
	for (let match = reference.exec(text); match; match = reference.exec(text))
		if (!names.includes(match[1]!)) names.push(match[1]!);
	return names;
}

/** `{{ ... }}` spans that are not a variable reference (`{{ db host }}`, `{{}}`). */
export function badTemplates(text: string): string[] {
	const bad: string[] = [];
	if (!text.includes('{{')) return bad;
	anyBraces.lastIndex = 0;
	for (let match = anyBraces.exec(text); match; match = anyBraces.exec(text))
		if (!wholeReference.test(match[0])) bad.push(match[0]);
	return bad;
}

/** A POSIX single-quoted word: `it's` -> `'it'\''s'`. */
export function shellQuote(value: string): string {
	return `'${value.replaceAll("'", `'\\''`)}'`;
}

type Context = 'plain' | 'single' | 'double';

/** Every character `renderShell` looks at one by one; any other is copied as it is in every context. */
const shellSpecial = /[{'"\\$)]/g;

/** How a var reaches the shell: its value as text, or a reference to the environment variable that holds it. */
export type ShellValue = string | {envName: string};

/** The shell text for one substitution, exactly one word in `context`. */
function shellWord(value: ShellValue, context: Context): string {
	if (typeof value !== 'string') {
		const reference = `\${${value.envName}}`;
		return context === 'double' ? reference : context === 'single' ? `'"${reference}"'` : `"${reference}"`;
	}
	if (context === 'double') return value.replace(/[\\$`"]/g, '\\$&');
	return context === 'single' ? `'${shellQuote(value)}'` : shellQuote(value);
}

/**
 * Substitutes every `{{ name }}` in shell text. Outside quotes the value becomes a single-quoted
 * word; inside double quotes it is escaped; inside single quotes the quote is closed around it.
 * A value given as `{envName}` becomes a double-quoted reference to that variable instead, so
 * the value itself never appears in the script. `lookup` returns undefined for a name it does
 * not know, which leaves the reference as it is.
 */
export function renderShell(text: string, lookup: (name: string) => ShellValue | undefined): string {
	// Without a reference, every character is copied as it is.
	if (!text.includes('{{')) return text;
	let out = '';
	const stack: Context[] = ['plain'];
	for (let i = 0; i < text.length;) {
		// Characters that start no reference and change no quoting context are copied in one go.
		shellSpecial.lastIndex = i;
		const special = shellSpecial.exec(text)?.index ?? text.length;
		if (special > i) {
			out += text.slice(i, special);
			i = special;
			continue;
		}
		const context = stack.at(-1)!;
		if (text.startsWith('{{', i)) {
			const match = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/.exec(text.slice(i));
			const value = match ? lookup(match[1]!) : undefined;
			if (match && value !== undefined) {
				out += shellWord(value, context);
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
		} else if (context === 'double' && ch === '"') {
			stack.pop();
		} else if (context === 'plain' && ch === "'") {
			stack.push('single');
		} else if (ch === '"') {
			stack.push('double');
		} else if (ch === '$' && text[i] === '(') {
			// A command substitution starts a fresh quoting context, even inside double quotes.
			out += '(';
			i++;
			stack.push('plain');
		} else if (ch === ')' && context === 'plain' && stack.length > 1) {
			stack.pop();
		}
	}
	return out;
}

/** Substitutes `{{ name }}` as plain text, for values that no shell parses (env values, cwd). */
export function renderText(text: string, lookup: (name: string) => string | undefined): string {
	return text.replace(reference, (whole, name: string) => lookup(name) ?? whole);
}
