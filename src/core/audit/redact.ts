// Redaction before anything is hashed, written or drawn: declared secret values in the forms
// they are usually printed in, and well-known token shapes. Streaming: a secret split across
// chunks is still caught, by holding back the end of each chunk until the next; a possible start
// of a secret is held however long the pause, until it is resolved or the stream ends. Pure.
//
// Known limits: a secret transformed beyond the forms in secret-forms.ts, or with escape
// sequences inside it, is not caught.
import {encodedForms} from './secret-forms.js';

import {minSecretLength} from '../runbook/model.js';

export {minSecretLength};

type Needle = {text: string; name: string};

/**
 * A shape of token worth masking wherever it appears; `group` is the part to mask (whole match
 * when absent). `needs`: literals every match contains one of; a text with none of them cannot
 * match, and a search for a literal is far cheaper than trying the pattern at every position.
 */
type TokenRule = {name: string; pattern: RegExp; group?: number; needs: string[]};

const tokenRules: TokenRule[] = [
	{name: 'aws-access-key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, needs: ['AKIA', 'ASIA']},
	{
		name: 'github-token',
		pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g,
		needs: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
	},
	{name: 'stripe-key', pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,99}\b/g, needs: ['_live_', '_test_']},
	{
		name: 'url-password',
		pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]{1,128}:([^\s@/]{1,256})@/gi,
		group: 1,
		needs: ['://'],
	},
];

const pemBegin = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const pemBlock = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g;
/** An unfinished private key block is held back until its END, up to this many characters. */
const pemMaxChars = 64 * 1024;
/** A token shape that is not complete yet, at the end of a word. */
const unfinishedTokens = [
	/\b(?:AKIA|ASIA)[0-9A-Z]{0,15}$/,
	/\bgh[pousr]_[A-Za-z0-9]{0,255}$/,
	/\bgithub_pat_[A-Za-z0-9_]{0,255}$/,
	/\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{0,99}$/,
	/\b[a-z][a-z0-9+.-]*:\/{1,2}(?:[^\s/:@]{1,128}(?::[^\s@/]{0,256})?)?$/i,
];
/** The literal starts of the token shapes: a word ending in the first letters of one may become a token. */
const tokenOpenings = [
	'AKIA',
	'ASIA',
	'ghp_',
	'gho_',
	'ghu_',
	'ghs_',
	'ghr_',
	'github_pat_',
	'sk_live_',
	'sk_test_',
	'rk_live_',
	'rk_test_',
];
/** Enough to hold the longest token shape above. */
const tokenMaxChars = 400;

/** The forms a secret value is masked in (see secret-forms.ts), each long enough to mask safely. */
export function secretForms(value: string): string[] {
	return [...new Set(encodedForms(value))].filter((form) => form.length >= minSecretLength);
}

export type Redacted = {text: string; count: number};

/** Masks secrets and token shapes in a stream of text, chunk by chunk. */
export class StreamRedactor {
	private needles: Needle[] = [];
	private carry = '';

	constructor(secrets: Array<{name: string; value: string}> = []) {
		for (const secret of secrets) this.addSecret(secret.name, secret.value);
	}

	/** Registers a secret learned during the run (a secret answer, for example). */
	addSecret(name: string, value: string): void {
		const lines = value.includes('\n') ? value.split(/\r?\n/).filter((line) => line.length >= minSecretLength) : [];
		const known = new Set(this.needles.map((needle) => needle.text));
		for (const part of [value, ...lines]) {
			for (const form of secretForms(part)) {
				if (!known.has(form)) this.needles.push({text: form, name});
				known.add(form);
			}
		}
		// Longest first, so a secret that contains another is masked whole. Sorted in place: forks share the list.
		this.needles.sort((a, b) => b.text.length - a.text.length);
	}

	/** A redactor for another stream: the same secrets, nothing held back yet. */
	fork(): StreamRedactor {
		const copy = new StreamRedactor();
		copy.needles = this.needles;
		return copy;
	}

	/**
	 * Masked text that is safe to emit now. Held back is only what could still become a match:
	 * the longest tail that begins a secret form, a trailing run of non-space characters (token
	 * shapes have no spaces), or an unfinished private key block. A whole line goes out at once.
	 */
	push(text: string): Redacted {
		const whole = this.carry + text;
		let cut = Math.min(whole.length - this.partialNeedleAt(whole), trailingWordAt(whole), partialPemHeaderAt(whole));
		// An unfinished private key block waits for its END (or is masked whole once too long).
		const open = openPemAt(whole);
		if (open !== undefined && whole.length - open < pemMaxChars) cut = Math.min(cut, open);
		const {text: masked, count, safeEnd} = maskUpTo(whole, cut, this.needles);
		this.carry = whole.slice(safeEnd);
		return {text: masked, count};
	}

	/** How long the tail of `text` is that some secret form starts with (0: none). */
	private partialNeedleAt(text: string): number {
		const longest = Math.min(text.length, (this.needles[0]?.text.length ?? 1) - 1);
		for (let length = longest; length > 0; length--) {
			const tail = text.slice(-length);
			if (this.needles.some((n) => n.text.startsWith(tail))) return length;
		}
		return 0;
	}

	/**
	 * What is held back, unmasked: the end of the stream not yet emitted. Its bytes are not
	 * recorded yet, so a later runner reads them again from the spool.
	 */
	get held(): string {
		return this.carry;
	}

