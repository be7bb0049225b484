// `verify` streams a log rather than reading it whole: output lines are proved canonical by a
// pattern over their bytes. The streamed report must be the whole-file one, and every line the
// pattern cannot prove must still be checked by parsing it.
import {describe, expect, it} from 'vitest';
import {verifyLog, type Trust} from '../../src/core/audit/verify.js';
import {provenPlainEvent, StreamingVerifier} from '../../src/core/audit/verify-stream.js';
import {holdsControlByte} from '../../src/core/audit/canonical-line.js';
import {ed25519Blob} from '../../src/core/audit/ssh-wire.js';
import {identityKey, isCanonicalLine, outputBurstEvents, writeLog} from '../helpers/signed-log.js';

const own: Trust = {ownKeys: [ed25519Blob(identityKey)]};
const events = outputBurstEvents(200);
const sealed = await writeLog(events);

function stream(bytes: Buffer, chunkBytes: number) {
	const verifier = new StreamingVerifier(sealed.sig);
	for (let start = 0; start < bytes.length; start += chunkBytes)
		verifier.push(bytes.subarray(start, start + chunkBytes));
	return {verifier, report: verifier.finish(sealed.sig, own)};
}

describe('verify, streamed', () => {
	it('gives the whole-file report of a sealed log, in chunks of any size, proving plain output lines by pattern', () => {
		const whole = verifyLog(sealed.bytes, sealed.sig, own);
		expect(whole.verdict).toBe('VALID');
		for (const chunkBytes of [1, 7, 100, 4096, 1 << 20]) {
			const {verifier, report} = stream(sealed.bytes, chunkBytes);
			expect(report, `chunks of ${chunkBytes}`).toEqual(whole);
			// The lines with an escape JSON.stringify writes as \u… are parsed; the others are proved by the pattern.
			expect(verifier.provenByPattern).toBeGreaterThan(100);
		}
	});

	it('proves by pattern only lines that JSON.stringify would write so, whatever byte is changed or inserted', () => {
		const lines = sealed.bytes.toString('utf8').trimEnd().split('\n');
		const replacements = [
			'\\',
			'"',
			'u',
			'0',
			'1',
			'-',
			'.',
			'e',
			',',
			'}',
			'{',
			'[',
			' ',
			':',
			'\u00e9',
			'\n',
			'\u001b',
		];
		let proven = 0;
		for (const line of new Set([...lines.slice(2, 30), ...lines.slice(-6)])) {
			for (let at = 0; at < line.length; at++)
				for (const replacement of replacements) {
					// As bytes: a half of a surrogate pair left alone becomes U+FFFD, as it would on disk.
					for (const cut of [0, 1]) {
						const bytes = Buffer.from(line.slice(0, at) + replacement + line.slice(at + cut), 'utf8');
						if (!provenPlainEvent(bytes)) continue;
						proven++;
						expect(isCanonicalLine(bytes.toString('utf8')), bytes.toString('utf8')).toBe(true);
					}
				}
		}
		// Some changes (a letter in a text, a digit of `t`) leave a canonical line: those are proved.
		expect(proven).toBeGreaterThan(100);
	});

	it('finds a raw control byte in any stretch of a chunk, wherever the chunk and the stretch start, and never throws on an empty one', () => {
		const text = Buffer.from(`ab\n\ncd{"x":1}\n${'q'.repeat(21)}\n`);
		for (let shift = 0; shift < 4; shift++) {
			// The same bytes at each alignment of the buffer beneath them.
			const bytes = Buffer.concat([Buffer.alloc(shift), text]).subarray(shift);
			for (let start = 0; start <= bytes.length; start++)
				for (let end = start; end <= bytes.length; end++) expect(holdsControlByte(bytes, start, end)).toBe(false);
			for (let at = 0; at < bytes.length; at++) {
				const withEscape = Buffer.from(bytes);
				withEscape[at] = 0x1b;
				expect(holdsControlByte(withEscape, 0, withEscape.length), `ESC at ${at}`).toBe(true);
				expect(holdsControlByte(withEscape, at, at + 1)).toBe(true);
			}
		}
	});
});
