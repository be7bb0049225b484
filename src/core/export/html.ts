// The post-mortem as one self-contained HTML file (no network): the Markdown timeline's content,
// and a chart of phases (timebox against actual, overruns marked) and of steps. Pure.
import type {LogHeader} from '../audit/entry.js';
import type {RunEvent} from '../run/events.js';
import {foldEvents} from '../run/reduce.js';
import {exportMarkdown} from './markdown.js';
import {htmlText as esc} from '../text/sanitize.js';

export function exportHtml(header: LogHeader, events: RunEvent[], verdict: string): string {
	const state = foldEvents(events);
	const title = `${state.runbook?.name ?? 'Session'}: ${state.ended?.status ?? 'interrupted'}`;
	const body = markdownToHtml(exportMarkdown(header, events, verdict).split('\n').slice(1).join('\n'));
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1000px;padding:0 1rem;color:#1d2430}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}h3{font-size:1rem;margin:1.2rem 0 .3rem}
table{border-collapse:collapse}td,th{border:1px solid #ccd3dc;padding:.25rem .6rem;text-align:left;vertical-align:top}
code,pre{font-family:ui-monospace,monospace;font-size:12.5px}pre{background:#f4f6f8;padding:.5rem .7rem;overflow:auto}
ul{padding-left:1.3rem}li{margin:.15rem 0}.deviation{color:#9a3412}svg text{font:12px system-ui,sans-serif}
</style></head><body>
<h1>${esc(title)}</h1>
${timelineChart(state)}
${body}
</body></html>
`;
}

function timelineChart(state: ReturnType<typeof foldEvents>): string {
	const runbook = state.runbook;
	if (!runbook) return '';
	const endUs = Math.max(1, state.ended?.t ?? state.lastT);
	const rows: string[] = [];
	const labelWidth = 220;
	const width = 960;
	const x = (us: number) => labelWidth + ((width - labelWidth - 10) * Math.min(us, endUs)) / endUs;
	let y = 20;
	rows.push(`<text x="0" y="${y - 6}" font-weight="bold">Phases: timebox (outline) against actual</text>`);
	for (const phase of runbook.phases) {
		const ps = state.phases[phase.id];
		y += 22;
		rows.push(`<text x="0" y="${y + 12}">${esc(phase.name)}</text>`);
		if (ps?.startedAt === undefined) continue;
		const actualEnd = ps.endedAt ?? endUs;
		if (phase.timeboxMs !== undefined)
			rows.push(
				`<rect x="${x(ps.startedAt)}" y="${y}" width="${Math.max(1, x(ps.startedAt + phase.timeboxMs * 1000) - x(ps.startedAt))}" height="16" fill="none" stroke="#64748b" stroke-dasharray="4 2"/>`,
			);
		rows.push(
			`<rect x="${x(ps.startedAt)}" y="${y + 3}" width="${Math.max(2, x(actualEnd) - x(ps.startedAt))}" height="10" fill="${ps.isOverrun ? '#dc2626' : '#2563eb'}"><title>${esc(phase.name)}${ps.isOverrun ? ' (over its timebox)' : ''}</title></rect>`,
		);
	}
	y += 40;
	rows.push(`<text x="0" y="${y - 6}" font-weight="bold">Steps</text>`);
	const colors = {
		succeeded: '#16a34a',
		failed: '#dc2626',
		skipped: '#a3a3a3',
		running: '#0891b2',
		active: '#ca8a04',
		pending: '#e5e7eb',
	} as const;
	for (const step of [...runbook.phases.flatMap((p) => p.steps), ...runbook.rollback]) {
		const st = state.steps[step.id];
		if (!st || st.startedAt === undefined) continue;
		y += 20;
		rows.push(`<text x="0" y="${y + 11}">${esc(step.id)}</text>`);
		rows.push(
			`<rect x="${x(st.startedAt)}" y="${y + 2}" width="${Math.max(2, x(st.endedAt ?? endUs) - x(st.startedAt))}" height="10" fill="${colors[st.status]}"><title>${esc(step.name)}: ${st.status}</title></rect>`,
		);
	}
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 24}" role="img" aria-label="timeline chart">${rows.join('')}</svg>`;
}

/** The subset of Markdown our own export writes: headings, tables, lists, code blocks, bold and code spans. */
function markdownToHtml(markdown: string): string {
	const out: string[] = [];
	let list = false;
	/** The fence of the open code block: only a line of at least as many backticks closes it. */
	let fence: string | undefined;
	let table: string[][] = [];
	const flushTable = () => {
		if (table.length === 0) return;
		out.push(
			`<table>${table
				.filter((row) => !row.every((c) => /^-*$/.test(c.trim())))
				.map((row) => `<tr>${row.map((c) => `<td>${inline(c.trim())}</td>`).join('')}</tr>`)
				.join('')}</table>`,
		);
		table = [];
	};
	for (const raw of markdown.split('\n')) {
		const line = raw.trimEnd();
		const fenceLine = /^\s*(`{3,})\s*$/.exec(line)?.[1];
		if (fenceLine !== undefined && (fence === undefined || fenceLine.length >= fence.length)) {
			out.push(fence === undefined ? '<pre>' : '</pre>');
			fence = fence === undefined ? fenceLine : undefined;
			continue;
		}
		if (fence !== undefined) {
			out.push(esc(line.replace(/^ {4}/, '')));
			continue;
		}
		if (line.startsWith('|')) {
			table.push(line.slice(1, -1).split(/(?<!\\)\|/));
			continue;
		}
		flushTable();
		if (/^\s*- /.test(line)) {
			if (!list) out.push('<ul>');
			list = true;
			const text = line.replace(/^\s*- /, '');
			out.push(
				`<li${/Deviation/.test(text) ? ' class="deviation"' : ''}>${line.startsWith('  ') ? '&nbsp;&nbsp;' : ''}${inline(text)}</li>`,
			);
			continue;
		}
		if (list && line.trim() === '') continue;
		if (list) {
			out.push('</ul>');
			list = false;
		}
		if (line.startsWith('### ')) out.push(`<h3>${inline(line.slice(4))}</h3>`);
		else if (line.startsWith('## ')) out.push(`<h2>${inline(line.slice(3))}</h2>`);
		else if (line.trim() !== '') out.push(`<p>${inline(line)}</p>`);
	}
	flushTable();
	if (list) out.push('</ul>');
	return out.join('\n');
}

/**
 * Inline Markdown as our export writes it: backslash escapes, code spans of any number of
 * backticks, and bold. Every piece of text is HTML-escaped on its own, so no markup gets through.
 */
function inline(text: string): string {
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
