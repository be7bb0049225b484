import {describe, expect, it} from 'vitest';
import type {LogHeader} from '../../src/core/audit/entry.js';
import {streamLogEvents} from '../../src/core/audit/log-events.js';
import {readLogEvents} from '../../src/core/audit/read-log.js';
import {exportHtml, exportHtmlChunks} from '../../src/core/export/html.js';
import {exportMarkdown} from '../../src/core/export/markdown.js';
import {postMortem} from '../../src/core/export/post-mortem.js';
import type {RunEvent} from '../../src/core/run/events.js';
import {writeLog} from '../helpers/signed-log.js';
import {backupLineCount, failedSession, migrationLineCount, migrationStderr} from './failed-session.js';

const header: LogHeader = {
	format: 'runbook-session/1',
	session: 's1',
	tool: {name: 'runbook', version: '0.1.0'},
	wall: '2026-11-22T09:00:00.000Z',
	runbook: {path: '/r.yaml', sha256: 'ab'.repeat(32)},
	operator: {user: 'alice', host: 'deploy-1'},
	identity: {key: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:x', source: 'local'},
	skey: 'ssh-ed25519 AAAA',
	term: {cols: 80, rows: 24},
	pid: 1,
};

const events = failedSession();

/** The same session with each output chunk cut in two mid-line, as a runner's batching may record it. */
const choppedEvents: RunEvent[] = events.flatMap((event): RunEvent[] =>
	event.type === 'output-recorded'
		? [
				{...event, text: event.text.slice(0, 1001)},
				{...event, t: event.t + 1, text: event.text.slice(1001)},
			]
		: [event],
);

describe('the post-mortem summary', () => {
	it('names the step that failed, its exit, why, and its last stderr lines', () => {
		const {failures} = postMortem(events);
		expect(failures).toEqual([
			expect.objectContaining({
				step: 'migrate',
				name: 'Apply migrations',
				reason: 'exit-code',
				detail: 'exit 1',
				exit: 'exit 1',
				lastLines: migrationStderr.split('\n'),
				lastLinesStream: 'stderr',
			}),
		]);
	});

	it('lists every deviation with who and why, and every decision with who and when', () => {
		const {deviations, decisions} = postMortem(events);
		expect(deviations.map((d) => [d.what, d.step, d.by, d.reason])).toEqual([
			['skipped', 'backup', 'alice', 'backup taken by the DBA at 08:55'],
			['wait ended early', 'settle', 'alice', 'replication lag is 0 on every replica'],
			['aborted', undefined, 'alice', 'lock timeout on invoices; rescheduled to Thursday'],
		]);
		expect(decisions.map((d) => [d.what, d.step, d.by])).toEqual([
			['confirmed', 'backup', 'alice'],
			['check 1 passed', 'debug-off', 'alice'],
			['confirmed (typed)', 'migrate', 'alice'],
		]);
	});
});

describe('the HTML post-mortem', () => {
	const html = exportHtml(header, choppedEvents, 'UNTRUSTED: test verdict');

	it('opens with the outcome, the failed step and why, the deviations and the decisions, before the chart and timeline', () => {
		const order = [
			'Outcome: <strong>aborted</strong>: lock timeout on invoices; rescheduled to Thursday',
			'Failed: Apply migrations',
			'<strong>exit 1</strong>',
			'lock timeout on table &quot;invoices&quot; &lt;after 30s&gt;',
			'UNTRUSTED: test verdict',
			'Deviations (3)',
			'replication lag is 0 on every replica',
			'Decisions (3)',
			'confirmed (typed)',
			'aria-label="timeline chart"',
			'Timeline, step by step',
		].map((text) => html.indexOf(text));
		expect(order.every((at) => at > 0)).toBe(true);
		expect(order).toEqual([...order].sort((a, b) => a - b));
	});

	it('shows every command in full and all of its output, collapsible, with stderr marked', () => {
		expect(html).toContain(
			'<pre class="command">set -e\n./manage.py showmigrations --plan\n./manage.py migrate --noinput\n./manage.py check --deploy</pre>',
		);
		for (let line = 1; line <= migrationLineCount; line++)
			expect(html).toContain(`  Applying billing.${String(line).padStart(4, '0')}_invoice_change... OK\n`);
		expect(html).toContain(`<summary>Output: ${migrationLineCount + 2} lines, 2 on stderr</summary>`);
		expect(html).toContain('<span class="err">Traceback (most recent call last):\n</span>');
		expect(html).toContain('<span class="err">pg_dump: error: connection refused\n</span>');
		// The failing command is open; the others are collapsed.
		expect(html.match(/<details open>/g)).toHaveLength(2);
		expect(html).toContain(`<details><summary>Output: ${backupLineCount + 1} lines, 1 on stderr</summary>`);
	});

	it('draws the chart on a time axis with labelled ticks, and needs nothing from outside the file', () => {
		const chart = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
		const ticks = [...chart.matchAll(/class="chart-tick">([^<]+)</g)].map((m) => m[1]);
		expect(ticks).toEqual(['00:00', '00:30', '01:00', '01:30', '02:00', '02:30', '03:00']);
		expect(chart).toContain('Time since start');
		expect(chart).toMatch(/2026-11-22 09:00:00Z → 2026-11-22 09:03:\d\dZ/);
		expect(chart).toMatch(/class="chart-failed"><title>Apply migrations<\/title>migrate</);
		expect(html).not.toMatch(/<(script|link|img|iframe)\b|url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
	});

	it('prints with every collapsed part open, and a step kept on one page where it fits', () => {
		const print = html.slice(html.indexOf('@media print'));
		expect(print).toMatch(/details::details-content\{content-visibility:visible;display:block\}/);
		expect(print).toMatch(/section\.step[^{]*\{break-inside:avoid\}/);
	});

	it('is written in pieces as the events are read, the output never held whole', () => {
		const chunks = [...exportHtmlChunks(header, choppedEvents, 'v')];
		expect(chunks.join('')).toBe(exportHtml(header, choppedEvents, 'v'));
		const chunkOf = (text: string) => chunks.findIndex((chunk) => chunk.includes(text));
		expect(chunkOf('billing.0001_invoice_change')).toBeGreaterThan(0);
		expect(chunkOf(`billing.0${migrationLineCount}_invoice_change`)).toBeGreaterThan(
			chunkOf('billing.0001_invoice_change'),
		);
	});
});

describe('the Markdown post-mortem', () => {
	it('opens with the same summary: outcome, failure and its stderr, deviations, decisions', () => {
		const md = exportMarkdown(header, events, 'VALID: test');
		const summary = md.slice(0, md.indexOf('## Timeline'));
		expect(summary).toMatch(/^# Billing API release: aborted\n/);
		expect(summary).toContain('| Outcome | **aborted**: lock timeout on invoices; rescheduled to Thursday |');
		expect(summary).toContain('## Failed: Apply migrations (`migrate`)');
		expect(summary).toMatch(/\*\*exit 1\*\*; its command exited with an unexpected code/);
		expect(summary).toContain('Last stderr lines:\n\n```\nTraceback (most recent call last):\n');
		expect(summary).toContain('## Deviations (3)');
		expect(summary).toMatch(/- 2026-11-22 \d\d:\d\d:\d\dZ \*\*wait ended early\*\* `settle` by alice: replication lag/);
		expect(summary).toMatch(/- 2026-11-22 \d\d:\d\d:\d\dZ alice: confirmed \(typed\) `migrate`/);
		expect(summary).toContain('| Log verdict | VALID: test |');
	});
});

describe('events read as a stream from the log', () => {
	it('are the events the whole-log reader gives, on every walk', async () => {
		const {bytes} = await writeLog(events);
		const stream = streamLogEvents(bytes);
		const whole = readLogEvents(bytes);
		expect(stream.header).toEqual(whole.header);
		expect([...stream.events]).toEqual(whole.events);
		expect([...stream.events]).toEqual(whole.events);
		expect(exportHtml(stream.header, stream.events, 'v')).toBe(exportHtml(whole.header, whole.events, 'v'));
	});
});
