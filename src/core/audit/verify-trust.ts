// Whom `verify` trusts: the signer of the header and of each takeover, and each approver, judged
// against the auditor's own keys or the allowed signers. Pure.
import type {LogHeader} from './entry.js';
import {principalMatches, principalsFor} from './allowed-signers.js';
import {signatureNamespace} from './signer.js';
import {fingerprint} from './ssh-wire.js';
import {terminalText} from '../text/sanitize.js';
import type {RecordedAnswer} from './verify-records.js';
import type {ApproverReport, SignerReport, Trust} from './verify-report.js';

export function signerReport(key: Buffer, keyText: string, header: LogHeader, trust: Trust): SignerReport {
	const base = {key: keyText, fingerprint: fingerprint(key)};
	if ('ownKeys' in trust) {
		const isOwn = trust.ownKeys.some((k) => k.equals(key));
		return {
			...base,
			principals: [],
			isTrusted: isOwn,
			trustedAs: isOwn
				? 'trusted as your own identity; no --allowed-signers given'
				: 'not your own identity, and no --allowed-signers given',
		};
	}
	const principals = principalsFor(trust.allowedSigners, key, signatureNamespace, new Date(header.wall));
	const isTrusted =
		trust.principal === undefined ? principals.length > 0 : principalMatches(principals, trust.principal);
	const trustedAs = isTrusted
		? `in the allowed signers as ${principals.join(', ')}`
		: principals.length === 0
			? 'not in the allowed signers'
			: `in the allowed signers as ${principals.join(', ')}, not as ${trust.principal}`;
	return {...base, principals, isTrusted, trustedAs};
}

/** Each answer's approver: named by the allowed signers when given, else by the claim, marked as such. */
export function approverReports(answers: RecordedAnswer[], header: LogHeader, trust: Trust): ApproverReport[] {
	return answers.map((answer) => {
		const principals =
			'allowedSigners' in trust
				? principalsFor(trust.allowedSigners, answer.blob, signatureNamespace, new Date(header.wall))
				: [];
		return {
			line: answer.line,
			step: answer.step,
			fingerprint: answer.fingerprint,
			principals,
			name: principals.length > 0 ? principals.join(', ') : `${terminalText(answer.claimedBy)} (claimed)`,
			isTrusted: !('allowedSigners' in trust) || principals.length > 0,
		};
	});
}

/** An approver the allowed signers name as one of the operators: a second key of the same person. */
export function selfApproval(
	approvers: ApproverReport[],
	operators: SignerReport[],
): {approver: ApproverReport; principal: string} | undefined {
	const operatorPrincipals = new Set(operators.flatMap((signer) => signer.principals));
	for (const approver of approvers) {
		const principal = approver.principals.find((p) => operatorPrincipals.has(p));
		if (principal !== undefined) return {approver, principal};
	}
	return undefined;
}

export const signerName = (signer: SignerReport) =>
	signer.principals.length > 0 ? signer.principals.join(', ') : signer.fingerprint;
