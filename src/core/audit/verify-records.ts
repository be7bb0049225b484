// The checkers of `verify`, one per kind of record: the header, what every event line shares,
// the attestation, a takeover, an approval request and its answer, a checkpoint and the seal.
// Each reads and advances one `ChainState`, and returns why a line is bad, or nothing. Pure.
import {verify as verifySignature, type KeyObject} from 'node:crypto';
import {encodeHeader, hashLine, logFormat, type LogHeader} from './entry.js';
import {attestMessage, auditTypes, headText, resumeText} from './records.js';
import {recordedApprovalProblem} from './approval.js';
import {eventTypes} from '../run/events.js';
import {verifySshsig, type SshsigHash} from './sshsig.js';
import {signatureNamespace} from './signer.js';
import {fingerprint, parsePublicKey, publicKeyFromBlob} from './ssh-wire.js';
import {nextLinePrev, type LogLine} from './verify-lines.js';

/** An approval or rejection whose signature checked out, and who it claims to be from. */
export type RecordedAnswer = {
	line: number;
	offset: number;
	step: string;
	blob: Buffer;
	fingerprint: string;
	claimedBy: string;
};

/** What the lines read so far establish. */
export type ChainState = {
	/** The log's bytes; when it is streamed, only its header line (the rest passed through). */
	data: Buffer;
	/** The whole file's digest (the hash its `.sig` names), when it was streamed rather than held in `data`. */
	wholeDigest?: {hashAlgorithm: SshsigHash; bytes: Buffer};
	header?: LogHeader;
	identityKey?: Buffer;
	/** Whoever signs from here on: the header's identity, or the last runner that took over. */
	currentIdentity?: Buffer;
	sessionKey?: KeyObject;
	takeovers: Array<{line: number; key: string; blob: Buffer}>;
	/** The chain head each step's latest approval request was made at. */
	requestHeads: Map<string, string>;
	answers: RecordedAnswer[];
	/** The hash of the last good line. */
	prev: string;
	lastT: number;
	/** The last line a signature covers (a checkpoint, a takeover or the seal). */
	signedThrough?: number;
	isSealed: boolean;
	isAttested: boolean;
	/** Good lines so far. */
	lines: number;
	previousOffset: number;
};

/** A bad line: by default the one being checked; `line` and `offset` when it is another. */
export type LineProblem = {reason: string; line?: number; offset?: number};

export function newChainState(data: Buffer): ChainState {
	return {
		data,
		takeovers: [],
		requestHeads: new Map(),
		answers: [],
		prev: '',
		lastT: 0,
		isSealed: false,
		isAttested: false,
		lines: 0,
		previousOffset: 0,
	};
}

const runEventTypes: ReadonlySet<string> = new Set(eventTypes);

/** Checks one parsed line in its place, and on success counts it into the chain. */
export function checkRecord(
	chain: ChainState,
	line: LogLine,
	record: Record<string, unknown>,
): LineProblem | undefined {
	const problem = line.index === 0 ? checkHeader(chain, line, record) : checkEvent(chain, line, record);
	if (problem) return problem;
	chain.prev = hashLine(line.bytes);
	chain.previousOffset = line.offset;
	chain.lines = line.index + 1;
	return undefined;
}

function checkHeader(chain: ChainState, line: LogLine, record: Record<string, unknown>): LineProblem | undefined {
	if (record.type !== 'header') return {reason: 'the first line is not a header'};
	if (record.format !== logFormat) return {reason: `unsupported log format \`${String(record.format)}\``};
	const header = record as unknown as LogHeader;
	chain.header = header;
	let canonical: string;
	try {
		canonical = encodeHeader(header);
	} catch {
		return {reason: 'the header is missing fields'};
	}
	if (canonical !== line.text)
		return {reason: 'the header is not in canonical form (edited, reordered, or extra whitespace)'};
	try {
		chain.identityKey = parsePublicKey(header.identity.key).blob;
		chain.sessionKey = publicKeyFromBlob(parsePublicKey(header.skey).blob);
	} catch {
		return {reason: 'the header does not name a valid identity key and session key'};
	}
	return undefined;
}

/** What every line after the header shares: a known type, time, its place in the chain, canonical form. */
function checkEvent(chain: ChainState, line: LogLine, record: Record<string, unknown>): LineProblem | undefined {
	const {t, type, prev} = record;
	if (typeof type !== 'string' || (!runEventTypes.has(type) && !auditTypes.has(type)))
		return {reason: `unknown record type \`${String(type)}\``};
	if (typeof t !== 'number' || !Number.isInteger(t) || t < 0)
		return {reason: '`t` is not a whole number of microseconds'};
	if (t < chain.lastT) return {reason: `time goes backwards (${t} µs after ${chain.lastT} µs)`};
	if (prev !== chain.prev) return brokenLink(chain, line);
	// Canonical: what the writer's encoder would make of it (the four common keys first, in order).
	if (!hasCommonKeysFirst(record) || JSON.stringify(record) !== line.text)
		return {reason: 'not in canonical form (a duplicate key, reordered fields, or extra whitespace)'};
	chain.lastT = t;
	if (line.index === 1) return checkAttest(chain, record);
	switch (type) {
		case 'attest':
			return {reason: 'a second attestation'};
		case 'resume':
			return checkResume(chain, line, record);
		case 'approval-requested':
			if (record.head !== chain.prev)
				return {reason: 'the approval request names another chain head than its own place in the chain'};
			chain.requestHeads.set(String(record.step), chain.prev);
			return undefined;
		case 'approval-given':
		case 'approval-rejected':
			return checkAnswer(chain, line, record, type === 'approval-given' ? 'approve' : 'reject');
		case 'checkpoint':
		case 'seal':
			return checkSignedHead(chain, line, record, type);
		default:
			return undefined;
	}
}

