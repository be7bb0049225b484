// Repairs UTF-8 text that was once read as Mac Roman and saved again as UTF-8 (`‚úÖ` for ✅,
// `üö®` for 🚨): a run of characters that all come from Mac Roman's upper half, which turned
// back into those bytes is valid UTF-8, is replaced by what those bytes say. Anything else is
// kept as it is, so `café` stays `café`. Pure.

const macRomanUpper = new TextDecoder('macintosh').decode(Uint8Array.from({length: 128}, (_, i) => i + 128));
const byteOf = new Map([...macRomanUpper].map((ch, i) => [ch, i + 128]));
const strictUtf8 = new TextDecoder('utf-8', {fatal: true});

/** Runs of two or more characters from Mac Roman's upper half. */
const suspicious = new RegExp(`[${escapeClass(macRomanUpper)}]{2,}`, 'gu');

export function repairMojibake(text: string): {text: string; repaired: number} {
	let repaired = 0;
	const out = text.replace(suspicious, (run) => {
		const bytes = Uint8Array.from([...run].map((ch) => byteOf.get(ch)!));
		let decoded: string;
		try {
			decoded = strictUtf8.decode(bytes);
		} catch {
			return run;
		}
		// Real UTF-8 multi-byte text is shorter than its mojibake; a run that decodes to itself is left.
		if ([...decoded].length >= [...run].length) return run;
		repaired++;
		return decoded;
	});
	return {text: out, repaired};
}

function escapeClass(chars: string): string {
	return [...chars].map((ch) => (/[\]\\^-]/.test(ch) ? `\\${ch}` : ch)).join('');
}
