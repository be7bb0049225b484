// What `verify` reports: the verdict, its one line, and what it rests on. Types, the exit codes,
// and the INVALID report every checker's problem becomes. Pure.
import type {AllowedSigner} from './allowed-signers.js';
import type {ChainState} from './verify-records.js';

export type Verdict = 'VALID' | 'INVALID' | 'INCOMPLETE' | 'UNTRUSTED';

export const verdictExitCodes: Record<Verdict, number> = {VALID: 0, INVALID: 1, INCOMPLETE: 3, UNTRUSTED: 4};

/** Whom to trust: keys from an allowed_signers file, or else the operator's own keys. */
export type Trust = {allowedSigners: AllowedSigner[]; principal?: string} | {ownKeys: Buffer[]};

export type VerifyReport = {
	verdict: Verdict;
	/** One line for the operator, ending with the session id when the header names one. */
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
	/** Who gave each of those, by the name to show. */
	approvers?: ApproverReport[];
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

/**
 * One checked approval or rejection. `name`: the approver's principals from the allowed signers,
 * or else what the approval file claims, marked `(claimed)`. `isTrusted` is false only when
 * allowed signers were given and the key is not in them.
 */
export type ApproverReport = {
	line: number;
	step: string;
	fingerprint: string;
	principals: string[];
	name: string;
	isTrusted: boolean;
};

export type Problem = {line: number; offset: number; reason: string};

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
