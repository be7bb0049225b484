// Every sink that writes text from a runbook, a log, output or an approval, against every
// payload that could act on a terminal or a document: nothing passes raw, and control
// characters are shown. Actors: a hostile runbook author, a command whose output is hostile,
// an approver or operator whose reason or note is hostile. Promise 3 of the threat model.
import {describe, expect, it} from 'vitest';
import {exportMarkdown} from '../../src/core/export/markdown.js';
import {exportHtml} from '../../src/core/export/html.js';
import {exportCast} from '../../src/core/export/cast.js';
import {sessionTable} from '../../src/commands/sessions.js';
import {approveScreen, header, hostileSession, plainText, rawFrame} from './hostile-text.js';

const payloads: Record<string, string> = {
	'clear screen': 'a\u001b[2Jb',
	'cursor up': 'a\u001b[1Ab',
	'OSC 52 clipboard write': '\u001b]52;c;cm0gLXJmIC9kYXRh\u0007',
	'OSC 8 hyperlink': '\u001b]8;;https://evil.example/\u001b\\click me\u001b]8;;\u001b\\',
	'carriage-return fake prompt': 'rm -rf /data\recho harmless',
	'bidi override': 'abc\u202edef\u2066ghi\u2069',
	'C1 CSI': 'a\u009b2Jb',
	'script tag': '<script>alert(1)</script>',
	'closing code fence': '```\n<script>alert(1)</script>\nafter-fence',
};

/** Our own styling: the colours a frame or a cast is drawn with, never text from a log. */
const ownStyling = /\u001b\[[0-9;]*m/g;

type Sink = {render: (payload: string) => string; isDocument?: 'markdown' | 'html'; keepsStyling?: boolean};

const sinks: Record<string, Sink> = {
	'TUI frames (run, watch, replay)': {
		render: (payload) => {
			const {running, waiting, ended} = hostileSession(payload);
			return [running, waiting, ended].map((sim) => rawFrame(sim)).join('\n');
		},
		keepsStyling: true,
	},
	'plain mode': {render: (payload) => plainText(hostileSession(payload).ended.events)},
	'approve screen': {render: (payload) => approveScreen(hostileSession(payload).waiting)},
	sessions: {
		render: (payload) =>
			sessionTable([
				{
					id: 's1',
					runbook: `Release ${payload}`,
					operator: `alice ${payload}`,
					start: header.wall,
					durationMs: 1000,
					outcome: 'completed',
					verdict: `INVALID (${payload})`,
					log: '/tmp/s1/session.jsonl',
				},
			]),
	},
	'Markdown export': {
		render: (payload) => exportMarkdown(header, hostileSession(payload).ended.events, `VALID ${payload}`),
		isDocument: 'markdown',
	},
	'HTML export': {
		render: (payload) => exportHtml(header, hostileSession(payload).ended.events, `VALID ${payload}`),
		isDocument: 'html',
	},
	'asciicast export': {
		render: (payload) =>
			exportCast(header, hostileSession(payload).ended.events, `VALID ${payload}`)
				.trimEnd()
				.split('\n')
				.map((line) => JSON.parse(line) as unknown[] | Record<string, unknown>)
				.map((record) => (Array.isArray(record) ? String(record[2]) : JSON.stringify(record)))
				.join('\n'),
		keepsStyling: true,
	},
};

/** The fenced code blocks of a Markdown text, as CommonMark closes them: by a fence at least as long. */
function fencedBlocks(markdown: string): string[][] {
	const blocks: string[][] = [];
	let open: {fence: string; lines: string[]} | undefined;
	for (const line of markdown.split('\n')) {
		const fence = /^ {0,3}(`{3,})\s*$|^ {4,}(`{3,})\s*$/.exec(line);
		const run = fence?.[1] ?? fence?.[2];
		if (run && (!open || run.length >= open.fence.length)) {
			if (open) blocks.push(open.lines);
			open = open ? undefined : {fence: run, lines: []};
		} else open?.lines.push(line);
	}
	return blocks;
}

/** Markdown without its code: fenced blocks and code spans, where `<` is only text. */
function outsideCode(markdown: string): string {
	const code = new Set(fencedBlocks(markdown).flat());
	return markdown
		.split('\n')
		.filter((line) => !code.has(line))
		.join('\n')
		.replace(/(`+)(?!`)[^\n]*?[^`]\1(?!`)/g, '');
}

describe.each(Object.entries(sinks))('%s', (_, sink) => {
	it.each(Object.entries(payloads))('passes nothing of %s raw', (name, payload) => {
		const out = sink.render(payload);
		const text = sink.keepsStyling ? out.replace(ownStyling, '') : out;
		expect(text).not.toMatch(/\u001b/);
		expect(text).not.toMatch(/[\u0080-\u009f]/);
		expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
		expect(text).not.toMatch(/\u0007/);
		// A cast's lines end in CR LF; everywhere else a carriage return is shown, never sent.
		expect(text).not.toMatch(sink === sinks['asciicast export'] ? /\r(?!\n)/ : /\r/);
		if (/[\u001b\r\u202e\u009b]/.test(payload)) expect(text).toMatch(/\^\[|\^M|(<|&lt;)U\+(202E|009B)(>|&gt;)/);
		if (name === 'carriage-return fake prompt') expect(text).toContain('rm -rf /data^Mecho harmless');
		if (sink.isDocument === 'html') {
			expect(text).not.toMatch(/<script/i);
			// The whole output is one block: the fence inside it closed nothing.
			if (name === 'closing code fence')
				expect(text).toMatch(
					/<pre>\n?first line\n```\n[^<]*after-fence\nlast line\n[^<]*(<span class="err">[^<]*<\/span>)*<\/pre>/,
				);
		}
		if (sink.isDocument === 'markdown') {
			expect(outsideCode(text)).not.toMatch(/(?<!\\)<script/i);
			if (name === 'closing code fence')
				expect(fencedBlocks(text).some((lines) => lines.some((l) => l.includes('after-fence')))).toBe(true);
		}
	});
});

describe('command output on a terminal', () => {
	it('shows a progress line at its last state, and drops colour, in the frame and in plain mode', () => {
		const output = 'downloading  10%\rdownloading 100%\r\n\u001b[32mOK\u001b[0m\n';
		const {running, ended} = hostileSession('x', output);
		const frame = rawFrame(running).replace(ownStyling, '');
		expect(frame).toContain('│ downloading 100%\n');
		expect(frame).toContain('│ OK\n');
		const plain = plainText(ended.events);
		expect(plain).toContain('   | downloading 100%\n   | OK\n');
	});
});
