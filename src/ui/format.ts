// Numbers and lines as the operator reads them.
import {terminalText} from '../core/text/sanitize.js';

export {clock, duration} from '../core/time.js';

/**
 * Cuts a line to `width` columns, marking the cut with `marker`. Output lines use an ASCII `>`
 * (as `less -S` does): Ink measures every line, and printable ASCII is its fast path. Every text
 * on the screen passes here, so this is where control characters are made visible (`^[`,
 * `<U+202E>`); command output goes through `terminalOutput` first.
 */
export function fit(text: string, width: number, marker = '…'): string {
	if (width <= 0) return '';
	const flat = terminalText(text).replace(/\t/g, '  ');
	return flat.length > width ? `${flat.slice(0, Math.max(0, width - 1))}${marker}` : flat;
}
