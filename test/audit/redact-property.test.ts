// Property: a declared secret printed in any listed encoding, cut into random writes with random
// pauses (over a second too), on stdout or stderr, never reaches what is recorded.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {StreamRedactor} from '../../src/core/audit/redact.js';
import {OutputRecorder, type OutputDraft} from '../../src/session/output-recorder.js';
import {FakeClock} from '../helpers/fake-clock.js';
import {encodings, leakIn, type Encoding} from './encodings.js';

type Stream = 'out' | 'err';
type Write = {text: string; pauseMs: number};
type Case = {secret: string; encoding: Encoding; before: string; after: string; stream: Stream; writes: Write[]};

const secretArb = fc.oneof(
	fc.string({minLength: 8, maxLength: 40, unit: 'grapheme-ascii'}),
	fc.string({minLength: 8, maxLength: 20, unit: 'grapheme'}),
);
const contextArb = fc.string({maxLength: 30, unit: fc.constantFrom('a', 'Z', '0', ' ', '\n', '=', ':', '"', 'é')});

/** Cuts `text` at code points (as the UTF-8 decoder hands it over) into writes, each followed by a pause. */
function cutArb(text: string): fc.Arbitrary<Write[]> {
	const points = Array.from(text);
	return fc
		.array(fc.record({at: fc.nat({max: points.length}), pauseMs: fc.oneof(fc.constant(0), fc.nat({max: 2500}))}), {
			maxLength: 6,
		})
		.map((cuts) => {
			const sorted = [...cuts].sort((a, b) => a.at - b.at);
			const writes: Write[] = [];
			let from = 0;
			for (const cut of [...sorted, {at: points.length, pauseMs: 0}]) {
				writes.push({text: points.slice(from, cut.at).join(''), pauseMs: cut.pauseMs});
				from = cut.at;
			}
			return writes.filter((write) => write.text !== '' || write.pauseMs > 0);
		});
}

const caseArb: fc.Arbitrary<Case> = fc
	.record({
		secret: secretArb,
		encoding: fc.constantFrom(...encodings),
		before: contextArb,
		after: contextArb,
		stream: fc.constantFrom<Stream>('out', 'err'),
	})
	.chain((base) => {
		const printed = `${base.before}${base.encoding.encode(base.secret, base.before, base.after)}${base.after}\n`;
		return cutArb(printed).map((writes) => ({...base, writes}));
	});

const describeCase = (c: Case) => `${c.encoding.name} of ${JSON.stringify(c.secret)} in ${JSON.stringify(c.writes)}`;

describe('redaction holds against every encoding, cut and pause (property)', () => {
	it('the StreamRedactor, settling at each pause, never emits the secret', () => {
		fc.assert(
			fc.property(caseArb, (c) => {
				const redactor = new StreamRedactor([{name: 'pw', value: c.secret}]);
				let shown = '';
				for (const write of c.writes) {
					shown += redactor.push(write.text).text;
					if (write.pauseMs > 0) shown += redactor.settle().text;
				}
				shown += redactor.end().text;
				expect(leakIn(shown, c.secret, c.encoding, c.before), describeCase(c)).toBeUndefined();
				expect(shown).toContain('[REDACTED:pw]');
			}),
			{numRuns: 1500},
		);
	});

	describe('through the OutputRecorder, with its timers on a fake clock', () => {
		it('no recorded output chunk, nor all of them joined, holds the secret; noise on the other stream changes nothing', () => {
			fc.assert(
				fc.property(caseArb, (c) => {
					const drafts: OutputDraft[] = [];
					const clock = new FakeClock();
					const recorder = new OutputRecorder({
						step: 'leak',
						spoolBytes: [0, 0],
						clock,
						redactor: new StreamRedactor([{name: 'pw', value: c.secret}]),
						chunkChars: 64,
						chunkMs: 50,
						quietMs: 250,
						record: (draft) => void drafts.push(draft),
					});
					const other: Stream = c.stream === 'out' ? 'err' : 'out';
					const bytes = {out: 0, err: 0};
					const add = (stream: Stream, text: string) => {
						bytes[stream] += Buffer.byteLength(text);
						recorder.add(stream, text, bytes[stream]);
					};
					for (const write of c.writes) {
						add(c.stream, write.text);
						add(other, 'tick ');
						clock.advance(write.pauseMs);
					}
					recorder.finish();
					const joined = drafts
						.filter((draft) => draft.stream === c.stream)
						.map((draft) => draft.text)
						.join('');
					expect(leakIn(joined, c.secret, c.encoding, c.before), describeCase(c)).toBeUndefined();
					for (const draft of drafts) expect(leakIn(draft.text, c.secret, c.encoding, c.before)).toBeUndefined();
					expect(joined).toContain('[REDACTED:pw]');
				}),
				{numRuns: 400},
			);
		});
	});
});
