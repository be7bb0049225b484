// The whole-file hash the seal signs: the same SHA-512 whether the log stayed small (hashed on
// the runner's thread) or grew past a page (hashed on a worker), however the writes were cut.
import {createHash} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {FileHash} from '../../src/store/file-hash.js';

/** Bytes that differ at every position, so a page hashed twice, dropped or out of order shows. */
function bytesOf(length: number): Buffer {
	const bytes = Buffer.alloc(length);
	for (let at = 0; at < length; at++) bytes[at] = (at * 7 + (at >> 12)) & 0xff;
	return bytes;
}

describe('the whole-file hash', () => {
	for (const [what, length] of [
		['a small log', 1000],
		['exactly one page', 1 << 20],
		['several pages and a part', 3 * (1 << 20) + 12345],
	] as const) {
		it(`is the SHA-512 of every byte written: ${what}`, async () => {
			const bytes = bytesOf(length);
			const hash = new FileHash();
			// Written in uneven pieces through one reused buffer, as the log writes its lines.
			const line = Buffer.alloc(70_000);
			for (let at = 0, piece = 1; at < length; piece = (piece * 31 + 7) % 70_000) {
				const count = Math.min(piece, length - at);
				bytes.copy(line, 0, at, at + count);
				hash.update(line.subarray(0, count));
				line.fill(0);
				at += count;
			}
			expect((await hash.digest()).toString('hex')).toBe(createHash('sha512').update(bytes).digest('hex'));
		});
	}
});
