// Verifies a session log: every line canonical and chained, the header attested by the identity,
// every checkpoint and the seal signed, the whole-file signature, and whether the signer is
// trusted. Bytes in, a verdict out. Pure.
import {verify as verifySignature} from 'node:crypto';
import {encodeHeader, hashLine, logFormat, type LogHeader} from './entry.js';
import {attestMessage, auditTypes, headText, resumeText} from './records.js';
import {recordedApprovalProblem} from './approval.js';
import {eventTypes} from '../run/events.js';
import {principalMatches, principalsFor, type AllowedSigner} from './allowed-signers.js';
import {checkKeySignature, parseSshsig, sshsigSignedData, verifySshsig} from './sshsig.js';
import {signatureNamespace} from './signer.js';
import {fingerprint, parsePublicKey, publicKeyFromBlob} from './ssh-wire.js';

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

const runEventTypes: ReadonlySet<string> = new Set(eventTypes);

const utf8 = new TextDecoder('utf-8', {fatal: true});

export function verifyLog(bytes: Uint8Array, sigText: string | undefined, trust: Trust): VerifyReport {
	const warnings: string[] = [];
	const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const invalid = (line: number, offset: number, reason: string, extra: Partial<VerifyReport> = {}): VerifyReport => ({
		verdict: 'INVALID',
		summary: `INVALID: line ${line} (byte ${offset}): ${reason}`,
		problem: {line, offset, reason},
		lines: line,
		isSealed: false,
		warnings,
		...extra,
	});
	// Cut at byte 0: the writer was stopped between creating the file and writing its header.
	if (data.length === 0)
		return {
			verdict: 'INCOMPLETE',
			summary: 'INCOMPLETE: the log is empty; the session stopped as it began, before anything was recorded',
			lines: 0,
			isSealed: false,
			warnings,
		};
	if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf)
		return invalid(0, 0, 'a byte-order mark before the header');

	let header: LogHeader | undefined;
	let identityKey: Buffer | undefined;
	/** Whoever signs from here on: the header's identity, or the last runner that took over. */
	let currentIdentity: Buffer | undefined;
	const takeovers: Array<{line: number; key: string; blob: Buffer}> = [];
	/** The chain head each step's latest approval request was made at. */
	const requestHeads = new Map<string, string>();
	let approvalsChecked = 0;
	let sessionKey: ReturnType<typeof publicKeyFromBlob> | undefined;
	let prev = '';
	let lastT = 0;
	let signedThrough: number | undefined;
	let isSealed = false;
	let isAttested = false;
	let offset = 0;
	let previousOffset = 0;
	let index = 0;
	let tornAt: number | undefined;

	// One decode for the whole file; line by line only when it fails, to find the bad line.
	let wholeText: string | undefined;
	try {
		wholeText = utf8.decode(data);
	} catch {
		wholeText = undefined;
	}
	let textAt = 0;

	while (offset < data.length) {
		const end = data.indexOf(0x0a, offset);
		if (end === -1) {
			// A last line with no newline: the writer stopped mid-line (a crash or a cut).
			tornAt = offset;
			break;
		}
		const lineBytes = data.subarray(offset, end);
		const fail = (reason: string) =>
			invalid(index, offset, reason, {session: header?.session, signedThrough, lines: index});
		if (isSealed) return fail('a line after the seal');
		let text: string;
		if (wholeText !== undefined) {
			const textEnd = wholeText.indexOf('\n', textAt);
			text = wholeText.slice(textAt, textEnd);
			textAt = textEnd + 1;
		} else {
			try {
				text = utf8.decode(lineBytes);
			} catch {
				return fail('not valid UTF-8');
			}
		}
		if (text.includes('\r')) return fail('a carriage return (CRLF line ends are not the log format)');
		let record: Record<string, unknown>;
		try {
			record = JSON.parse(text) as Record<string, unknown>;
		} catch {
			return fail('not a JSON object');
		}
		if (typeof record !== 'object' || record === null || Array.isArray(record)) return fail('not a JSON object');
		if (record.seq !== index)
			return fail(`seq is ${String(record.seq)}, expected ${index} (a line was removed, added or moved)`);

		if (index === 0) {
			if (record.type !== 'header') return fail('the first line is not a header');
			if (record.format !== logFormat) return fail(`unsupported log format \`${String(record.format)}\``);
			header = record as unknown as LogHeader;
			let canonical: string;
			try {
				canonical = encodeHeader(header);
			} catch {
				return fail('the header is missing fields');
			}
			if (canonical !== text)
				return fail('the header is not in canonical form (edited, reordered, or extra whitespace)');
			try {
				identityKey = parsePublicKey(header.identity.key).blob;
				sessionKey = publicKeyFromBlob(parsePublicKey(header.skey).blob);
			} catch {
				return fail('the header does not name a valid identity key and session key');
			}
		} else {
			const {t, type, prev: linePrev} = record as {t: unknown; type: unknown; prev: unknown};
			const rest = record as Record<string, unknown>;
			if (typeof type !== 'string' || (!runEventTypes.has(type) && !auditTypes.has(type)))
				return fail(`unknown record type \`${String(type)}\``);
			if (typeof t !== 'number' || !Number.isInteger(t) || t < 0)
				return fail('`t` is not a whole number of microseconds');
			if (t < lastT) return fail(`time goes backwards (${t} µs after ${lastT} µs)`);
			if (linePrev !== prev) {
				// Either the line before was changed, or this one does not belong here. The next line
				// decides: if it still chains to this one, this one is intact and the line before changed.
				const isThisOneForeign = nextPrev(data, end) !== hashLine(lineBytes);
				if (isThisOneForeign)
					return fail(
						`does not belong here: its \`prev\` does not match line ${index - 1}, nor does line ${index + 1} chain to it (spliced, inserted, or its \`prev\` edited)`,
					);
				return invalid(index - 1, previousOffset, `changed: its bytes no longer match \`prev\` on line ${index}`, {
					session: header?.session,
					signedThrough,
					lines: index,
				});
			}
			// Canonical: what the writer's encoder would make of it (the four common keys first, in order).
			if (!hasCommonKeysFirst(record) || JSON.stringify(record) !== text)
				return fail('not in canonical form (a duplicate key, reordered fields, or extra whitespace)');
			lastT = t;
			if (index === 1) {
				if (type !== 'attest') return fail("line 1 is not the identity's attestation of the header (unsigned log)");
				const check = verifySshsig(
					attestMessage(data.subarray(0, data.indexOf(0x0a))),
					String(rest['sshsig' as keyof typeof rest]),
					signatureNamespace,
				);
				if (!check.isValid)
					return invalid(0, 0, `the header does not match its attestation on line 1 (${check.reason})`, {
						session: header?.session,
						lines: index,
					});
				if (!check.publicKey.equals(identityKey!))
					return fail('the header is attested by another key than the one it names');
				isAttested = true;
				currentIdentity = identityKey;
			} else if (type === 'attest') {
				return fail('a second attestation');
			} else if (type === 'resume') {
				const {skey, identity, sshsig} = rest as {skey?: unknown; identity?: {key?: unknown}; sshsig?: unknown};
				let key: Buffer;
				let nextSessionKey: ReturnType<typeof publicKeyFromBlob>;
				try {
					key = parsePublicKey(String(identity?.key)).blob;
					nextSessionKey = publicKeyFromBlob(parsePublicKey(String(skey)).blob);
				} catch {
					return fail('the takeover does not name a valid identity key and session key');
				}
				const check = verifySshsig(
					resumeText(header!.session, index, prev, String(skey)),
					String(sshsig),
					signatureNamespace,
				);
				if (!check.isValid)
					return fail(
						`the takeover's identity signature does not verify (${check.reason}): a line before it was changed, or this one was`,
					);
				if (!check.publicKey.equals(key)) return fail('the takeover is signed by another key than the one it names');
				sessionKey = nextSessionKey;
				currentIdentity = key;
				takeovers.push({line: index, key: String(identity?.key), blob: key});
				signedThrough = index;
			} else if (type === 'approval-requested') {
				if (rest.head !== prev)
					return fail('the approval request names another chain head than its own place in the chain');
				requestHeads.set(String(rest.step), prev);
			} else if (type === 'approval-given' || type === 'approval-rejected') {
				const answer = rest as unknown as {step: string; key: string; head: string; sshsig: string; reason?: string};
				if (requestHeads.get(answer.step) !== answer.head)
					return fail('an approval that answers no request of this step at this chain head');
				const problem = recordedApprovalProblem(
					header!.session,
					answer,
					type === 'approval-given' ? 'approve' : 'reject',
				);
				if (problem) return fail(problem);
				let blob: Buffer | undefined;
				try {
					blob = parsePublicKey(answer.key).blob;
				} catch {
					blob = undefined;
				}
				if (blob && [identityKey!, ...takeovers.map((x) => x.blob)].some((k) => k.equals(blob)))
					return fail("a self-approval: the operator's own key is recorded as the second approver");
				approvalsChecked++;
			} else if (type === 'checkpoint' || type === 'seal') {
				const signed = headText(type, header!.session, index, prev);
				const sig = Buffer.from(String(rest['sig' as keyof typeof rest]), 'base64');
				if (!verifySignature(null, signed, sessionKey!, sig))
					return fail(
						`the ${type}'s session-key signature does not verify: a line after line ${signedThrough ?? 1} was changed and the chain recomputed, or this line was`,
					);
				if (type === 'seal') {
					const sealCheck = verifySshsig(signed, String(rest['sshsig' as keyof typeof rest]), signatureNamespace);
					if (!sealCheck.isValid || !sealCheck.publicKey.equals(currentIdentity!))
						return fail(
							`the seal's identity signature does not verify${sealCheck.isValid ? ' (another key)' : `: ${sealCheck.reason}`}`,
						);
					isSealed = true;
				}
				signedThrough = index;
			}
		}
		prev = hashLine(lineBytes);
		previousOffset = offset;
		offset = end + 1;
		index++;
	}

	if (!header) {
		if (tornAt === 0)
			return {
				verdict: 'INCOMPLETE',
				summary: 'INCOMPLETE: the header itself is torn; the session stopped as it began, before anything was recorded',
				lines: 0,
				isSealed: false,
				warnings,
			};
		return invalid(0, 0, 'no complete header line');
	}
	// A whole-file signature exists only once sealed: then any change, even to the last newline, is tampering.
	if (sigText !== undefined && currentIdentity && (tornAt !== undefined || !isSealed)) {
		const whole = verifySshsigWhole(data, sigText, currentIdentity);
		if (whole)
			return invalid(
				index,
				tornAt ?? offset,
				`the end of the log was cut or changed after it was sealed (session.jsonl.sig ${whole})`,
				{session: header.session, signedThrough, lines: index},
			);
	}
	if (!isAttested) {
		// Only the header, or a torn attestation after it: the writer stopped at the very start.
		if (index === 1)
			return {
				verdict: 'INCOMPLETE',
				summary: `INCOMPLETE: the session stopped before its header was attested${tornAt !== undefined ? ` (a torn line at byte ${tornAt})` : ''}; nothing was recorded`,
				session: header.session,
				lines: 1,
				isSealed: false,
				warnings,
			};
		return invalid(1, offset, 'no attestation: the log is unsigned');
	}
	const signer = signerReport(identityKey!, header.identity.key, header, trust);
	const resumes = takeovers.map((t) => ({line: t.line, signer: signerReport(t.blob, t.key, header!, trust)}));
	const base = {
		session: header.session,
		lines: index,
		signedThrough,
		isSealed,
		signer,
		warnings,
		...(resumes.length > 0 ? {resumes} : {}),
		...(approvalsChecked > 0 ? {approvals: approvalsChecked} : {}),
	};

	if (isSealed) {
		if (sigText === undefined) warnings.push('session.jsonl.sig is missing; `ssh-keygen -Y verify` needs it');
		else {
			const whole = verifySshsigWhole(data, sigText, currentIdentity!);
			if (whole)
				return {
					verdict: 'INVALID',
					summary: `INVALID: session.jsonl.sig: ${whole}`,
					problem: {line: index, offset: data.length, reason: `session.jsonl.sig: ${whole}`},
					...base,
				};
		}
	}
	if (!isSealed || tornAt !== undefined) {
		const unsigned = index - 1 - (signedThrough ?? 1);
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
	const approved =
		approvalsChecked === 0
			? ''
			: `; ${approvalsChecked} approval signature${approvalsChecked === 1 ? '' : 's'} checked`;
	const takenOver =
		resumes.length === 0
			? ''
			: `; resumed ${resumes.length === 1 ? 'once' : `${resumes.length} times`}, by ${[...new Set(resumes.map((r) => (r.signer.principals.length > 0 ? r.signer.principals.join(', ') : r.signer.fingerprint)))].join('; ')}`;
	return {
		verdict: 'VALID',
		summary: `VALID: ${index} lines, sealed, signed by ${signer.principals.length > 0 ? signer.principals.join(', ') : signer.fingerprint} (${signer.trustedAs})${takenOver}${approved}`,
		...base,
	};
}

function hasCommonKeysFirst(record: Record<string, unknown>): boolean {
	let i = 0;
	for (const key in record) {
		if (key !== commonKeys[i]) return false;
		if (++i === commonKeys.length) return true;
	}
	return false;
}

const commonKeys = ['seq', 't', 'type', 'prev'];

/** The `prev` of the line after the one ending at `end`, if it can be read. */
function nextPrev(data: Buffer, end: number): string | undefined {
	const next = data.indexOf(0x0a, end + 1);
	if (next === -1) return undefined;
	try {
		const record = JSON.parse(data.subarray(end + 1, next).toString('utf8')) as {prev?: unknown};
		return typeof record.prev === 'string' ? record.prev : undefined;
	} catch {
		return undefined;
	}
}

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
