import {render} from 'ink-testing-library';
import {stripVTControlCharacters} from 'node:util';
import os from 'node:os';
import {describe, expect, it} from 'vitest';
import {App} from '../../src/ui/App.js';
import {LiveSession} from '../../src/session/live.js';
import type {RunEvent} from '../../src/core/run/events.js';
import {loadRunbook, testSpoolDir} from '../helpers/scenarios.js';
import {FakeClock} from '../helpers/fake-clock.js';

const keys = {enter: '\r', escape: '\u001B', ctrlC: '\u0003', backspace: '\u007F'};
/** How long a check waits for the keys before it to be read: long enough for a loaded machine. */
const frameWait = {timeout: 5000};

const runbook = loadRunbook(`
version: 1
name: Keys tour
target: production
phases:
  - id: p
    name: Only phase
    steps:
      - id: hello
        note: Read me first.
      - id: look
        check: [The dashboard is green]
      - id: who
        ask: { var: owner, prompt: "Owner", pattern: "^[a-z]+$" }
      - id: hold
        wait: 5m
      - id: go
        run: echo "deploying for {{ owner }}"
        confirm: typed
signoff: [Reviewer]
`);

function start() {
	const events: RunEvent[] = [];
	const clock = new FakeClock();
	const session = new LiveSession({
		runbook,
		options: {operator: 'alice', isInteractive: true, isPreApproved: false},
		vars: {},
		env: {},
		cwd: os.tmpdir(),
		spoolDir: testSpoolDir(),
		sink: {append: (event) => void events.push(event), flush: () => {}},
		clock,
	});
	const app = render(<App session={session} />);
	session.start();
	const screen = () => stripVTControlCharacters(app.lastFrame() ?? '');
	const waitFor = async (text: string | RegExp) => {
		const deadline = Date.now() + 5000;
		while (Date.now() < deadline) {
			if (typeof text === 'string' ? screen().includes(text) : text.test(screen())) return;
			await new Promise((r) => setTimeout(r, 5));
		}
		throw new Error(`never saw ${String(text)} on:\n${screen()}`);
	};
	const type = async (text: string) => {
		for (const ch of text) {
			app.stdin.write(ch);
			await new Promise((r) => setTimeout(r, 1));
		}
	};
	/** Whether any frame drawn so far showed `text` (the last one may already be gone when the app unmounts). */
	const wasDrawn = (text: string) => app.frames.some((f) => stripVTControlCharacters(f).includes(text));
	/** The first frame, then one macrotask so useInput has subscribed (the fake stdin drops earlier keys). */
	const ready = async () => {
		await waitFor('Keys tour');
		await new Promise((r) => setTimeout(r, 10));
	};
	return {app, session, clock, events, screen, waitFor, type, ready, wasDrawn};
}

describe('keys become intents only when they fit the decision', () => {
	it('walks note, check, ask, wait and a typed confirmation by keyboard, recording each answer', async () => {
		const t = start();
		await t.ready();
		await t.waitFor('Read me first.');
		t.app.stdin.write('p'); // not a key for a note: nothing happens
		t.app.stdin.write(keys.enter);
		await t.waitFor('☐ The dashboard is green');
		t.app.stdin.write('p');
		await t.waitFor('Owner:');
		await t.type('Bad Value');
		t.app.stdin.write(keys.enter);
		await t.waitFor('! the value does not match `^[a-z]+$`');
		for (let i = 0; i < 'Bad Value'.length; i++) t.app.stdin.write(keys.backspace);
		await t.type('ada');
		t.app.stdin.write(keys.enter);
		await t.waitFor('Waiting: 5m left');
		t.clock.advance(60_000);
		t.app.stdin.write('x');
		await t.waitFor('Why end the wait early?');
		t.app.stdin.write(keys.enter);
		await t.waitFor('! a reason is required');
		await t.type('graphs are flat');
		t.app.stdin.write(keys.enter);
		await t.waitFor('Type `production` to run it.');
		await t.type('production');
		t.app.stdin.write(keys.enter);
		await t.waitFor('Your name:');
		await t.type('Grace');
		t.app.stdin.write(keys.enter);
		const final = await t.session.ended;
		expect(final.ended?.status).toBe('completed');
		await expect.poll(() => t.wasDrawn('✓ Completed'), frameWait).toBe(true);
		const decided = t.events.filter((e) =>
			['check-answered', 'input-given', 'wait-ended', 'step-confirmed', 'signoff-given'].includes(e.type),
		);
		expect(decided.map(({t: _, ...rest}) => rest)).toEqual([
			{type: 'check-answered', step: 'look', item: 0, isPassed: true, by: 'alice'},
			{type: 'input-given', step: 'who', var: 'owner', value: 'ada', isSecret: false, by: 'alice'},
			{type: 'wait-ended', step: 'hold', isEarly: true, by: 'alice', reason: 'graphs are flat'},
			{type: 'step-confirmed', step: 'go', by: 'alice', how: 'typed'},
			{type: 'signoff-given', role: 'Reviewer', name: 'Grace', by: 'alice'},
		]);
		expect(t.events.find((e) => e.type === 'command-started')).toMatchObject({command: `echo "deploying for ada"`});
		t.app.unmount();
	});

	it('Ctrl-C with nothing running asks for a reason, then aborts the run with it', async () => {
		const t = start();
		await t.ready();
		await t.waitFor('Read me first.');
		t.app.stdin.write(keys.ctrlC);
		await t.waitFor('Why abort the run?');
		t.app.stdin.write(keys.escape);
		await t.waitFor('Enter continue · a abort');
		t.app.stdin.write('a');
		await t.type('window closed');
		t.app.stdin.write(keys.enter);
		const final = await t.session.ended;
		expect(final.ended).toMatchObject({status: 'aborted', reason: 'window closed'});
		expect(t.events.at(-1)).toMatchObject({
			type: 'session-ended',
			status: 'aborted',
			by: 'alice',
			reason: 'window closed',
		});
		await expect.poll(() => t.wasDrawn('✗ Aborted'), frameWait).toBe(true);
		t.app.unmount();
	});

	it('n adds a timestamped note at any moment; it is recorded and drawn with the finished lines', async () => {
		const t = start();
		await t.ready();
		await t.waitFor('Read me first.');
		t.app.stdin.write('n');
		await t.waitFor('Note for the record:');
		await t.type('on-call paged at 09:02');
		t.app.stdin.write(keys.enter);
		await t.waitFor('✎ 00:00 alice: on-call paged at 09:02');
		expect(t.events.find((e) => e.type === 'note-added')).toMatchObject({by: 'alice', text: 'on-call paged at 09:02'});
		await t.waitFor('Enter continue · a abort');
		t.app.unmount();
	});

	it('the wait ends by itself when its time is up, on the session clock', async () => {
		const t = start();
		await t.ready();
		t.app.stdin.write(keys.enter);
		await t.waitFor('☐');
		t.app.stdin.write('p');
		await t.waitFor('Owner:');
		await t.type('ada');
		t.app.stdin.write(keys.enter);
		await t.waitFor('Waiting: 5m left');
		t.clock.advance(5 * 60_000);
		await t.waitFor('Type `production` to run it.');
		expect(t.events.find((e) => e.type === 'wait-ended')).toMatchObject({isEarly: false});
		t.app.unmount();
	});
});
