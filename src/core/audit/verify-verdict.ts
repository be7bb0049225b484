// The verdict builder of `verify`: from what the lines established (a ChainState), the seal and
// the whole-file signature, and whom the auditor trusts, to one verdict and its one line. Pure.
import type {LogHeader} from './entry.js';
import {principalMatches, principalsFor, type AllowedSigner} from './allowed-signers.js';
import {checkKeySignature, parseSshsig, sshsigSignedData} from './sshsig.js';
import {signatureNamespace} from './signer.js';
import {fingerprint} from './ssh-wire.js';
import type {ChainState} from './verify-records.js';

export type Verdict = 'VALID' | 'INVALID' | 'INCOMPLETE' | 'UNTRUSTED';

export const verdictExitCodes: Record<Verdict, number> = {VALID: 0, INVALID: 1, INCOMPLETE: 3, UNTRUSTED: 4};

/** Whom to trust: keys from an allowed_signers file, or else the operator's own keys. */
export type Trust = {allowedSigners: AllowedSigner[]; principal?: string} | {ownKeys: Buffer[]};

export type VerifyReport = {
	verdict: Verdict;
	/** One line for the operator. */
	summary: string;
	/** The first bad line (0 is the header), its byte offset, and why. */
	problem?: {line: number; offset: number; reason: string};
	session?: string;
	lines: number;
	/** The last line a signature covers (a checkpoint or the seal). */
	signedThrough?: number;
	isSealed: boolean;
	signer?: SignerReport;
	/** Approvals and rejections whose signatures were checked. */
	approvals?: number;
	/** Runners that took the session over after the first, in order. */
	resumes?: Array<{line: number; signer: SignerReport}>;
	warnings: string[];
};

export type SignerReport = {
	key: string;
	fingerprint: string;
	principals: string[];
	isTrusted: boolean;
	trustedAs: string;
};

type Problem = {line: number; offset: number; reason: string};

/** INVALID at `problem`, with what the chain established up to there. */
export function invalidReport(chain: ChainState, problem: Problem): VerifyReport {
	return {
		verdict: 'INVALID',
		summary: `INVALID: line ${problem.line} (byte ${problem.offset}): ${problem.reason}`,
		problem,
		...(chain.header ? {session: chain.header.session} : {}),
		lines: chain.lines,
		...(chain.signedThrough !== undefined ? {signedThrough: chain.signedThrough} : {}),
		isSealed: false,
		warnings: [],
	};
}

/** The verdict once every complete line checked out; `tornAt`: where a torn last line starts. */
export function buildVerdict(
	chain: ChainState,
	tornAt: number | undefined,
	sigText: string | undefined,
	trust: Trust,
): VerifyReport {
	const early = unattestedVerdict(chain, tornAt, sigText);
	if (early) return early;
	const {header, data, isSealed, signedThrough, lines} = chain;
	const signer = signerReport(chain.identityKey!, header!.identity.key, header!, trust);
	const resumes = chain.takeovers.map((t) => ({line: t.line, signer: signerReport(t.blob, t.key, header!, trust)}));
	const approvals = chain.answers.length;
	const warnings: string[] = [];
	const base = {
		session: header!.session,
		lines,
		...(signedThrough !== undefined ? {signedThrough} : {}),
		isSealed,
		signer,
		warnings,
		...(resumes.length > 0 ? {resumes} : {}),
		...(approvals > 0 ? {approvals} : {}),
	};
	if (isSealed) {
		if (sigText === undefined) warnings.push('session.jsonl.sig is missing; `ssh-keygen -Y verify` needs it');
		else {
			const whole = verifySshsigWhole(data, sigText, chain.currentIdentity!);
			if (whole) {
				const reason = `session.jsonl.sig: ${whole}`;
				return {
					verdict: 'INVALID',
					summary: `INVALID: ${reason}`,
					problem: {line: lines, offset: data.length, reason},
					...base,
				};
			}
		}
	}
	if (!isSealed || tornAt !== undefined) {
		const unsigned = lines - 1 - (signedThrough ?? 1);
		const torn = tornAt !== undefined ? `; a torn last line at byte ${tornAt}` : '';
		return {
			verdict: 'INCOMPLETE',
			summary: `INCOMPLETE: no seal; lines 0-${signedThrough ?? 1} are signed${unsigned > 0 ? `, ${unsigned} after them are chained but unsigned` : ''}${torn} (a crash or a cut)`,
			...base,
		};
	}
	if (!signer.isTrusted)
		return {
			verdict: 'UNTRUSTED',
			summary: `UNTRUSTED: consistent and sealed, but signed by ${signer.fingerprint}, ${signer.trustedAs}`,
			...base,
		};
	const untrusted = resumes.find((r) => !r.signer.isTrusted);
	if (untrusted)
		return {
			verdict: 'UNTRUSTED',
			summary: `UNTRUSTED: consistent and sealed, but taken over at line ${untrusted.line} by ${untrusted.signer.fingerprint}, ${untrusted.signer.trustedAs}`,
			...base,
		};
	const approved = approvals === 0 ? '' : `; ${approvals} approval signature${approvals === 1 ? '' : 's'} checked`;
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

/** The verdicts for a log with no attested header: empty of lines, cut inside its first two, or unsigned. */
function unattestedVerdict(
	chain: ChainState,
	tornAt: number | undefined,
	sigText: string | undefined,
): VerifyReport | undefined {
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
	// A whole-file signature exists only once sealed: then any change, even to the last newline, is tampering.
	if (sigText !== undefined && chain.currentIdentity && (tornAt !== undefined || !chain.isSealed)) {
		const whole = verifySshsigWhole(data, sigText, chain.currentIdentity);
		if (whole)
			return invalidReport(chain, {
				line: lines,
				offset: tornAt ?? data.length,
				reason: `the end of the log was cut or changed after it was sealed (session.jsonl.sig ${whole})`,
			});
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

const signerName = (signer: SignerReport) =>
	signer.principals.length > 0 ? signer.principals.join(', ') : signer.fingerprint;

function signerReport(key: Buffer, keyText: string, header: LogHeader, trust: Trust): SignerReport {
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

/** The whole-file SSHSIG: by the header's identity, over exactly these bytes. */
function verifySshsigWhole(data: Buffer, sigText: string, identityKey: Buffer): string | undefined {
	try {
		const parsed = parseSshsig(sigText);
		if (parsed.namespace !== signatureNamespace) return `signed for namespace \`${parsed.namespace}\``;
		if (!parsed.publicKey.equals(identityKey)) return "signed by another key than the log's identity";
		return checkKeySignature(parsed.publicKey, sshsigSignedData(signatureNamespace, data), parsed.signature)
			? undefined
			: 'does not match the file (the file was changed after it was sealed)';
	} catch (error) {
		return (error as Error).message;
	}
}
