// Which characters can act on a terminal or hide what a text says, what they are called, and how
// they are shown instead. Pure.
//
// Control characters here: C0 (U+0000–U+001F) other than tab and newline, DEL (U+007F), C1
// (U+0080–U+009F, ESC included as U+001B), and the bidi controls that reorder what is read:
// the embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069, and the marks
// U+200E, U+200F and U+061C.
//
// Shown as: C0 and DEL in caret notation, as `cat -v` and `less` show them (`^[` for ESC, `^M`
// for a carriage return, `^?` for DEL); everything else by code point in angle brackets
// (`<U+009B>`, `<U+202E>`). So `rm -rf /data\recho ok` reads `rm -rf /data^Mecho ok`.

const c0Names =
	'NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US'.split(
		' ',
	);
const c1Names =
	'PAD HOP BPH NBH IND NEL SSA ESA HTS HTJ VTS PLD PLU RI SS2 SS3 DCS PU1 PU2 STS CCH MW SPA EPA SOS SGCI SCI CSI ST OSC PM APC'.split(
		' ',
	);
const bidiNames: Record<number, string> = {
	0x061c: 'ALM, arabic letter mark',
	0x200e: 'LRM, left-to-right mark',
	0x200f: 'RLM, right-to-left mark',
	0x202a: 'LRE, left-to-right embedding',
	0x202b: 'RLE, right-to-left embedding',
	0x202c: 'PDF, pop directional formatting',
	0x202d: 'LRO, left-to-right override',
	0x202e: 'RLO, right-to-left override',
	0x2066: 'LRI, left-to-right isolate',
	0x2067: 'RLI, right-to-left isolate',
	0x2068: 'FSI, first strong isolate',
	0x2069: 'PDI, pop directional isolate',
};

/** Every control character except tab and newline; one match per character. */
export const controlPattern = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Whether `char` (one UTF-16 unit) is a control character as above; tab and newline are not. */
export function isControl(char: string): boolean {
	controlPattern.lastIndex = 0;
	return char.length === 1 && controlPattern.test(char);
}

/** `^[`, `^M`, `^?`, `<U+202E>`: how a control character is shown. */
export function visibleControl(char: string): string {
	const code = char.charCodeAt(0);
	if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
	if (code === 0x7f) return '^?';
	return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** `U+001B ESC`, `U+202E RLO, right-to-left override`: a control character named for a message. */
export function describeControl(char: string): string {
	const code = char.charCodeAt(0);
	const name =
		code < 0x20 ? c0Names[code] : code === 0x7f ? 'DEL' : code < 0xa0 ? c1Names[code - 0x80] : bidiNames[code];
	return `U+${code.toString(16).toUpperCase().padStart(4, '0')}${name ? ` ${name}` : ''}`;
}

/** `text` with every control character shown (tab and newline kept). */
export function showControls(text: string): string {
	return text.replace(controlPattern, visibleControl);
}
