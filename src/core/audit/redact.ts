// Redaction before anything is hashed, written or drawn: declared secret values in the forms
// they are usually printed in, and well-known token shapes. Streaming: a secret split across
// chunks is still caught, by holding back the end of each chunk until the next. Pure.
//
// Known limits: a secret printed in pieces, transformed beyond these forms, or with escape
// sequences inside it is not caught.

/** Secrets shorter than this are refused: masking them would mask ordinary words too. */
export const minSecretLength = 8;

type Needle = {text: string; name: string};

/** A shape of token worth masking wherever it appears; `group` is the part to mask (whole match when absent). */
type TokenRule = {name: string; pattern: RegExp; group?: number};

const tokenRules: TokenRule[] = [
	{name: 'aws-access-key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g},
	{name: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g},
	{name: 'stripe-key', pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,99}\b/g},
	{name: 'url-password', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]{1,128}:([^\s@/]{1,256})@/gi, group: 1},
];

const pemBegin = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const pemBlock = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g;
/** An unfinished private key block is held back until its END, up to this many characters. */
const pemMaxChars = 64 * 1024;
/** Enough to hold the longest token shape above. */
const tokenMaxChars = 400;

/** The forms a secret value is masked in: raw, base64 at each byte alignment, base64url, URL- and JSON-escaped. */
export function secretForms(value: string): string[] {
	const forms = new Set<string>([value]);
	const bytes = Buffer.from(value);
	for (let shift = 0; shift < 3; shift++) {
		const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
		// Only the characters whose 6 bits all come from the secret, whatever surrounds it.
		const first = Math.ceil((8 * shift) / 6);
		const last = Math.floor((8 * (shift + bytes.length) - 6) / 6);
		const stable = encoded.slice(first, last + 1);
		if (stable.length >= minSecretLength) {
			forms.add(stable);
			forms.add(stable.replace(/\+/g, '-').replace(/\//g, '_'));
		}
	}
	forms.add(encodeURIComponent(value));
	forms.add(JSON.stringify(value).slice(1, -1));
	return [...forms].filter((form) => form.length >= minSecretLength);
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
		for (const part of [value, ...lines]) {
			for (const form of secretForms(part)) {
				if (!this.needles.some((n) => n.text === form)) this.needles.push({text: form, name});
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

	/** What is held back, unmasked: the end of the stream not yet emitted. */
	get held(): string {
		return this.carry;
	}

	/** Everything held back, masked. Safe to call at any time: the stream goes on afterwards. */
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
	while (start > 0 && !/\s/.test(text[start - 1]!) && text.length - start < tokenMaxChars) start--;
	return text.length - start < tokenMaxChars ? start : text.length;
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
