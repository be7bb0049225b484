// The streamed verifier vouches only for what the whole-file verifier says too. The auditor's
// promise (threat model, promise 1): a sealed log that anyone without the keys changed, by one
// byte anywhere, a cut, a splice, a swap of lines or bytes put in, is never VALID; so whenever
// the streamed path gives a report for an altered log, it must be exactly verifyLog's.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {verifyLog, type Trust} from '../../src/core/audit/verify.js';
import {provenPlainEvent, verifyStreamed} from '../../src/core/audit/verify-stream.js';
import {encodeEvent} from '../../src/core/audit/entry.js';
import {ed25519Blob} from '../../src/core/audit/ssh-wire.js';
import {identityKey, isCanonicalLine, outputBurstEvents, writeLog} from '../helpers/signed-log.js';

const own: Trust = {ownKeys: [ed25519Blob(identityKey)]};
const events = outputBurstEvents(40);
const sealed = await writeLog(events);
const lineStarts = [0];
for (
	let at = sealed.bytes.indexOf(0x0a);
	at !== -1 && at < sealed.bytes.length - 1;
	at = sealed.bytes.indexOf(0x0a, at + 1)
)
	lineStarts.push(at + 1);

/** One change someone without the keys can make to the file. */
const alteration = fc.oneof(
	fc.record({kind: fc.constant('byte' as const), at: fc.nat(), value: fc.integer({min: 0, max: 255})}),
	fc.record({kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({unit: 'binary', maxLength: 8})}),
	fc.record({kind: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({min: 1, max: 600})}),
	fc.record({kind: fc.constant('swap' as const), first: fc.nat(), second: fc.nat()}),
);

function alter(bytes: Buffer, change: typeof alteration extends fc.Arbitrary<infer T> ? T : never): Buffer {
	switch (change.kind) {
		case 'byte': {
			const copy = Buffer.from(bytes);
			copy[change.at % copy.length] = change.value;
			return copy;
		}
		case 'insert': {
			const at = change.at % (bytes.length + 1);
			return Buffer.concat([bytes.subarray(0, at), Buffer.from(change.text, 'utf8'), bytes.subarray(at)]);
		}
		case 'cut': {
			const at = change.at % bytes.length;
			return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + change.length)]);
		}
		case 'swap': {
			const lines = bytes.toString('utf8').split('\n');
			const first = change.first % (lines.length - 1);
			const second = change.second % (lines.length - 1);
			[lines[first], lines[second]] = [lines[second]!, lines[first]!];
			return Buffer.from(lines.join('\n'), 'utf8');
		}
	}
}

describe('verify, streamed, against the whole-file verifier', () => {
	it('vouches for the unaltered log with the whole-file report', () => {
		const whole = verifyLog(sealed.bytes, sealed.sig, own);
		expect(whole.verdict).toBe('VALID');
		expect(verifyStreamed(sealed.bytes, sealed.sig, own, {chunkBytes: 1 << 20})).toEqual(whole);
	});

	it('gives, for a randomly altered log, either no report or exactly the whole-file one, which is never VALID', () => {
		fc.assert(
			fc.property(
				fc.array(alteration, {minLength: 1, maxLength: 3}),
				fc.integer({min: 1, max: 5000}),
				(changes, chunkBytes) => {
					const altered = changes.reduce(alter, sealed.bytes);
					fc.pre(!altered.equals(sealed.bytes));
					const whole = verifyLog(altered, sealed.sig, own);
					expect(whole.verdict).not.toBe('VALID');
					const streamed = verifyStreamed(altered, sealed.sig, own, {chunkBytes});
					if (streamed !== undefined) expect(streamed).toEqual(whole);
				},
			),
			{numRuns: 300},
		);
	});

	it('proves a line canonical by its bytes only when JSON.stringify writes it so, for random events and random edits of them', () => {
		const value = fc.oneof(fc.string({unit: 'binary'}), fc.integer(), fc.boolean(), fc.constant(null), fc.double());
		const event = fc.record({
			t: fc.nat(),
			step: fc.string({unit: 'binary', maxLength: 12}),
			text: fc.string({unit: 'binary', maxLength: 40}),
			extra: fc.dictionary(fc.string({maxLength: 6}), value, {maxKeys: 3}),
		});
		// Edits that make a canonical line almost canonical: escapes, quotes, separators, non-ASCII.
		const piece = fc.constantFrom(
			'\\',
			'\\u0041',
			'\\/',
			'/',
			'u',
			'"',
			' ',
			',',
			':',
			'}',
			'{',
			'0',
			'-',
			'.',
			'e',
			'\t',
			'é',
			'\u2028',
			'\u001b',
		);
		const edit = fc.record({at: fc.nat(), cut: fc.integer({min: 0, max: 2}), text: piece});
		let proven = 0;
		fc.assert(
			fc.property(event, fc.array(edit, {maxLength: 3}), fc.nat(), (recorded, edits, seq) => {
				const {extra, ...fields} = recorded;
				let line = encodeEvent(seq, 'a'.repeat(64), {
					type: 'output-recorded',
					...extra,
					...fields,
					stream: 'out',
				} as never);
				// The unedited line first: its shape is kept, so the edited one is tried against that shape too.
				provenPlainEvent(Buffer.from(line, 'utf8'));
				for (const {at, cut, text} of edits) {
					const position = at % (line.length + 1);
					line = line.slice(0, position) + text + line.slice(position + cut);
				}
				const bytes = Buffer.from(line, 'utf8');
				if (provenPlainEvent(bytes) === undefined) return;
				proven++;
				expect(isCanonicalLine(bytes.toString('utf8')), line).toBe(true);
			}),
			{numRuns: 3000},
		);
		expect(proven).toBeGreaterThan(100);
	});
});
