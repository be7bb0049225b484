// The verdict builder of `verify`: from what the lines established (a ChainState), the seal and
// the whole-file signature, and whom the auditor trusts, to one verdict and its one line. Pure.
import {checkKeySignature, isSshsigHash, parseSshsig, sshsigSignedData, sshsigSignedDigest} from './sshsig.js';
import {signatureNamespace} from './signer.js';
import type {ChainState} from './verify-records.js';
import {invalidReport, type Problem, type Trust, type VerifyReport} from './verify-report.js';
import {approverReports, selfApproval, signerName, signerReport} from './verify-trust.js';

/**
 * The verdict once every complete line checked out. `tornAt`: where a torn last line starts;
 * `expectedSession`: the session the log was asked for by id or directory.
 */
export function buildVerdict(
	chain: ChainState,
	tornAt: number | undefined,
	sigText: string | undefined,
	trust: Trust,
	expectedSession?: string,
): VerifyReport {
	const cut = sealedCutProblem(chain, tornAt, sigText);
	if (cut) return invalidReport(chain, cut);
	const {header, data, isSealed, signedThrough, lines} = chain;
	if (header && expectedSession !== undefined && header.session !== expectedSession)
		return invalidReport(chain, {
			line: 0,
			offset: 0,
			reason: `the header is of session \`${header.session}\`, not \`${expectedSession}\` it was given as (another session's files put in its place)`,
		});
	const early = unattestedVerdict(chain, tornAt);
	if (early || !header) return early!;
	const signer = signerReport(chain.identityKey!, header.identity.key, header, trust);
	const resumes = chain.takeovers.map((t) => ({line: t.line, signer: signerReport(t.blob, t.key, header, trust)}));
	const approvers = approverReports(chain.answers, header, trust);
	const self = selfApproval(approvers, [signer, ...resumes.map((r) => r.signer)]);
	if (self)
		return invalidReport(chain, {
			line: self.approver.line,
			offset: chain.answers.find((a) => a.line === self.approver.line)!.offset,
			reason: `a self-approval: the approver's key ${self.approver.fingerprint} is in the allowed signers as ${self.principal}, the operator`,
		});
	const warnings: string[] = [];
	const base = {
		session: header.session,
		lines,
		...(signedThrough !== undefined ? {signedThrough} : {}),
		isSealed,
		signer,
		warnings,
		...(resumes.length > 0 ? {resumes} : {}),
		...(approvers.length > 0 ? {approvals: approvers.length, approvers} : {}),
	};
	if (isSealed) {
		if (sigText === undefined) warnings.push('session.jsonl.sig is missing; `ssh-keygen -Y verify` needs it');
		else {
			const whole = verifySshsigWhole(chain, sigText, chain.currentIdentity!);
			if (whole) {
				const reason = `session.jsonl.sig: ${whole}`;
				const problem = {line: lines, offset: data.length, reason};
				return {verdict: 'INVALID', summary: `INVALID: ${reason}`, problem, ...base};
			}
		}
	}
	const unsigned = lines - 1 - (signedThrough ?? 1);
	const incomplete = isSealed
		? undefined
		: `no seal; lines 0-${signedThrough ?? 1} are signed${unsigned > 0 ? `, ${unsigned} after them are chained but unsigned` : ''}${tornAt !== undefined ? `; a torn last line at byte ${tornAt}` : ''} (a crash or a cut)`;
	// An unknown signer outweighs a cut: a planted log looks just like a crashed one.
	const state = incomplete === undefined ? 'consistent and sealed' : `incomplete (${incomplete})`;
	const untrusted = !signer.isTrusted
		? `signed by ${signer.fingerprint}, ${signer.trustedAs}`
		: untrustedOther(resumes, approvers);
	if (untrusted) return {verdict: 'UNTRUSTED', summary: `UNTRUSTED: ${state}, but ${untrusted}`, ...base};
	if (incomplete !== undefined) return {verdict: 'INCOMPLETE', summary: `INCOMPLETE: ${incomplete}`, ...base};
	const approved =
		approvers.length === 0
			? ''
			: `; ${approvers.length} approval signature${approvers.length === 1 ? '' : 's'} checked (${[...new Set(approvers.map((a) => a.name))].join('; ')})`;
	const takenOver =
		resumes.length === 0
			? ''
			: `; resumed ${resumes.length === 1 ? 'once' : `${resumes.length} times`}, by ${[...new Set(resumes.map((r) => signerName(r.signer)))].join('; ')}`;
	return {
		verdict: 'VALID',
		summary: `VALID: ${lines} lines, sealed, signed by ${signerName(signer)} (${signer.trustedAs})${takenOver}${approved}`,
		...base,
	};
}

