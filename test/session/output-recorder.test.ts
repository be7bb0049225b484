// A command's output on its way to the log, on the fake clock: batched, shown while output is
// quiet, and never written raw when a secret comes in two pieces with a pause between them.
import {describe, expect, it} from 'vitest';
import {StreamRedactor} from '../../src/core/audit/redact.js';
import {OutputRecorder, type OutputDraft} from '../../src/session/output-recorder.js';
import {FakeClock} from '../helpers/fake-clock.js';

function recorder() {
	const clock = new FakeClock();
	const drafts: OutputDraft[] = [];
	const output = new OutputRecorder({
		step: 'login',
		spoolBytes: [0, 0],
		redactor: new StreamRedactor([{name: 'pw', value: 'hunter2hunter2'}]),
		chunkChars: 32 * 1024,
		chunkMs: 50,
		quietMs: 250,
		clock,
		record: (draft) => void drafts.push(draft),
	});
	let bytes = 0;
	const print = (text: string) => output.add('out', text, (bytes += Buffer.byteLength(text)));
	const shown = () => drafts.map((draft) => draft.text).join('');
	return {clock, drafts, output, print, shown};
}

describe('output on its way to the log', () => {
	it('a secret printed in two pieces with a long pause is masked, never written raw', () => {
		const run = recorder();
		run.print('password=hunter2');
		run.clock.advance(5_000);
		expect(run.shown()).not.toContain('hunter2');
		run.print('hunter2 accepted\n');
		run.clock.advance(5_000);
		expect(run.shown()).toBe('password=[REDACTED:pw] accepted\n');
	});

	it('what could begin a secret is released at the step end, with where the spool stands', () => {
		const run = recorder();
		run.print('token hunter2');
		run.clock.advance(5_000);
		expect(run.shown()).toBe('token ');
		expect(run.drafts.at(-1)?.spoolBytes).toBe(6);
		run.output.finish();
		expect(run.shown()).toBe('token hunter2');
		expect(run.drafts.at(-1)?.spoolBytes).toBe(13);
	});

	it('a prompt with no newline is shown once output is quiet, not before', () => {
		const run = recorder();
		run.print('Proceed?');
		run.clock.advance(200);
		expect(run.shown()).toBe('');
		run.clock.advance(100);
		expect(run.shown()).toBe('Proceed?');
	});

	it('flowing output is recorded in batches on the clock', () => {
		const run = recorder();
		run.print('line 1\n');
		run.clock.advance(10);
		run.print('line 2\n');
		expect(run.drafts).toEqual([]);
		run.clock.advance(40);
		expect(run.drafts).toMatchObject([{text: 'line 1\nline 2\n', spoolBytes: 14}]);
	});
});