	/**
	 * For a pause in the stream (no output for a while): masks and returns what is held back
	 * that can no longer become a secret, and keeps holding only a tail that may still start
	 * one: the start of a declared secret in any of its forms (at most the longest form), an
	 * unfinished token shape, or an unfinished private key block. However long the pause, that
	 * tail stays held until more output resolves it or `end()` is called at the end of the step.
	 */
	settle(): Redacted {
		const whole = this.carry;
		let cut = Math.min(whole.length - this.partialNeedleAt(whole), unfinishedTokenAt(whole));
		const open = openPemAt(whole);
		if (open !== undefined && whole.length - open < pemMaxChars) cut = Math.min(cut, open);
		const {text, count, safeEnd} = maskUpTo(whole, cut, this.needles);
		this.carry = whole.slice(safeEnd);
		return {text, count};
	}

	/**
	 * Everything held back, masked: for the end of the step (or of its watch, when the runner
	 * leaves). A tail released here that was the start of a secret is not masked, so call it only
	 * when no more output can follow; `settle()` is the one for a pause. The stream may go on.
	 */
	end(): Redacted {
		const rest = this.carry;
		this.carry = '';
		const {text, count} = maskUpTo(rest, rest.length, this.needles, true);
		return {text, count};
	}

	/** Masks a whole text at once (a reason, a note, a command line). */
	redact(text: string): Redacted {
		return maskUpTo(text, text.length, this.needles, true);
	}
}

/** Where an unfinished last line starts if it could still become a private key's BEGIN line. */
function partialPemHeaderAt(text: string): number {
	const start = text.lastIndexOf('\n') + 1;
	const line = text.slice(start);
	const opening = '-----BEGIN ';
	const couldBe =
		line.length <= opening.length
			? opening.startsWith(line) && line.length > 0
			: line.startsWith(opening) && /^[A-Z0-9 ]*-{0,5}$/.test(line.slice(opening.length));
	return couldBe ? start : text.length;
}

/** Where a trailing run of non-space characters starts, if it is short enough to become a token. */
function trailingWordAt(text: string): number {
	// Scanned backwards: a regex like /\S+$/ would be tried from every position of the chunk.
	let start = text.length;
	while (start > 0 && !isSpaceAt(text, start - 1) && text.length - start < tokenMaxChars) start--;
	return text.length - start < tokenMaxChars ? start : text.length;
}

/** `/\s/` on one character, without a regex call for ASCII (this runs on every chunk of output). */
function isSpaceAt(text: string, at: number): boolean {
	const code = text.charCodeAt(at);
	if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
	return /\s/.test(text[at]!);
}

/** Where an unfinished token shape may start in the trailing word, if it may. */
function unfinishedTokenAt(text: string): number {
	const start = trailingWordAt(text);
	const word = text.slice(start);
	let at = word.length;
	for (const pattern of unfinishedTokens) {
		const found = pattern.exec(word);
		if (found) at = Math.min(at, found.index);
	}
	for (const opening of tokenOpenings) {
		for (let length = Math.min(opening.length - 1, word.length); length > 0; length--) {
			const from = word.length - length;
			if (word.endsWith(opening.slice(0, length)) && (from === 0 || /\W/.test(word[from - 1]!)))
				at = Math.min(at, from);
		}
	}
	return start + at;
}

/** Masks matches in `text`, emitting up to `cut` (extended to the end of any match that crosses it). */
function maskUpTo(
	text: string,
	cut: number,
	needles: Needle[],
	isFinal = false,
): {text: string; count: number; safeEnd: number} {
	const matches: Array<{start: number; end: number; name: string}> = [];
	for (const needle of needles) {
		for (let at = text.indexOf(needle.text); at !== -1; at = text.indexOf(needle.text, at + 1))
			matches.push({start: at, end: at + needle.text.length, name: needle.name});
	}
	for (const rule of tokenRules) {
		if (!rule.needs.some((literal) => text.includes(literal))) continue;
		for (const m of text.matchAll(rule.pattern)) {
			const start = m.index + (rule.group ? m[0].indexOf(m[rule.group]!) : 0);
			matches.push({start, end: start + (rule.group ? m[rule.group]!.length : m[0].length), name: rule.name});
		}
	}
	for (const m of text.matchAll(pemBlock))
		matches.push({start: m.index, end: m.index + m[0].length, name: 'private-key'});
	if (isFinal) {
		const open = openPemAt(text);
		if (open !== undefined) matches.push({start: open, end: text.length, name: 'private-key'});
	}
	// Leftmost first, longest first; overlapping matches merge into one mask.
	matches.sort((a, b) => a.start - b.start || b.end - a.end);
	let out = '';
	let at = 0;
	let count = 0;
	let safeEnd = cut;
	for (const m of matches) {
		if (m.start >= safeEnd) break;
		if (m.end <= at) continue;
		const start = Math.max(m.start, at);
		out += `${text.slice(at, start)}[REDACTED:${m.name}]`;
		at = m.end;
		count++;
		if (m.end > safeEnd) safeEnd = m.end;
	}
	out += text.slice(at, Math.max(at, safeEnd));
	return {text: out, count, safeEnd: Math.max(at, safeEnd)};
}

/** Where an unfinished private key block starts, if there is one. */
function openPemAt(text: string): number | undefined {
	const begin = pemBegin.exec(text);
	if (!begin) return undefined;
	let last: number | undefined;
	for (let i = text.search(pemBegin); i !== -1;) {
		const rest = text.slice(i);
		const block = /^-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/.exec(rest);
		if (!block) {
			last = i;
			break;
		}
		const next = rest.slice(block[0].length).search(pemBegin);
		i = next === -1 ? -1 : i + block[0].length + next;
	}
	return last;
}
