// What a handed-in answer to an approval request becomes in the log, once the session has judged
// it (core/audit/approval.ts). Pure.
import type {Draft} from './events.js';

export type ApprovalDecision = 'approve' | 'reject';

/** A handed-in answer as the session judged it: accepted with what the log keeps, or refused with why. */
export type Judged =
	| {
			isAccepted: true;
			decision: ApprovalDecision;
			by: string;
			key: string;
			fingerprint: string;
			reason?: string;
			sshsig: string;
	  }
	| {isAccepted: false; reason: string; by?: string; fingerprint?: string};

/** `isReasonSecret`: the rejection's reason holds a secret, so masking it would break its signature. */
export function approvalAnswerEvents(
	judged: Judged,
	pending: {step: string; head: string},
	isReasonSecret: boolean,
): Draft[] {
	const {step, head} = pending;
	if (!judged.isAccepted)
		return [
			{
				type: 'approval-refused',
				step,
				reason: judged.reason,
				...(judged.by ? {by: judged.by} : {}),
				...(judged.fingerprint ? {fingerprint: judged.fingerprint} : {}),
			},
		];
	const {by, key, fingerprint, sshsig} = judged;
	if (judged.reason !== undefined && isReasonSecret)
		return [
			{
				type: 'approval-refused',
				step,
				reason: 'the rejection reason holds a secret; hand it in again without it',
				by,
				fingerprint,
			},
		];
	if (judged.decision === 'approve') return [{type: 'approval-given', step, by, key, fingerprint, head, sshsig}];
	return [
		{type: 'approval-rejected', step, by, key, fingerprint, head, reason: judged.reason!, sshsig},
		{type: 'step-failed', step, reason: 'approval', detail: `rejected by ${by}: ${judged.reason!}`},
	];
}
