// Numbers and lines as the operator reads them.
import {terminalText} from '../core/text/sanitize.js';

export {clock} from '../core/time.js';

/** ms -> `0.4s`, `12s`, `3m05s`. */
export function duration(ms: number): string {
	if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
	const s = Math.round(ms / 1000);
	if (s < 60) return `${s}s`;
	return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

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