/**
 * Either the line before was changed, or this one does not belong here. The next line decides:
 * if it still chains to this one, this one is intact and the line before changed.
 */
function brokenLink(chain: ChainState, line: LogLine): LineProblem {
	if (nextLinePrev(chain.data, line.end) !== hashLine(line.bytes))
		return {
			reason: `does not belong here: its \`prev\` does not match line ${line.index - 1}, nor does line ${line.index + 1} chain to it (spliced, inserted, or its \`prev\` edited)`,
		};
	return {
		line: line.index - 1,
		offset: chain.previousOffset,
		reason: `changed: its bytes no longer match \`prev\` on line ${line.index}`,
	};
}

function checkAttest(chain: ChainState, record: Record<string, unknown>): LineProblem | undefined {
	if (record.type !== 'attest')
		return {reason: "line 1 is not the identity's attestation of the header (unsigned log)"};
	const {data} = chain;
	const check = verifySshsig(
		attestMessage(data.subarray(0, data.indexOf(0x0a))),
		String(record.sshsig),
		signatureNamespace,
	);
	if (!check.isValid)
		return {line: 0, offset: 0, reason: `the header does not match its attestation on line 1 (${check.reason})`};
	if (!check.publicKey.equals(chain.identityKey!))
		return {reason: 'the header is attested by another key than the one it names'};
	chain.isAttested = true;
	chain.currentIdentity = chain.identityKey;
	return undefined;
}

function checkResume(chain: ChainState, line: LogLine, record: Record<string, unknown>): LineProblem | undefined {
	const {skey, identity, sshsig} = record as {skey?: unknown; identity?: {key?: unknown}; sshsig?: unknown};
	let key: Buffer;
	let nextSessionKey: KeyObject;
	try {
		key = parsePublicKey(String(identity?.key)).blob;
		nextSessionKey = publicKeyFromBlob(parsePublicKey(String(skey)).blob);
	} catch {
		return {reason: 'the takeover does not name a valid identity key and session key'};
	}
	const check = verifySshsig(
		resumeText(chain.header!.session, line.index, chain.prev, String(skey)),
		String(sshsig),
		signatureNamespace,
	);
	if (!check.isValid)
		return {
			reason: `the takeover's identity signature does not verify (${check.reason}): a line before it was changed, or this one was`,
		};
	if (!check.publicKey.equals(key)) return {reason: 'the takeover is signed by another key than the one it names'};
	chain.sessionKey = nextSessionKey;
	chain.currentIdentity = key;
	chain.takeovers.push({line: line.index, key: String(identity?.key), blob: key});
	chain.signedThrough = line.index;
	return undefined;
}

function checkAnswer(
	chain: ChainState,
	line: LogLine,
	record: Record<string, unknown>,
	decision: 'approve' | 'reject',
): LineProblem | undefined {
	const answer = record as unknown as {
		step: string;
		key: string;
		head: string;
		sshsig: string;
		reason?: string;
		by?: unknown;
	};
	if (chain.requestHeads.get(answer.step) !== answer.head)
		return {reason: 'an approval that answers no request of this step at this chain head'};
	const problem = recordedApprovalProblem(chain.header!.session, answer, decision);
	if (problem) return {reason: problem};
	// The signature checked, so the key parses.
	const blob = parsePublicKey(answer.key).blob;
	if ([chain.identityKey!, ...chain.takeovers.map((x) => x.blob)].some((k) => k.equals(blob)))
		return {reason: "a self-approval: the operator's own key is recorded as the second approver"};
	chain.answers.push({
		line: line.index,
		offset: line.offset,
		step: answer.step,
		blob,
		fingerprint: fingerprint(blob),
		claimedBy: typeof answer.by === 'string' ? answer.by : fingerprint(blob),
	});
	return undefined;
}

function checkSignedHead(
	chain: ChainState,
	line: LogLine,
	record: Record<string, unknown>,
	type: 'checkpoint' | 'seal',
): LineProblem | undefined {
	const signed = headText(type, chain.header!.session, line.index, chain.prev);
	const sig = Buffer.from(String(record.sig), 'base64');
	if (!verifySignature(null, signed, chain.sessionKey!, sig))
		return {
			reason: `the ${type}'s session-key signature does not verify: a line after line ${chain.signedThrough ?? 1} was changed and the chain recomputed, or this line was`,
		};
	if (type === 'seal') {
		const sealCheck = verifySshsig(signed, String(record.sshsig), signatureNamespace);
		if (!sealCheck.isValid || !sealCheck.publicKey.equals(chain.currentIdentity!))
			return {
				reason: `the seal's identity signature does not verify${sealCheck.isValid ? ' (another key)' : `: ${sealCheck.reason}`}`,
			};
		chain.isSealed = true;
	}
	chain.signedThrough = line.index;
	return undefined;
}

const commonKeys = ['seq', 't', 'type', 'prev'];

function hasCommonKeysFirst(record: Record<string, unknown>): boolean {
	let position = 0;
	for (const key in record) {
		if (key !== commonKeys[position]) return false;
		if (++position === commonKeys.length) return true;
	}
	return false;
}
