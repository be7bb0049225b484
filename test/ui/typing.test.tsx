// Typing under pressure: several keys in one read (a paste, a fast typist, a loaded machine)
// are each read as the key they are, and a text field edits as a line editor.
import {render} from 'ink-testing-library';
import {stripVTControlCharacters} from 'node:util';
import os from 'node:os';
import {describe, expect, it} from 'vitest';
import {App} from '../../src/ui/App.js';
import {LiveSession} from '../../src/session/live.js';
import type {RunEvent} from '../../src/core/run/events.js';
import {loadRunbook, testSpoolDir} from '../helpers/scenarios.js';
import {FakeClock} from '../helpers/fake-clock.js';

const keys = {
	enter: '\r',
	backspace: '\u007F',
	left: '\u001B[D',
	home: '\u001B[H',
	end: '\u001B[F',
	ctrlU: '\u0015',
	ctrlW: '\u0017',
	escape: '\u001B',
};

const runbook = loadRunbook(`
version: 1
name: Typing tour
phases:
  - id: p
    name: Only phase
    steps:
      - id: look
        check: [The dashboard is green, The pager is quiet]
      - id: who
        ask: { var: owner, prompt: "Owner", pattern: "^[a-z]+$", default: "grace" }
      - id: broken
        run: exit 3
`);

function start() {
	const events: RunEvent[] = [];
	const session = new LiveSession({
		runbook,
		options: {operator: 'alice', isInteractive: true, isPreApproved: false},
		vars: {},
		env: {},
		cwd: os.tmpdir(),
		spoolDir: testSpoolDir(),
		sink: {append: (event) => void events.push(event), flush: () => {}},
		clock: new FakeClock(),
	});
	const app = render(<App session={session} />);
	session.start();
	const screen = () => stripVTControlCharacters(app.lastFrame() ?? '');
	const waitFor = async (text: string | RegExp) => {
		const deadline = Date.now() + 5000;
		while (Date.now() < deadline) {
			if (typeof text === 'string' ? screen().includes(text) : text.test(screen())) return screen();
			await new Promise((r) => setTimeout(r, 5));
		}
		throw new Error(`never saw ${String(text)} on:\n${screen()}`);
	};
	/** The first frame, then one macrotask so useInput has subscribed (the fake stdin drops earlier keys). */
	const ready = async () => {
		await waitFor('Typing tour');
		await new Promise((r) => setTimeout(r, 10));
	};
	return {app, session, events, screen, waitFor, ready};
}

/** Walks to the failure menu of `broken`, the owner answered as typed. */
async function toFailureMenu(t: ReturnType<typeof start>) {
	await t.waitFor('☐ The dashboard is green');
	t.app.stdin.write('p');
	await t.waitFor('☐ The pager is quiet');
	t.app.stdin.write('p');
	await t.waitFor('Owner');
	t.app.stdin.write(keys.enter);
	await t.waitFor('r retry · s skip · a abort');
}

describe('several keys in one read', () => {
	it('a menu key and the reason typed after it in one read: the reason is taken, and no other action fires', async () => {
		const t = start();
		await t.ready();
		await toFailureMenu(t);
		t.app.stdin.write('arescheduled\r');
		const final = await t.session.ended;
		expect(final.ended).toMatchObject({status: 'aborted', reason: 'rescheduled'});
		expect(t.events.filter((e) => e.type === 'step-retried' || e.type === 'step-skipped')).toEqual([]);
		t.app.unmount();
	});

	it('a burst at a menu fires one action only: `pp` passes one checklist item, not two', async () => {
		const t = start();
		await t.ready();
		await t.waitFor('☐ The dashboard is green');
		t.app.stdin.write('pp');
		await t.waitFor('☐ The pager is quiet');
		// Keys are read in order: once the overlay opened by `?` is up, both `p`s have been read.
		t.app.stdin.write('?');
		await t.waitFor('Keys on this screen');
		expect(t.events.filter((e) => e.type === 'check-answered')).toHaveLength(1);
		t.app.stdin.write(keys.escape);
		await t.waitFor(/^(?![\s\S]*Keys on this screen)[\s\S]*☐ The pager is quiet/);
		t.app.unmount();
	});

	it('three Backspaces in one read delete three characters', async () => {
		const t = start();
		await t.ready();
		t.app.stdin.write('p');
		await t.waitFor('☐ The pager is quiet');
		t.app.stdin.write('p');
		await t.waitFor('Owner [grace]: grace');
		t.app.stdin.write('xyz');
		await t.waitFor('Owner [grace]: gracexyz');
		t.app.stdin.write(keys.backspace.repeat(3));
		await t.waitFor(/Owner \[grace\]: grace *$/m);
		t.app.stdin.write(keys.enter);
		await t.waitFor('r retry');
		expect(t.events.find((e) => e.type === 'input-given')).toMatchObject({var: 'owner', value: 'grace'});
		t.app.unmount();
	});
});

describe('a text field is a line editor', () => {
	it('the default is there to edit; Left, Home, Ctrl-W and Ctrl-U edit it; after a pattern error the text stays', async () => {
		const t = start();
		await t.ready();
		t.app.stdin.write('p');
		await t.waitFor('☐ The pager is quiet');
		t.app.stdin.write('p');
		await t.waitFor('Owner [grace]: grace');
		t.app.stdin.write(keys.home);
		t.app.stdin.write('Ms ');
		await t.waitFor('Owner [grace]: Ms grace');
		t.app.stdin.write(keys.enter);
		await t.waitFor('! the value does not match `^[a-z]+$`');
		expect(t.screen()).toContain('Owner [grace]: Ms grace');
		t.app.stdin.write(keys.ctrlW);
		await t.waitFor(/Owner \[grace\]: grace *$/m);
		t.app.stdin.write(`${keys.end}${keys.left}${keys.left}`);
		t.app.stdin.write(keys.ctrlU);
		t.app.stdin.write('ada');
		await t.waitFor(/Owner \[grace\]: adace *$/m);
		t.app.stdin.write(keys.enter);
		await t.waitFor('r retry');
		expect(t.events.find((e) => e.type === 'input-given')).toMatchObject({value: 'adace'});
		t.app.unmount();
	});
});
