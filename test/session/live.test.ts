import os from 'node:os';
import {describe, expect, it} from 'vitest';
import {LiveSession, type EventSink} from '../../src/session/live.js';
import type {RunEvent} from '../../src/core/run/events.js';
import {loadRunbook} from '../helpers/scenarios.js';
import {systemClock} from '../../src/session/clock.js';

const runbook = loadRunbook(`version: 1\nname: three\nphases:\n  - id: p\n    steps:\n      - id: one\n        run: echo one\n      - id: two\n        run: echo two\n      - id: three\n        run: echo three\n`);

function session(sink: EventSink) {
	return new LiveSession({runbook, options: {operator: 'alice', isInteractive: false, isPreApproved: true}, vars: {}, env: process.env, cwd: os.tmpdir(), sink, clock: systemClock()});
}

describe('the session and its log', () => {
	it('records every event in order, each before the next command starts', async () => {
		const events: RunEvent[] = [];
		const s = session({append: (e) => void events.push(e), flush: () => {}});
		s.start();
		const final = await s.ended;
		expect(final.ended?.status).toBe('completed');
		const starts = events.filter((e) => e.type === 'command-started').map((e) => (e as {step: string}).step);
		expect(starts).toEqual(['one', 'two', 'three']);
		expect(events.map((e) => e.t)).toEqual([...events.map((e) => e.t)].sort((a, b) => a - b));
	});

	it('when the log cannot be written, the next command does not start and the run ends failed, saying why', async () => {
		const events: RunEvent[] = [];
		let starts = 0;
		const s = session({
			append(event) {
				if (event.type === 'command-started' && ++starts === 2) throw new Error('cannot write the session log /x/session.jsonl: ENOSPC');
				events.push(event);
			},
			flush: () => {},
		});
		s.start();
		const final = await s.ended;
		expect(final.ended).toMatchObject({status: 'failed', reason: 'cannot write the session log /x/session.jsonl: ENOSPC'});
		expect(events.filter((e) => e.type === 'command-exited').map((e) => (e as {step: string}).step)).toEqual(['one']);
		expect(s.snapshot().problem).toMatch(/ENOSPC/);
	});
});
