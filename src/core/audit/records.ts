// The log's own records, beside the run's events: the identity's attestation of the header,
// signed checkpoints of the chain head, and the seal. The fold ignores them. Pure.
import {decisionTypes, type EventType, type RunEvent} from '../run/events.js';

export type AuditRecord =
	/** Line 1: the identity's SSHSIG over the header, binding the session key to the operator. */
	| {type: 'attest'; t: number; sshsig: string}
	/** The session key's Ed25519 signature over the chain head: every line before is covered. */
	| {type: 'checkpoint'; t: number; sig: string}
	/**
	 * A new runner took the session over (the last one died or lost its terminal). Its identity
	 * signs the chain head and the new session key, which signs every checkpoint from here on.
	 * `torn`: bytes of an unfinished last line the crash left, dropped (they were never chained).
	 */
	| {
			type: 'resume';
			t: number;
			skey: string;
			identity: {key: string; fingerprint: string; source: 'agent' | 'local'};
			pid: number;
			torn?: number;
			sshsig: string;
	  }
	/** The last line: the session key and the identity both sign the final chain head. */
	| {type: 'seal'; t: number; sig: string; sshsig: string};

export type LogRecord = RunEvent | AuditRecord;

export const auditTypes = new Set(['attest', 'checkpoint', 'seal', 'resume']);

/**
 * After these a checkpoint is signed at once; during output, at least every `outputCheckpointUs`.
 * Not after `command-spawned`: it only names the process, a moment after the signed start, and
 * the checkpoint after the command's exit covers it; a crash before that
 * leaves it chained but unsigned, which verify calls INCOMPLETE, never INVALID.
 */
export const checkpointAfter: ReadonlySet<EventType> = new Set<EventType>(
	[...decisionTypes, 'command-started' as const, 'command-exited' as const, 'phase-ended' as const].filter(
		(type) => type !== 'command-spawned',
	),
);
export const outputCheckpointUs = 5_000_000;

export function isAuditRecord(record: LogRecord): record is AuditRecord {
	return auditTypes.has(record.type);
}

/** What the identity signs in `attest`: the header line's bytes, marked as such. */
export function attestMessage(headerLine: Uint8Array): Buffer {
	return Buffer.concat([Buffer.from('runbook-header/1\n'), headerLine]);
}

/** What the identity signs in `resume`: the chain head it takes over, and the session key it brings. */
export function resumeText(session: string, seq: number, prev: string, skey: string): Buffer {
	return Buffer.from(`runbook-resume/1\n${session}\n${seq}\n${prev}\n${skey}\n`);
}

/** What a checkpoint or the seal signs: the session, its own position, and the chain head before it. */
export function headText(kind: 'checkpoint' | 'seal', session: string, seq: number, prev: string): Buffer {
	return Buffer.from(`runbook-${kind}/1\n${session}\n${seq}\n${prev}\n`);
}
