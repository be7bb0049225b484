// The whole-file `.sig` names its hash: runbook writes SHA-512 (ssh-keygen's default, and what
// earlier releases' verify expects); verify also takes SHA-256, which a later format may write.
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {type Trust} from '../../src/core/audit/verify.js';
import {verifyStreamed} from '../../src/core/audit/verify-stream.js';
import {parseSshsig} from '../../src/core/audit/sshsig.js';
import {ed25519Blob} from '../../src/core/audit/ssh-wire.js';
import {verifyLog} from '../helpers/verify-both-ways.js';
import {identityKey} from '../helpers/signed-log.js';

const own: Trust = {ownKeys: [ed25519Blob(identityKey)]};
const read = (folder: string) => ({
	bytes: readFileSync(new URL(`../fixtures/${folder}/session.jsonl`, import.meta.url)),
	sig: readFileSync(new URL(`../fixtures/${folder}/session.jsonl.sig`, import.meta.url), 'utf8'),
});
const current = read('golden');
const sealedWithSha256 = read('golden-sha256');

/** The `.sig` with the hash name in its blob replaced (same length), the signature left as it was. */
function withHashName(sig: string, from: string, to: string): string {
	const body = sig.replace(/-----(BEGIN|END) SSH SIGNATURE-----/g, '').replace(/\s+/g, '');
	const blob = Buffer.from(body, 'base64');
	const at = blob.indexOf(from);
	blob.write(to, at, 'latin1');
	return blob.toString('base64');
}

describe('verify: the hash of the whole-file signature', () => {
	it('a new .sig names sha512, and the log is VALID streamed and whole', () => {
		expect(parseSshsig(current.sig).hashAlgorithm).toBe('sha512');
		for (const chunkBytes of [61, 1 << 20])
			expect(verifyStreamed(current.bytes, current.sig, own, {chunkBytes})?.verdict).toBe('VALID');
		expect(verifyLog(current.bytes, current.sig, own).verdict).toBe('VALID');
	});

	it('a log whose .sig names SHA-256 is VALID, streamed and whole', () => {
		expect(parseSshsig(sealedWithSha256.sig).hashAlgorithm).toBe('sha256');
		for (const chunkBytes of [61, 1 << 20])
			expect(verifyStreamed(sealedWithSha256.bytes, sealedWithSha256.sig, own, {chunkBytes})?.verdict).toBe('VALID');
		expect(verifyLog(sealedWithSha256.bytes, sealedWithSha256.sig, own).verdict).toBe('VALID');
	});

	it('a .sig whose hash name was swapped is INVALID either way', () => {
		for (const [log, from, to] of [
			[current, 'sha512', 'sha256'],
			[sealedWithSha256, 'sha256', 'sha512'],
		] as const) {
			const report = verifyLog(log.bytes, withHashName(log.sig, from, to), own);
			expect(report.verdict).toBe('INVALID');
			expect(report.summary).toMatch(/session\.jsonl\.sig: does not match the file/);
		}
	});

	it('a .sig naming a hash SSHSIG does not allow is INVALID', () => {
		const report = verifyLog(current.bytes, withHashName(current.sig, 'sha512', 'md5xyz'), own);
		expect(report.verdict).toBe('INVALID');
		expect(report.summary).toMatch(/hashed with `md5xyz`/);
	});
});
