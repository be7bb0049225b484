// The real path: a command prints a secret in two pieces with a pause of over a second between
// them (the recorder's quiet timer fires in between), on stdout and stderr, in several encodings.
import os from 'node:os';
import {describe, expect, it} from 'vitest';
import {LiveSession} from '../../src/session/live.js';
import {systemClock} from '../../src/session/clock.js';
import type {RunEvent} from '../../src/core/run/events.js';
import type {LogHeader} from '../../src/core/audit/entry.js';
import {exportCast} from '../../src/core/export/cast.js';
import {exportHtml} from '../../src/core/export/html.js';
import {exportMarkdown} from '../../src/core/export/markdown.js';
import {loadRunbook, testSpoolDir} from '../helpers/scenarios.js';
import {encodings, leakIn} from './encodings.js';

const secret = 'Zq8#pä ss/wörd+1';

describe('a secret split by a long pause', () => {
	it('is masked in the log and every export, raw, hex, every-byte URL and wrapped base64, on both streams', async () => {
		const forms = [
			secret,
			Buffer.from(secret).toString('hex'),
			[...Buffer.from(secret)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
			Buffer.from(`${'x'.repeat(70)}${secret}`)
				.toString('base64')
				.replace(/.{76}/g, '$&\n'),
		];
		const lines = forms.flatMap((form, index) => {
			const cut = 3 + index;
			const head = JSON.stringify(form.slice(0, cut));
			const tail = JSON.stringify(form.slice(cut));
			const to = index % 2 === 0 ? '' : ' >&2';
			return [`printf '%s' ${head}${to}`, 'sleep 1.1', `printf '%s\\n' ${tail}${to}`];
		});
		const rb = loadRunbook(
			`version: 1\nname: pause\nphases:\n  - id: p\n    steps:\n      - id: leak\n        run: |\n${lines.map((line) => `          ${line}`).join('\n')}\n`,
		);
		const events: RunEvent[] = [];
		const session = new LiveSession({
			runbook: rb,
			options: {operator: 'alice', isInteractive: false, isPreApproved: true},
			vars: {},
			env: process.env,
			cwd: os.tmpdir(),
			spoolDir: testSpoolDir(),
			sink: {append: (event) => void events.push(event), flush: () => {}},
			clock: systemClock(),
			secrets: [{name: 'pw', value: secret}],
		});
		session.start();
		expect((await session.ended).ended?.status).toBe('completed');
		const header = {
			session: 's',
			wall: '2026-11-22T09:00:00.000Z',
			tool: {name: 'runbook', version: '0'},
			runbook: {path: 'pause.yaml', sha256: 'x'},
			operator: {user: 'alice', host: 'h'},
			identity: {key: 'ssh-ed25519 x', fingerprint: 'SHA256:x', source: 'local'},
			term: {cols: 80, rows: 24},
		};
		const exported = [
			JSON.stringify(events),
			exportMarkdown(header as LogHeader, events, 'VALID'),
			exportHtml(header as LogHeader, events, 'VALID'),
			exportCast(header as LogHeader, events, 'VALID'),
		];
		for (const text of exported) for (const form of forms.slice(0, 3)) expect(text).not.toContain(form);
		const stream = (name: string) =>
			events
				.filter((event) => event.type === 'output-recorded' && event.stream === name)
				.map((event) => (event as {text: string}).text)
				.join('');
		const [raw, hex, url, wrapped] = [encodings[0]!, encodings[15]!, encodings[9]!, encodings[3]!];
		expect([raw, hex, url, wrapped].map((e) => e.name)).toEqual([
			'raw',
			'hex lower',
			'every byte upper',
			'base64 -w 76',
		]);
		expect(leakIn(stream('out'), secret, raw, '')).toBeUndefined();
		expect(leakIn(stream('err'), secret, hex, '')).toBeUndefined();
		expect(leakIn(stream('out'), secret, url, '')).toBeUndefined();
		expect(leakIn(stream('err'), secret, wrapped, 'x'.repeat(70))).toBeUndefined();
		const masked = events.filter((event) => event.type === 'output-recorded' && (event.redacted ?? 0) > 0);
		expect(masked.length).toBeGreaterThanOrEqual(forms.length);
	}, 20_000);
});
