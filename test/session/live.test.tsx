import {mkdtempSync, readdirSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {LiveSession, type EventSink} from '../../src/session/live.js';
import type {RunEvent} from '../../src/core/run/events.js';
import {loadRunbook, testSpoolDir} from '../helpers/scenarios.js';
import {systemClock} from '../../src/session/clock.js';
import {frame} from '../helpers/render.js';

const runbook = loadRunbook(
	`version: 1\nname: three\nphases:\n  - id: p\n    steps:\n      - id: one\n        run: echo one\n      - id: two\n        run: echo two\n      - id: three\n        run: echo three\n`,
);

/** Three commands that each leave a marker file named after their step. */
const markerRunbook = loadRunbook(
	`version: 1\nname: three\nphases:\n  - id: p\n    steps:\n${['one', 'two', 'three'].map((step) => `      - id: ${step}\n        run: touch "$MARKERS/${step}"\n`).join('')}`,
);

function session(sink: EventSink, book = runbook, env: Record<string, string> = {}) {
	return new LiveSession({
		runbook: book,
		options: {operator: 'alice', isInteractive: false, isPreApproved: true},
		vars: {},
		env: {...process.env, ...env},
		cwd: os.tmpdir(),
		spoolDir: testSpoolDir(),
		sink,
		clock: systemClock(),
	});
}

describe('secrets never reach the log or the screen', () => {
	it('a secret var and a secret env value printed by a command are masked in every recorded event and every frame', async () => {
		const leaky = loadRunbook(
			`version: 1\nname: s\nsecrets: [API_TOKEN]\nvars:\n  pw: { secret: true }\nphases:\n  - id: p\n    steps:\n      - id: leak\n        run: |\n          printf '%s' "pw={{ pw }}"; printf '%s\\n' " token=$API_TOKEN"\n          printf '%s' "$API_TOKEN" | base64\n          echo "url: https://ops:{{ pw }}@example.com/x"\n      - id: skip-me\n        run: exit 3\n`,
		);
		const events: RunEvent[] = [];
		const env = {...process.env, API_TOKEN: 'tok_9f8e7d6c5b4a'};
		const live = new LiveSession({
			runbook: leaky,
			options: {operator: 'alice', isInteractive: true, isPreApproved: false},
			vars: {pw: 'hunter2hunter2'},
			env,
			cwd: os.tmpdir(),
			spoolDir: testSpoolDir(),
			sink: {append: (e) => void events.push(e), flush: () => {}},
			clock: systemClock(),
			secrets: [{name: 'API_TOKEN', value: env.API_TOKEN}],
		});
		live.start();
		await expect.poll(() => live.snapshot().decision?.kind).toBe('failure');
		live.intend({kind: 'abort', reason: 'the password hunter2hunter2 leaked into a reason'});
		const final = await live.ended;
		const recorded = JSON.stringify(events);
		for (const leaked of ['hunter2hunter2', 'tok_9f8e7d6c5b4a', Buffer.from('tok_9f8e7d6c5b4a').toString('base64')])
			expect(recorded).not.toContain(leaked);
		expect(recorded).toContain('[REDACTED:pw]');
		expect(recorded).toContain('[REDACTED:API_TOKEN]');
		expect(
			events
				.filter((e) => e.type === 'output-recorded')
				.reduce((n, e) => n + ((e as {redacted?: number}).redacted ?? 0), 0),
		).toBe(4);
		const screen = frame({events, state: final, now: final.lastT}, {cols: 120});
		expect(screen).not.toContain('hunter2');
		expect(screen).toContain('the password [REDACTED:pw] leaked into a reason');
	});
});

describe('the session and its log', () => {
	it('records every event in order, and each command start is on disk before its process exists', async () => {
		// Each command leaves a marker when it runs; every flush notes which markers exist by then.
		const markers = mkdtempSync(path.join(os.tmpdir(), 'runbook-markers-'));
		const trace: string[] = [];
		const events: RunEvent[] = [];
		const live = session(
			{
				append(event) {
					events.push(event);
					trace.push(`append ${event.type}${'step' in event ? ` ${event.step}` : ''}`);
				},
				flush: () => void trace.push(`flush (ran: ${readdirSync(markers).sort().join(',')})`),
			},
			markerRunbook,
			{MARKERS: markers},
		);
		live.start();
		const final = await live.ended;
		expect(final.ended?.status).toBe('completed');
		const starts = events.filter((e) => e.type === 'command-started').map((e) => (e as {step: string}).step);
		expect(starts).toEqual(['one', 'two', 'three']);
		expect(events.map((e) => e.t)).toEqual([...events.map((e) => e.t)].sort((a, b) => a - b));
		for (const step of starts) {
			const start = trace.indexOf(`append command-started ${step}`);
			const firstFlush = trace.slice(start).find((line) => line.startsWith('flush'));
			// The first flush after the start was appended came before the command ran.
			expect(firstFlush, `after ${step} started:\n${trace.join('\n')}`).toBeDefined();
			expect(firstFlush!.split('ran: ')[1]).not.toContain(step);
		}
	});

	it('when the log cannot be written, the next command does not start and the run ends failed, saying why', async () => {
		const events: RunEvent[] = [];
		let starts = 0;
		const live = session({
			append(event) {
				if (event.type === 'command-started' && ++starts === 2)
					throw new Error('cannot write the session log /x/session.jsonl: ENOSPC');
				events.push(event);
			},
			flush: () => {},
		});
		live.start();
		const final = await live.ended;
		expect(final.ended).toMatchObject({
			status: 'failed',
			reason: 'cannot write the session log /x/session.jsonl: ENOSPC',
		});
		expect(events.filter((e) => e.type === 'command-exited').map((e) => (e as {step: string}).step)).toEqual(['one']);
		expect(live.snapshot().problem).toMatch(/ENOSPC/);
	});
});
