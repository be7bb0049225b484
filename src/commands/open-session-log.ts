// Opens a session log for writing, for `run` (a new log) and `resume` (taking over an old one):
// the operator's identity attests it, and a fresh session key, held in memory only, signs its
// checkpoints. After the seal nobody can sign for the session again.
import type {KeyObject} from 'node:crypto';
import type {LogHeader} from '../core/audit/entry.js';
import {ed25519Blob, fingerprint, formatPublicKey} from '../core/audit/ssh-wire.js';
import {newEd25519Key, type IdentityChoice} from '../store/identity.js';
import {SessionLog} from '../store/session-log.js';
import {loadSigningIdentity} from './signing-identity.js';
import {UsageError} from './usage-error.js';

/** A new log in `dir` (its header without the keys), or the takeover of `file` at session time `t`. */
export type LogOpening =
	| {kind: 'new'; dir: string; header: Omit<LogHeader, 'identity' | 'skey'>}
	| {kind: 'takeover'; file: string; t: number};

export type OpenedLog = {log: SessionLog; identity: IdentityChoice};

export async function openSessionLog(opening: LogOpening): Promise<OpenedLog> {
	const identity = await loadSigningIdentity();
	const sessionKey: KeyObject = newEd25519Key();
	const publicKey = identity.signer.publicKey;
	const keys = {
		identity: {key: formatPublicKey(publicKey), fingerprint: fingerprint(publicKey), source: identity.signer.source},
		skey: formatPublicKey(ed25519Blob(sessionKey)),
	};
	const signing = {sessionKey, identity: identity.signer};
	try {
		const log =
			opening.kind === 'new'
				? await SessionLog.create(opening.dir, {...opening.header, ...keys}, signing)
				: await SessionLog.reopen(opening.file, {t: opening.t, pid: process.pid, ...keys}, signing);
		return {log, identity};
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
		throw new UsageError(
			opening.kind === 'new'
				? `cannot create the session log in ${opening.dir}: ${code}`
				: `cannot take over the session log ${opening.file}: ${code}`,
		);
	}
}
