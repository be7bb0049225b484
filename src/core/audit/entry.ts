// One session-log line per event: canonical compact JSON with `seq`, `t`, `type`, `prev` first,
// where `prev` is the SHA-256 of the previous line's bytes. Strings in, strings out.
import * as nodeCrypto from 'node:crypto';
import type {LogRecord} from './records.js';

export const logFormat = 'runbook-session/1';

/** Line 0 of a session log. */
export type LogHeader = {
	format: typeof logFormat;
	session: string;
	tool: {name: 'runbook'; version: string};
	/** Wall-clock start, as the operator's machine claims it. */
	wall: string;
	runbook: {path: string; sha256: string};
	operator: {user: string; host: string};
	/** The identity that attests the header and seals the log: a claim, trusted only through allowed signers. */
	identity: {key: string; fingerprint: string; source: 'agent' | 'local'};
	/** This session's own Ed25519 key (`ssh-ed25519 …`), held in memory only; it signs the checkpoints. */
	skey: string;
	term: {cols: number; rows: number};
	pid: number;
};

export function encodeHeader(header: LogHeader): string {
	const {format, session, tool, wall, runbook, operator, identity, skey, term, pid} = header;
	return JSON.stringify({
		seq: 0,
		t: 0,
		type: 'header',
		format,
		session,
		tool,
		wall,
		runbook: {path: runbook.path, sha256: runbook.sha256},
		operator: {user: operator.user, host: operator.host},
		identity: {key: identity.key, fingerprint: identity.fingerprint, source: identity.source},
		skey,
		term: {cols: term.cols, rows: term.rows},
		pid,
	});
}

/** The line for an event or record: its fields keep the order they were built in, after the four common ones. */
export function encodeEvent(seq: number, prev: string, event: LogRecord): string {
	const {type, t, ...fields} = event;
	return JSON.stringify({seq, t, type, prev, ...fields});
}

/** crypto.hash (Node 20.12 and later): one call per line, about half the cost of a Hash object each. */
const oneShotHash = (nodeCrypto as {hash?: typeof nodeCrypto.hash}).hash;

/** The SHA-256 of a line's bytes (a string as UTF-8), in hex: what the next line's `prev` holds. */
export function hashLine(line: string | Uint8Array): string {
	return oneShotHash ? oneShotHash('sha256', line, 'hex') : nodeCrypto.createHash('sha256').update(line).digest('hex');
}

export type DecodedLine = {seq: number; prev: string; event: LogRecord};

/** Reads an event line back; undefined for the header. Throws on a line that is not an object. */
export function decodeEvent(line: string): DecodedLine | undefined {
	const {seq, prev, type, ...rest} = JSON.parse(line) as {seq: number; prev: string; type: string; t: number};
	if (type === 'header') return undefined;
	return {seq, prev, event: {type, ...rest} as LogRecord};
}
