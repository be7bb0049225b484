// Whom `resume`, `watch` and `approve` trust: a session whose runners (the header's attested
// identity and each identity that took it over) are all your own identity or in the allowed
// signers. Anyone in the shared deploy group can write a session.jsonl that claims to be a
// colleague's; its signature is the only claim that cannot be made without the key.
import type {AllowedSigner} from '../core/audit/allowed-signers.js';
import {principalsFor} from '../core/audit/allowed-signers.js';
import type {ReadLog} from '../core/audit/read-log.js';
import {signatureNamespace} from '../core/audit/signer.js';
import {fingerprint, parsePublicKey} from '../core/audit/ssh-wire.js';
import {verifyLog} from '../core/audit/verify.js';
import {terminalText} from '../core/text/sanitize.js';
import {ownPublicKeys} from '../store/identity.js';
import {approversAllowed} from './allowed-signers-file.js';
import {UsageError} from './usage-error.js';

/** Your own public keys (the agent's and runbook's key file) and the allowed signers, if any. */
export type SessionTrust = {ownKeys: Buffer[]; allowedSigners: AllowedSigner[]};

/** The trust of the user running this command: `--allowed-signers` (or the settings folder's) and their own keys. */
export async function sessionTrust(allowedSignersFlag: string | undefined): Promise<SessionTrust> {
	const allowedSigners = approversAllowed(allowedSignersFlag) ?? [];
	try {
		return {ownKeys: await ownPublicKeys(), allowedSigners};
	} catch (error) {
		throw new UsageError(
			`cannot read your own signing key to check whom a session is signed by: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
		);
	}
}

/**
 * Why the session is not to be trusted (undefined when it is): a header whose attestation does
 * not hold, or a runner key that is neither yours nor an allowed signer's. Names the key by its
 * fingerprint and the user@host the header claims, marked as claimed.
 */
export function untrustedReason(
	read: ReadLog,
	files: {bytes: Uint8Array; sig?: string | undefined},
	trust: SessionTrust,
): string | undefined {
	const header = read.header;
	const id = terminalText(String(header.session));
	const claimed = `${terminalText(String(header.operator?.user))}@${terminalText(String(header.operator?.host))} (claimed)`;
	// The header and its attestation (lines 0 and 1) bind the key to the session; the rest of the
	// log is verify's to judge, and a log that breaks off later is still followed (and said so).
	const firstEnd = files.bytes.indexOf(0x0a);
	const secondEnd = firstEnd === -1 ? -1 : files.bytes.indexOf(0x0a, firstEnd + 1);
	if (secondEnd === -1)
		return `session ${id}, claimed to be ${claimed}, has no attestation of its header, so it is not trusted`;
	const attested = files.bytes.subarray(0, secondEnd + 1);
	const report = verifyLog(attested, undefined, {ownKeys: trust.ownKeys});
	if (report.verdict === 'INVALID')
		return `session ${id}, claimed to be ${claimed}, is not attested by the key it names, so it is not trusted: ${report.summary}`;
	return untrustedKey(read, trust);
}

/** The first runner key of the session (as its lines claim, unverified) that is neither yours nor an allowed signer's. */
export function untrustedKey(read: ReadLog, trust: SessionTrust): string | undefined {
	const header = read.header;
	const id = terminalText(String(header.session));
	const claimed = `${terminalText(String(header.operator?.user))}@${terminalText(String(header.operator?.host))} (claimed)`;
	const keys = read.runnerKeys.length > 0 ? read.runnerKeys : [String(header.identity?.key)];
	for (const keyText of keys) {
		let blob: Buffer;
		try {
			blob = parsePublicKey(keyText).blob;
		} catch {
			return `session ${id}, claimed to be ${claimed}, names no readable signing key, so it is not trusted`;
		}
		if (trust.ownKeys.some((own) => own.equals(blob))) continue;
		if (principalsFor(trust.allowedSigners, blob, signatureNamespace, new Date(header.wall)).length > 0) continue;
		return `session ${id} is signed by key ${fingerprint(blob)}, claimed to be ${claimed}, which is neither your own identity nor in the allowed signers; not trusted (give --allowed-signers, or add the key to allowed_signers in the settings folder, if you trust it)`;
	}
	return undefined;
}

/** Throws the reason as a UsageError (exit 2) when the session is not trusted. */
export function requireTrusted(
	read: ReadLog,
	files: {bytes: Uint8Array; sig?: string | undefined},
	trust: SessionTrust,
): void {
	const reason = untrustedReason(read, files, trust);
	if (reason !== undefined) throw new UsageError(reason);
}
