// A second person's answer to an approval request: what they sign, and how the running session
// and the verifier judge it. The answer is bound to one session, one step and the chain head at
// the request, so it cannot be replayed onto another step or another request. Pure.
import {principalsFor, type AllowedSigner} from './allowed-signers.js';
import {signatureNamespace} from './signer.js';
import {verifySshsig} from './sshsig.js';
import {fingerprint, parsePublicKey} from './ssh-wire.js';
import type {ApprovalDecision, Judged} from '../run/approval-answer.js';

export const approvalFormat = 'runbook-approval/1';

export type {ApprovalDecision, Judged};

/** The file an approver hands in, in the session's `approvals/` directory. */
export type ApprovalFile = {
	format: typeof approvalFormat;
	session: string;
	step: string;
	head: string;
	decision: ApprovalDecision;
	reason?: string;
	/** Who says they are approving (user@host): a claim; the key is what counts. */
	user: string;
	key: string;
	sshsig: string;
};

/** What the approver's key signs. */
export function approvalMessage(answer: {
	session: string;
	step: string;
	head: string;
	decision: ApprovalDecision;
	reason?: string;
}): Buffer {
	return Buffer.from(
		`${approvalFormat}\n${answer.session}\n${answer.step}\n${answer.head}\n${answer.decision}\n${answer.reason ?? ''}\n`,
	);
}

export type PendingApproval = {session: string; step: string; head: string};

export type JudgeContext = {
	/** The keys of the operator running the session (the header's, and any runner that took over). */
	operatorKeys: Buffer[];
	/** Fingerprints that already approved this request. */
	approvedBy: string[];
	/** When given, only keys listed here may approve. */
	allowedSigners?: AllowedSigner[];
	now: Date;
};

/** Whether the running session takes this answer; a refusal says why, in words for the operator. */
export function judgeApproval(raw: unknown, pending: PendingApproval, context: JudgeContext): Judged {
	const file = raw as Partial<ApprovalFile> | null;
	if (!file || typeof file !== 'object' || file.format !== approvalFormat)
		return {isAccepted: false, reason: 'not an approval file'};
	const by = typeof file.user === 'string' ? file.user : undefined;
	let blob: Buffer;
	try {
		blob = parsePublicKey(String(file.key)).blob;
	} catch {
		return {isAccepted: false, reason: 'the approval names no valid public key', ...(by ? {by} : {})};
	}
	const who = {fingerprint: fingerprint(blob), ...(by ? {by} : {})};
	if (file.decision !== 'approve' && file.decision !== 'reject')
		return {isAccepted: false, reason: 'the approval neither approves nor rejects', ...who};
	if (file.session !== pending.session) return {isAccepted: false, reason: 'signed for another session', ...who};
	if (file.step !== pending.step)
		return {
			isAccepted: false,
			reason: `signed for another step (\`${String(file.step)}\`, not \`${pending.step}\`)`,
			...who,
		};
	if (file.head !== pending.head)
		return {
			isAccepted: false,
			reason: 'signed for another request (the chain head differs): an old or copied approval',
			...who,
		};
	if (file.decision === 'reject' && (typeof file.reason !== 'string' || file.reason.trim() === ''))
		return {isAccepted: false, reason: 'a rejection without a reason', ...who};
	const check = verifySshsig(
		approvalMessage({
			session: file.session,
			step: file.step,
			head: file.head,
			decision: file.decision,
			...(file.reason !== undefined ? {reason: file.reason} : {}),
		}),
		String(file.sshsig),
		signatureNamespace,
	);
	if (!check.isValid) return {isAccepted: false, reason: `the signature does not verify (${check.reason})`, ...who};
	if (!check.publicKey.equals(blob))
		return {isAccepted: false, reason: 'signed by another key than the one it names', ...who};
	if (context.operatorKeys.some((k) => k.equals(blob)))
		return {
			isAccepted: false,
			reason: "self-approval: this is the operator's own key; a second approval must come from someone else",
			...who,
		};
	if (context.approvedBy.includes(who.fingerprint))
		return {isAccepted: false, reason: 'this key has already approved the step', ...who};
	let name = by ?? who.fingerprint;
	if (context.allowedSigners) {
		const principals = principalsFor(context.allowedSigners, blob, signatureNamespace, context.now);
		if (principals.length === 0) return {isAccepted: false, reason: 'the key is not in the allowed signers', ...who};
		name = principals.join(', ');
	}
	return {
		isAccepted: true,
		decision: file.decision,
		by: name,
		key: String(file.key),
		fingerprint: who.fingerprint,
		sshsig: String(file.sshsig),
		...(file.decision === 'reject' ? {reason: file.reason!} : {}),
	};
}

/** For the verifier: whether a recorded answer carries a valid signature by the key it names, over its request. */
export function recordedApprovalProblem(
	session: string,
	record: {step: string; key: string; head: string; sshsig: string; reason?: string},
	decision: ApprovalDecision,
): string | undefined {
	let blob: Buffer;
	try {
		blob = parsePublicKey(record.key).blob;
	} catch {
		return 'the approval names no valid public key';
	}
	const check = verifySshsig(
		approvalMessage({
			session,
			step: record.step,
			head: record.head,
			decision,
			...(record.reason !== undefined ? {reason: record.reason} : {}),
		}),
		record.sshsig,
		signatureNamespace,
	);
	if (!check.isValid) return `the approver's signature does not verify (${check.reason})`;
	if (!check.publicKey.equals(blob)) return 'the approval is signed by another key than the one it names';
	return undefined;
}
