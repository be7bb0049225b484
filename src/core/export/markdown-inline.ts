// Inline Markdown as the timeline writes it (../export/timeline-lines.ts), turned into HTML.
// Pure.
import {htmlText as esc} from '../text/sanitize.js';

/**
 * Inline Markdown as our export writes it: backslash escapes, code spans of any number of
 * backticks, and bold. Every piece of text is HTML-escaped on its own, so no markup gets through.
 */
export function markdownInlineToHtml(text: string): string {
	let html = '';
	let isBold = false;
	for (let i = 0; i < text.length;) {
		const rest = text.slice(i);
		const escaped = /^\\([!-/:-@[-`{-~])/.exec(rest);
		const span = /^(`+)(?!`)([\s\S]*?[^`])\1(?!`)/.exec(rest);
		if (escaped) {
			html += esc(escaped[1]!);
			i += 2;
		} else if (span) {
			const body = span[2]!;
			html += `<code>${esc(/^ .* $/.test(body) ? body.slice(1, -1) : body)}</code>`;
			i += span[0].length;
		} else if (rest.startsWith('**')) {
			html += isBold ? '</strong>' : '<strong>';
			isBold = !isBold;
			i += 2;
		} else {
			html += esc(text[i]!);
			i += 1;
		}
	}
	return isBold ? `${html}</strong>` : html;
}
