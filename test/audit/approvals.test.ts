// Second approvals in the log: each answer carries the approver's signature over the session,
// the step and the chain head at the request; verify checks every one.
import {describe, expect, it} from 'vitest';
import {approvalMessage, judgeApproval, approvalFormat} from '../../src/core/audit/approval.js';
import {compactSshsig, signSshsig, type IdentitySigner} from '../../src/core/audit/signer.js';
import {ed25519Blob, fingerprint, formatPublicKey} from '../../src/core/audit/ssh-wire.js';
import {verifyLog} from '../../src/core/audit/verify.js';
import {parseAllowedSigners} from '../../src/core/audit/allowed-signers.js';
import type {RunEvent} from '../../src/core/run/events.js';
import {identityKey, keyFromSeed, localSigner, writeLog} from '../helpers/signed-log.js';

const session = '20261122T090000Z-golden';
const bob = localSigner(keyFromSeed(21));
const alice = localSigner(identityKey);
const own = {ownKeys: [ed25519Blob(identityKey)]};

/** A log where `signer` answers the request for `migrate`; the signature is made over `signed` (the truth, unless a test forges it). */
async function logWithAnswer(signer: IdentitySigner, signed: {step?: string; head?: string} = {}) {
	// The head is only known once the request is written: sign in two passes.
	const draft = await writeLog(events('0'.repeat(64), 'x'), {isSealed: false});
	const requestLine = draft.bytes
		.toString('utf8')
		.split('\n')
		.find((l) => l.includes('"approval-requested"'))!;
	const head = (JSON.parse(requestLine) as {prev: string}).prev;
	const sshsig = compactSshsig(
		await signSshsig(
			signer,
			approvalMessage({session, step: signed.step ?? 'migrate', head: signed.head ?? head, decision: 'approve'}),
		),
	);
	return writeLog(events(head, sshsig, signer));
}

function events(head: string, sshsig: string, signer: IdentitySigner = bob): RunEvent[] {
	return [
		{type: 'step-started', t: 1, step: 'migrate'},
		{type: 'approval-requested', t: 2, step: 'migrate', need: 1, command: './migrate', by: 'alice', head: '$head'},
		{
			type: 'approval-given',
			t: 3,
			step: 'migrate',
			by: 'bob@deploy-2',
			key: formatPublicKey(signer.publicKey),
			fingerprint: fingerprint(signer.publicKey),
			head,
			sshsig,
		},
		{type: 'session-ended', t: 4, status: 'completed'},
	];
}

