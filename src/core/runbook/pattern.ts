// The `pattern`s a runbook gives (vars, env rules, ask answers, expected output) are matched with
// RE2, whose time is linear in the input: a pattern like `^(a+)+$` cannot hang a run. Pure.
import {RE2JS} from 're2js';

/** Patterns compiled once each; a runbook has few, and output checks repeat them. */
const compiled = new Map<string, RE2JS>();
const maxCachedPatterns = 256;

function compile(pattern: string, isMultiline: boolean): RE2JS {
	const key = `${isMultiline ? 'm' : '-'}${pattern}`;
	let regex = compiled.get(key);
	if (regex === undefined) {
		regex = RE2JS.compile(pattern, isMultiline ? RE2JS.MULTILINE : 0);
		if (compiled.size >= maxCachedPatterns) compiled.clear();
		compiled.set(key, regex);
	}
	return regex;
}

/**
 * Why `pattern` cannot be used, or undefined when it can. RE2 has no backreferences (`\1`) and no
 * lookaround (`(?=`, `(?!`, `(?<=`); those are what make a regular expression take exponential time.
 */
export function patternProblem(pattern: string): string | undefined {
	try {
		compile(pattern, false);
		return undefined;
	} catch (error) {
		const reason = (error as Error).message.replace(/^error parsing regexp: /, '');
		return `\`${pattern}\` is not a pattern runbook can use: ${reason} (patterns are RE2: no backreferences or lookaround)`;
	}
}

/**
 * Whether `pattern` matches somewhere in `text`, like `RegExp.test`. `isMultiline` lets `^` and `$`
 * match at each line. A pattern that `patternProblem` refuses matches nothing.
 */
export function matchesPattern(pattern: string, text: string, options: {isMultiline?: boolean} = {}): boolean {
	try {
		return compile(pattern, options.isMultiline ?? false)
			.matcher(text)
			.find();
	} catch {
		return false;
	}
}