/** A runner that took over, or an approver, whom the auditor does not trust; in words. */
function untrustedOther(
	resumes: Array<{line: number; signer: ReturnType<typeof signerReport>}>,
	approvers: ReturnType<typeof approverReports>,
): string | undefined {
	const resume = resumes.find((r) => !r.signer.isTrusted);
	if (resume) return `taken over at line ${resume.line} by ${resume.signer.fingerprint}, ${resume.signer.trustedAs}`;
	const approver = approvers.find((a) => !a.isTrusted);
	if (approver)
		return `approved at line ${approver.line} by ${approver.fingerprint} (${approver.name}), not in the allowed signers`;
	return undefined;
}

/**
 * session.jsonl.sig is written only after the seal, so beside a log without its seal it means the
 * log was cut short after sealing, even to nothing. Bytes after the seal are never the writer's.
 */
function sealedCutProblem(
	chain: ChainState,
	tornAt: number | undefined,
	sigText: string | undefined,
): Problem | undefined {
	const {data, lines, isSealed} = chain;
	if (isSealed && tornAt !== undefined)
		return {
			line: lines,
			offset: tornAt,
			reason: `bytes after the seal (${data.length - tornAt} of them, with no newline)`,
		};
	if (sigText === undefined || isSealed) return undefined;
	const whole = chain.currentIdentity ? verifySshsigWhole(chain, sigText, chain.currentIdentity) : undefined;
	return {
		line: lines,
		offset: tornAt ?? data.length,
		reason: `the log ends without its seal, but session.jsonl.sig beside it says it was sealed: it was cut short${whole ? ` (session.jsonl.sig ${whole})` : ''}`,
	};
}

/** The verdicts for a log with no attested header: empty of lines, cut inside its first two, or unsigned. */
function unattestedVerdict(chain: ChainState, tornAt: number | undefined): VerifyReport | undefined {
	const {header, data, lines} = chain;
	if (!header) {
		if (tornAt === 0)
			return {
				verdict: 'INCOMPLETE',
				summary: 'INCOMPLETE: the header itself is torn; the session stopped as it began, before anything was recorded',
				lines: 0,
				isSealed: false,
				warnings: [],
			};
		return invalidReport(chain, {line: 0, offset: 0, reason: 'no complete header line'});
	}
	if (chain.isAttested) return undefined;
	// Only the header, or a torn attestation after it: the writer stopped at the very start.
	if (lines === 1)
		return {
			verdict: 'INCOMPLETE',
			summary: `INCOMPLETE: the session stopped before its header was attested${tornAt !== undefined ? ` (a torn line at byte ${tornAt})` : ''}; nothing was recorded`,
			session: header.session,
			lines: 1,
			isSealed: false,
			warnings: [],
		};
	return invalidReport(chain, {line: 1, offset: tornAt ?? data.length, reason: 'no attestation: the log is unsigned'});
}

/** The whole-file SSHSIG: by the header's identity, over exactly these bytes (or their digest, when streamed). */
function verifySshsigWhole(chain: ChainState, sigText: string, identityKey: Buffer): string | undefined {
	try {
		const parsed = parseSshsig(sigText);
		if (parsed.namespace !== signatureNamespace) return `signed for namespace \`${parsed.namespace}\``;
		if (!parsed.publicKey.equals(identityKey)) return "signed by another key than the log's identity";
		const {hashAlgorithm} = parsed;
		if (!isSshsigHash(hashAlgorithm)) return `hashed with \`${hashAlgorithm}\`, which SSHSIG does not allow`;
		const {wholeDigest} = chain;
		if (wholeDigest && wholeDigest.hashAlgorithm !== hashAlgorithm)
			return `hashed with \`${hashAlgorithm}\`, not the \`${wholeDigest.hashAlgorithm}\` the file was streamed through`;
		const signed = wholeDigest
			? sshsigSignedDigest(signatureNamespace, wholeDigest.bytes, hashAlgorithm)
			: sshsigSignedData(signatureNamespace, chain.data, hashAlgorithm);
		return checkKeySignature(parsed.publicKey, signed, parsed.signature)
			? undefined
			: 'does not match the file (the file was changed after it was sealed)';
	} catch (error) {
		return (error as Error).message;
	}
}
