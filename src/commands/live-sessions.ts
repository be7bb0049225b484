// Sessions whose runner is running now, as another operator finds them: for `watch` and `approve`.
import path from 'node:path';
import {readLogEvents, type ReadLog} from '../core/audit/read-log.js';
import {foldEvents} from '../core/run/reduce.js';
import {parsePublicKey} from '../core/audit/ssh-wire.js';
import type {RunState} from '../core/run/state.js';
import {isRunnerRunning} from '../session/runner-liveness.js';
import {listSessionIds, readSession} from '../store/session-files.js';
import {UsageError} from './usage-error.js';

export type LiveSessionInfo = {
	id: string;
	dir: string;
	log: string;
	read: ReadLog;
	state: RunState;
	/** The log's bytes and seal as read, for checking whom to trust. */
	files: {bytes: Buffer; sig?: string | undefined};
};

/** Reads one session (an id, its directory or its log); a one-line reason when it cannot. */
export function readLiveSession(arg: string, sessions: string): LiveSessionInfo {
	const found = readSession(arg, sessions);
	if (!found.ok) throw new UsageError(found.problem);
	let read: ReadLog;
	try {
		read = readLogEvents(found.files.bytes);
	} catch (error) {
		throw new UsageError(`${found.files.log}: ${(error as Error).message}`);
	}
	return {
		id: read.header.session,
		dir: path.dirname(found.files.log),
		log: found.files.log,
		read,
		state: foldEvents(read.events),
		files: {bytes: found.files.bytes, sig: found.files.sig},
	};
}

/** The keys of everyone who ran the session: none of them may give it a second approval. */
export function runnerKeyBlobs(read: ReadLog): Buffer[] {
	return read.runnerKeys.flatMap((key) => {
		try {
			return [parsePublicKey(key).blob];
		} catch {
			return [];
		}
	});
}

/** Not sealed, not ended, and its runner still running. */
export function isLive(info: LiveSessionInfo): boolean {
	return !info.read.isSealed && !info.state.ended && isRunnerRunning(info.read);
}

/** Every session in `sessions` that this user can read and whose runner is alive, newest first. */
export function liveSessions(sessions: string): LiveSessionInfo[] {
	const live: LiveSessionInfo[] = [];
	for (const id of listSessionIds(sessions).sort().reverse()) {
		try {
			const info = readLiveSession(id, sessions);
			if (isLive(info)) live.push(info);
		} catch {
			// Unreadable (another user's, or not a log): not offered.
		}
	}
	return live;
}

/** `id  runbook  operator@host  at step`, one line per session. */
export function describeLive(info: LiveSessionInfo): string {
	const where = info.state.approval
		? `waiting for approval of ${info.state.approval.step}`
		: info.state.current
			? `at ${info.state.current}`
			: 'starting';
	return `${info.id}  ${info.state.runbook?.name ?? '?'}  ${info.read.header.operator.user}@${info.read.header.operator.host}  ${where}`;
}
