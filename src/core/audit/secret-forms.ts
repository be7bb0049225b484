// The encodings a secret value is commonly printed in, each as the exact text to look for. Pure.
//
// Known limits: encodings with mixed-case hex within one value, base64 wrapped at a width other
// than 76, and double encodings are not listed.

/** GNU `base64` wraps its output at this many columns by default. */
const base64Columns = 76;

/** Every encoded form of `value`, unfiltered: raw, base64 family, URL family, JSON family, hex. */
export function encodedForms(value: string): string[] {
	const bytes = Buffer.from(value);
	const hex = bytes.toString('hex');
	return [value, ...base64Forms(bytes), ...urlForms(value, bytes), ...jsonForms(value), hex, hex.toUpperCase()];
}

/**
 * Base64 and base64url at each of the three byte alignments: only the characters whose 6 bits
 * all come from the secret, whatever surrounds it. Also base64 with a line break every 76
 * columns, for every column the value may start at.
 */
function base64Forms(bytes: Buffer): string[] {
	const forms: string[] = [];
	for (let shift = 0; shift < 3; shift++) {
		const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
		const first = Math.ceil((8 * shift) / 6);
		const last = Math.floor((8 * (shift + bytes.length) - 6) / 6);
		const stable = encoded.slice(first, last + 1);
		forms.push(stable, stable.replace(/\+/g, '-').replace(/\//g, '_'), ...wrappedForms(stable, base64Columns));
	}
	return forms;
}

/** `text` broken by a newline every `columns` characters, for each column its first character may fall in. */
export function wrappedForms(text: string, columns: number): string[] {
	const forms = new Set<string>();
	for (let column = 0; column < columns; column++) {
		let wrapped = '';
		for (let at = 0; at < text.length; at++) {
			if (at > 0 && (column + at) % columns === 0) wrapped += '\n';
			wrapped += text[at];
		}
		if (wrapped !== text) forms.add(wrapped);
	}
	return [...forms];
}

/** Bytes outside `keep` as `%XX`, in upper and lower case hex; `space` is what a space becomes. */
function percentEncoded(bytes: Buffer, keep: RegExp, space?: string): string[] {
	let upper = '';
	for (const byte of bytes) {
		const char = String.fromCharCode(byte);
		if (space !== undefined && byte === 0x20) upper += space;
		else if (byte < 0x80 && keep.test(char)) upper += char;
		else upper += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
	}
	const lower = upper.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
	return [upper, lower];
}

/**
 * JavaScript's `encodeURIComponent`, Python's `quote(s, safe='')` and `quote_plus`, HTML form
 * encoding (`+` for a space), and every byte escaped; hex in upper and lower case.
 */
function urlForms(value: string, bytes: Buffer): string[] {
	const component = encodeURIComponent(value);
	return [
		component,
		component.replace(/%20/g, '+'),
		new URLSearchParams({v: value}).toString().slice(2),
		...percentEncoded(bytes, /[A-Za-z0-9_.~-]/),
		...percentEncoded(bytes, /[A-Za-z0-9_.~-]/, '+'),
		...percentEncoded(bytes, /(?!)/),
	];
}

/** A UTF-16 code unit as a JSON `\uXXXX` escape. */
function unicodeEscape(char: string, isUpper: boolean): string {
	const hex = char.charCodeAt(0).toString(16).padStart(4, '0');
	return `\\u${isUpper ? hex.toUpperCase() : hex}`;
}

/** A JSON string's inside: as `JSON.stringify` writes it, with non-ASCII escaped (Python's default), and every character escaped. */
function jsonForms(value: string): string[] {
	const plain = JSON.stringify(value).slice(1, -1);
	const units = value.split('');
	const forms = [plain];
	for (const isUpper of [false, true]) {
		forms.push(plain.replace(/[\u0080-\uffff]/g, (char) => unicodeEscape(char, isUpper)));
		forms.push(units.map((char) => unicodeEscape(char, isUpper)).join(''));
	}
	return forms;
}
