// `verify` takes the whole file's SHA-512 on a worker thread while it reads the lines: the digest
// must be of exactly the bytes the lines were read from, past the end of the ring of shared
// memory the two threads pass them through, or the whole-file signature would be checked
// against other bytes than the ones verified.
import {createHash} from 'node:crypto';
import {mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {readHashingOnWorker} from '../../src/store/hashed-read.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-hashed-read-'));

describe('reading a log while a worker hashes it', () => {
	it('passes every byte in order and gives their SHA-512, for a file larger than the ring', async () => {
		// 21 MB that differ from slot to slot: a slot hashed twice or skipped changes the digest.
		const bytes = Buffer.alloc(21 * (1 << 20) + 12345);
		for (let at = 0; at < bytes.length; at += 4096) bytes.writeUInt32LE(at, at);
		const file = path.join(dir, 'big.jsonl');
		writeFileSync(file, bytes);
		const passed: Buffer[] = [];
		const digest = await readHashingOnWorker(file, (chunk) => passed.push(Buffer.from(chunk)));
		expect(Buffer.concat(passed).equals(bytes)).toBe(true);
		expect(digest.toString('hex')).toBe(createHash('sha512').update(bytes).digest('hex'));
	});

	it('gives the digest of an empty file, and rejects a missing one with its error code', async () => {
		const empty = path.join(dir, 'empty.jsonl');
		writeFileSync(empty, '');
		expect((await readHashingOnWorker(empty, () => undefined)).toString('hex')).toBe(
			createHash('sha512').digest('hex'),
		);
		await expect(readHashingOnWorker(path.join(dir, 'missing.jsonl'), () => undefined)).rejects.toMatchObject({
			code: 'ENOENT',
		});
	});
});
