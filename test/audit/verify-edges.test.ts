// The auditor against a hostile group member: a sealed log cut short or added to, a planted log
// signed by a stranger, another session's files swapped in. Each verdict is what `verify` exits with.
import {describe, expect, it} from 'vitest';
import {type Trust} from '../../src/core/audit/verify.js';
import {verifyLog} from '../helpers/verify-both-ways.js';
import {ed25519Blob, fingerprint} from '../../src/core/audit/ssh-wire.js';
import type {RunEvent} from '../../src/core/run/events.js';
import {identityKey, keyFromSeed, writeLog} from '../helpers/signed-log.js';

const own: Trust = {ownKeys: [ed25519Blob(identityKey)]};
const events: RunEvent[] = [
	{type: 'step-started', t: 1, step: 'migrate'},
	{type: 'command-started', t: 2, step: 'migrate', command: './migrate', pid: 10, pgid: 10},
	{type: 'output-recorded', t: 3, step: 'migrate', stream: 'out', text: 'Applying 0042... OK\n'},
	{type: 'command-exited', t: 4, step: 'migrate', code: 0, durationMs: 3},
	{type: 'session-ended', t: 5, status: 'completed'},
] as RunEvent[];
const sealed = await writeLog(events);
const unsealed = await writeLog(events, {isSealed: false});
const headerEnd = sealed.bytes.indexOf(0x0a) + 1;

describe('verify: a sealed log, cut short or added to', () => {
	const beforeSeal = sealed.bytes.lastIndexOf(0x0a, sealed.bytes.length - 2) + 1;
	/** Each cut, and the byte the problem is named at: the end, or where a torn line starts. */
	const cuts: Array<[string, Buffer, number]> = [
		['to 0 bytes', sealed.bytes.subarray(0, 0), 0],
		['inside its header', sealed.bytes.subarray(0, 40), 0],
		['to just the header', sealed.bytes.subarray(0, headerEnd), headerEnd],
		['before its seal', sealed.bytes.subarray(0, beforeSeal), beforeSeal],
	];
	for (const [name, bytes, offset] of cuts)
		it(`cut ${name} beside its .sig is INVALID, not INCOMPLETE`, () => {
			const report = verifyLog(bytes, sealed.sig, own);
			expect(report.verdict, report.summary).toBe('INVALID');
			expect(report.problem?.reason).toMatch(/session\.jsonl\.sig beside it says it was sealed: it was cut short/);
			expect(report.problem?.offset).toBe(offset);
		});

	it('bytes after the seal are INVALID, with or without the .sig', () => {
		const added = Buffer.concat([sealed.bytes, Buffer.from('{"seq":')]);
		for (const sig of [sealed.sig, undefined]) {
			const report = verifyLog(added, sig, own);
			expect(report.verdict, report.summary).toBe('INVALID');
			expect(report.problem).toMatchObject({
				offset: sealed.bytes.length,
				reason: expect.stringMatching(/bytes after the seal/),
			});
		}
	});

	it('the same cuts without a .sig are still a crash: INCOMPLETE', () => {
		for (const bytes of [Buffer.alloc(0), unsealed.bytes.subarray(0, headerEnd), unsealed.bytes])
			expect(verifyLog(bytes, undefined, own).verdict).toBe('INCOMPLETE');
	});
});

describe('verify: a planted log, signed by a stranger', () => {
	const stranger = fingerprint(ed25519Blob(identityKey));

	it('an INCOMPLETE log signed by a key that is not yours is UNTRUSTED, naming its fingerprint', () => {
		const report = verifyLog(unsealed.bytes, undefined, {ownKeys: [ed25519Blob(keyFromSeed(99))]});
		expect(report.verdict, report.summary).toBe('UNTRUSTED');
		expect(report.summary).toMatch(/^UNTRUSTED: incomplete \(no seal; .*\), but signed by /);
		expect(report.summary).toContain(`signed by ${stranger}, not your own identity`);
	});

	it('and so when it is not in the allowed signers', () => {
		const other = {principals: ['bob@example.com'], key: ed25519Blob(keyFromSeed(99)), isCertAuthority: false, line: 1};
		const report = verifyLog(unsealed.bytes, undefined, {allowedSigners: [other]});
		expect(report.verdict).toBe('UNTRUSTED');
		expect(report.summary).toContain(`${stranger}, not in the allowed signers`);
	});

	it('your own INCOMPLETE log stays INCOMPLETE', () => {
		expect(verifyLog(unsealed.bytes, undefined, own).verdict).toBe('INCOMPLETE');
	});
});

describe('verify: the session it was asked for', () => {
	it('names the session id in its verdict line', () => {
		expect(verifyLog(sealed.bytes, sealed.sig, own).summary).toMatch(/^VALID: .* · session 20261122T090000Z-golden$/);
	});

	it("another session's files in its place are INVALID, though every signature holds", () => {
		const report = verifyLog(sealed.bytes, sealed.sig, own, {expectedSession: '20261123T100000Z-newer'});
		expect(report.verdict).toBe('INVALID');
		expect(report.problem).toMatchObject({line: 0, offset: 0});
		expect(report.summary).toContain(
			'the header is of session `20261122T090000Z-golden`, not `20261123T100000Z-newer` it was given as',
		);
		expect(verifyLog(sealed.bytes, sealed.sig, own, {expectedSession: '20261122T090000Z-golden'}).verdict).toBe(
			'VALID',
		);
	});
});
