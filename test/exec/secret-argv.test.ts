// Any local user can read every process's argv (/proc/*/cmdline). A secret var, a secret
// default and a secret env value must reach the step without ever being in one.
import {createHash} from 'node:crypto';
import {readdirSync, readFileSync} from 'node:fs';
import os from 'node:os';
import {describe, expect, it} from 'vitest';
import {LiveSession} from '../../src/session/live.js';
import {systemClock} from '../../src/session/clock.js';
import type {RunEvent} from '../../src/core/run/events.js';
import {loadRunbook, testSpoolDir} from '../helpers/scenarios.js';
import {frame} from '../helpers/render.js';
import {PlainPrinter} from '../../src/ui/plain.js';
import {foldEvents} from '../../src/core/run/reduce.js';

/** Every process's argv this user can read, by pid. */
function allCmdlines(): Map<number, string> {
	const found = new Map<number, string>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			found.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8'));
		} catch {
			// Gone meanwhile.
		}
	}
	return found;
}

/** Pids in the process group `leader` heads (the step's wrapper leads its own). */
function groupOf(leader: number): number[] {
	return readdirSync('/proc')
		.filter((entry) => /^\d+$/.test(entry))
		.filter((entry) => {
			try {
				const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
				return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === leader;
			} catch {
				return false;
			}
		})
		.map(Number);
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('secrets stay out of every argv', () => {
	it('a sleeping step holding a secret var, a secret default and a secret env value shows none of them in any /proc/*/cmdline, yet uses all three', async () => {
		const given = `gv-${Math.random().toString(36).slice(2)}-x`;
		const fallback = `df-${Math.random().toString(36).slice(2)}-y`;
		const token = `tk-${Math.random().toString(36).slice(2)}-z`;
		const rb = loadRunbook(
			[
				'version: 1',
				'name: argv',
				'secrets: [DEPLOY_TOKEN]',
				'vars:',
				'  pw: { secret: true }',
				`  api_key: { secret: true, default: "${fallback}" }`,
				'phases:',
				'  - id: p',
				'    steps:',
				'      - id: hold',
				'        run: |',
				"          printf '%s' {{ pw }} | sha256sum",
				`          printf '%s' "{{ api_key }}" | sha256sum`,
				"          printf '%s' 'x'{{ pw }}'y' | sha256sum",
				'          echo "in clear: {{ pw }} {{ api_key }} $DEPLOY_TOKEN"',
				'          echo ready',
				'          ( sleep 30 ) & sleep 30',
			].join('\n'),
		);
		const events: RunEvent[] = [];
		const session = new LiveSession({
			runbook: rb,
			options: {operator: 'alice', isInteractive: false, isPreApproved: true},
			vars: {pw: given},
			env: {...process.env, DEPLOY_TOKEN: token},
			cwd: os.tmpdir(),
			spoolDir: testSpoolDir(),
			sink: {append: (event) => void events.push(event), flush: () => {}},
			clock: systemClock(),
			secrets: [{name: 'DEPLOY_TOKEN', value: token}],
		});
		session.start();
		const output = () =>
			events
				.filter((event) => event.type === 'output-recorded')
				.map((event) => (event as {text: string}).text)
				.join('');
		await expect.poll(output, {timeout: 10_000}).toContain('ready');
		const spawned = events.find((event) => event.type === 'command-spawned') as {pid: number};
		await expect.poll(() => groupOf(spawned.pid).length).toBeGreaterThanOrEqual(4);
		const lines = allCmdlines();
		for (const pid of [...groupOf(spawned.pid), process.pid]) expect(lines.has(pid), `pid ${pid}`).toBe(true);
		for (const [pid, argv] of lines)
			for (const secret of [given, fallback, token]) expect(argv, `pid ${pid}`).not.toContain(secret);
		session.interrupt('test over');
		const final = await session.ended;

		const recorded = JSON.stringify(events);
		expect(output()).toContain(`${sha(given)}  -\n${sha(fallback)}  -\n${sha(`x${given}y`)}  -\n`);
		expect(output()).toContain('in clear: [REDACTED:pw] [REDACTED:api_key] [REDACTED:DEPLOY_TOKEN]');
		for (const secret of [given, fallback, token]) expect(recorded).not.toContain(secret);
		expect(events.find((event) => event.type === 'var-set' && event.var === 'api_key')).toEqual(
			expect.not.objectContaining({value: expect.anything()}),
		);
		const state = foldEvents(events);
		const printer = new PlainPrinter();
		const plain = events.flatMap((event, index) => printer.lines(event, foldEvents(events.slice(0, index + 1))));
		const screen = frame({events, state: final, now: state.lastT}, {cols: 160, rows: 40});
		for (const secret of [given, fallback, token]) {
			expect(plain.join('\n')).not.toContain(secret);
			expect(screen).not.toContain(secret);
		}
	});
});
