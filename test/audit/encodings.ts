// The ways a program prints a secret, written here independently of src/core/audit/secret-forms.ts,
// so a form missing there is a leak here. Each takes the secret and the bytes printed around it
// in the same encoded blob (which move base64 to another alignment or wrap column).

export type Encoding = {name: string; encode: (secret: string, before: string, after: string) => string};

const b64 = (text: string) => Buffer.from(text).toString('base64');
const hexByte = (byte: number) => byte.toString(16).padStart(2, '0');

/** Python's `quote(s, safe='')` (`plus`: `quote_plus`), in upper or lower case hex. */
function pythonQuote(secret: string, isUpper: boolean, plus = false): string {
	let out = '';
	for (const byte of Buffer.from(secret)) {
		const char = String.fromCharCode(byte);
		if (plus && char === ' ') out += '+';
		else if (byte < 128 && /[A-Za-z0-9_.~-]/.test(char)) out += char;
		else out += `%${isUpper ? hexByte(byte).toUpperCase() : hexByte(byte)}`;
	}
	return out;
}

function everyByte(secret: string, isUpper: boolean): string {
	const out = [...Buffer.from(secret)].map((byte) => `%${hexByte(byte)}`).join('');
	return isUpper ? out.toUpperCase() : out;
}

function everyChar(secret: string, isUpper: boolean): string {
	let out = '';
	for (let at = 0; at < secret.length; at++) {
		const hex = secret.charCodeAt(at).toString(16).padStart(4, '0');
		out += `\\u${isUpper ? hex.toUpperCase() : hex}`;
	}
	return out;
}

export const encodings: Encoding[] = [
	{name: 'raw', encode: (secret) => secret},
	{name: 'base64', encode: (secret, before, after) => b64(before + secret + after)},
	{name: 'base64url', encode: (s, before, after) => Buffer.from(before + s + after).toString('base64url')},
	// GNU `base64`: a newline after every 76 characters.
	{name: 'base64 -w 76', encode: (s, before, after) => b64(before + s + after).replace(/.{76}/g, '$&\n')},
	{name: 'encodeURIComponent', encode: (secret) => encodeURIComponent(secret)},
	{name: 'quote upper', encode: (secret) => pythonQuote(secret, true)},
	{name: 'quote lower', encode: (secret) => pythonQuote(secret, false)},
	{name: 'quote_plus', encode: (secret) => pythonQuote(secret, true, true)},
	{name: 'form', encode: (secret) => new URLSearchParams({v: secret}).toString()},
	{name: 'every byte upper', encode: (secret) => everyByte(secret, true)},
	{name: 'every byte lower', encode: (secret) => everyByte(secret, false)},
	{name: 'JSON.stringify', encode: (secret) => JSON.stringify({v: secret})},
	{
		name: 'json.dumps',
		encode: (secret) => JSON.stringify(secret).replace(/[\u0080-\uffff]/g, (c) => everyChar(c, false)),
	},
	{name: 'JSON \\u lower', encode: (secret) => `"${everyChar(secret, false)}"`},
	{name: 'JSON \\u upper', encode: (secret) => `"${everyChar(secret, true)}"`},
	{name: 'hex lower', encode: (secret) => Buffer.from(secret).toString('hex')},
	{name: 'hex upper', encode: (secret) => Buffer.from(secret).toString('hex').toUpperCase()},
];

/**
 * What of the secret must not be seen in `shown`: the encoding of the secret alone (for base64,
 * the characters that come from the secret's bits only, at its alignment), with line breaks
 * ignored for the wrapped form.
 */
export function leakIn(shown: string, secret: string, encoding: Encoding, before: string): string | undefined {
	const isBase64 = encoding.name.startsWith('base64');
	const flat = encoding.name === 'base64 -w 76' ? shown.replaceAll('\n', '') : shown;
	let needle = encoding.encode(secret, '', '');
	if (isBase64) {
		const lead = Buffer.byteLength(before) % 3;
		const whole = encoding.encode(secret, 'x'.repeat(lead), '').replaceAll('\n', '');
		const first = Math.ceil((8 * lead) / 6);
		const last = Math.floor((8 * (lead + Buffer.byteLength(secret)) - 6) / 6);
		needle = whole.slice(first, last + 1);
	} else if (encoding.name === 'form') needle = needle.slice(2);
	else if (encoding.name.startsWith('JSON') || encoding.name === 'json.dumps') needle = needle.slice(1, -1);
	if (encoding.name === 'JSON.stringify') needle = JSON.stringify(secret).slice(1, -1);
	return flat.includes(needle) ? needle : undefined;
}