describe('verify: approvals', () => {
	it('a genuine approval by another key is VALID and counted', async () => {
		const log = await logWithAnswer(bob);
		const report = verifyLog(log.bytes, log.sig, own);
		expect(report.verdict).toBe('VALID');
		expect(report.summary).toMatch(/1 approval signature checked/);
	});

	it('an approval signed over another step is INVALID, naming its line', async () => {
		const log = await logWithAnswer(bob, {step: 'other'});
		const report = verifyLog(log.bytes, log.sig, own);
		expect(report.verdict).toBe('INVALID');
		expect(report.problem?.reason).toMatch(/the approver's signature does not verify/);
	});

	it('an approval signed at another chain head is INVALID', async () => {
		const log = await logWithAnswer(bob, {head: 'a'.repeat(64)});
		expect(verifyLog(log.bytes, log.sig, own).verdict).toBe('INVALID');
	});

	it("the operator's own key recorded as the approver is INVALID (self-approval)", async () => {
		const log = await logWithAnswer(alice);
		const report = verifyLog(log.bytes, log.sig, own);
		expect(report.verdict).toBe('INVALID');
		expect(report.problem?.reason).toMatch(/self-approval/);
	});
});

describe('verify: approvers against the allowed signers', () => {
	const line = (principal: string, signer: IdentitySigner) =>
		`${principal} namespaces="runbook-session" ${formatPublicKey(signer.publicKey)}`;
	const trust = (...lines: string[]) => ({allowedSigners: parseAllowedSigners(lines.join('\n')).signers});

	it('an approver outside the allowed signers is UNTRUSTED, though the operator is in them', async () => {
		const log = await logWithAnswer(bob);
		const report = verifyLog(log.bytes, log.sig, trust(line('alice@example.com', alice)));
		expect(report.verdict, report.summary).toBe('UNTRUSTED');
		expect(report.summary).toContain(
			`approved at line 5 by ${fingerprint(bob.publicKey)} (bob@deploy-2 (claimed)), not in the allowed signers`,
		);
	});

	it("a second key of the operator's own principal is a self-approval: INVALID at the approval's line", async () => {
		const puppet = localSigner(keyFromSeed(31));
		const log = await logWithAnswer(puppet);
		const report = verifyLog(
			log.bytes,
			log.sig,
			trust(line('alice@example.com', alice), line('alice@example.com', puppet)),
		);
		expect(report.verdict, report.summary).toBe('INVALID');
		expect(report.problem?.line).toBe(5);
		expect(report.problem?.reason).toMatch(
			/self-approval: .* in the allowed signers as alice@example\.com, the operator/,
		);
	});

	it('names the approver by their principal; a name the approval merely claims is marked as claimed', async () => {
		const log = await logWithAnswer(bob);
		const allowed = verifyLog(
			log.bytes,
			log.sig,
			trust(line('alice@example.com', alice), line('bob@example.com', bob)),
		);
		expect(allowed.verdict).toBe('VALID');
		expect(allowed.approvers?.map((a) => a.name)).toEqual(['bob@example.com']);
		expect(allowed.summary).toMatch(/1 approval signature checked \(bob@example\.com\)/);
		const claimed = verifyLog(log.bytes, log.sig, own);
		expect(claimed.approvers?.map((a) => a.name)).toEqual(['bob@deploy-2 (claimed)']);
	});
});

describe('the running session judges what is handed in', () => {
	const pending = {session, step: 'migrate', head: 'b'.repeat(64)};
	const file = async (signer: IdentitySigner, decision: 'approve' | 'reject' = 'approve', reason?: string) => ({
		format: approvalFormat,
		...pending,
		decision,
		...(reason !== undefined ? {reason} : {}),
		user: 'bob@deploy-2',
		key: formatPublicKey(signer.publicKey),
		sshsig: compactSshsig(
			await signSshsig(signer, approvalMessage({...pending, decision, ...(reason !== undefined ? {reason} : {})})),
		),
	});
	const context = {operatorKeys: [ed25519Blob(identityKey)], approvedBy: [], now: new Date('2026-11-22T09:00:00Z')};

	it("takes another key's approval, and names them by their principal when allowed signers are set", async () => {
		expect(judgeApproval(await file(bob), pending, context)).toMatchObject({
			isAccepted: true,
			decision: 'approve',
			by: 'bob@deploy-2',
		});
		const {signers} = parseAllowedSigners(
			`bob@example.com namespaces="runbook-session" ${formatPublicKey(bob.publicKey)}\n`,
		);
		expect(judgeApproval(await file(bob), pending, {...context, allowedSigners: signers})).toMatchObject({
			isAccepted: true,
			by: 'bob@example.com',
		});
	});

	it('refuses a key outside the allowed signers, a repeated approver, and a rejection without a reason', async () => {
		const {signers} = parseAllowedSigners(
			`carol@example.com ${formatPublicKey(localSigner(keyFromSeed(5)).publicKey)}\n`,
		);
		expect(judgeApproval(await file(bob), pending, {...context, allowedSigners: signers})).toMatchObject({
			isAccepted: false,
			reason: 'the key is not in the allowed signers',
		});
		expect(
			judgeApproval(await file(bob), pending, {...context, approvedBy: [fingerprint(bob.publicKey)]}),
		).toMatchObject({isAccepted: false, reason: 'this key has already approved the step'});
		expect(judgeApproval(await file(bob, 'reject', ' '), pending, context)).toMatchObject({
			isAccepted: false,
			reason: 'a rejection without a reason',
		});
		expect(judgeApproval({nonsense: true}, pending, context)).toMatchObject({
			isAccepted: false,
			reason: 'not an approval file',
		});
	});
});
