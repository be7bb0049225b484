// Sessions whose runner is running now, as another operator finds them: for `watch` and `approve`.
import path from 'node:path';
import {LogEventReader, type ReadLog} from '../core/audit/read-log.js';
import {foldEvents} from '../core/run/reduce.js';
import {parsePublicKey} from '../core/audit/ssh-wire.js';
import type {RunState} from '../core/run/state.js';
import {isRunnerRunning} from '../session/runner-liveness.js';
import {listSessionIds, streamSession} from '../store/session-files.js';
import {UsageError} from './usage-error.js';

export type LiveSessionInfo = {
	id: string;
	dir: string;
	log: string;
	read: ReadLog;
	state: RunState;
	/** The log's first two lines (its header and their attestation) and seal as read, for checking whom to trust. */
	files: {bytes: Buffer; sig?: string | undefined};
	/** How far the log was read, in whole lines: a follower goes on from there. Undefined when a line was not JSON (the follower reads it all again, to say where). */
	readTo?: {wholeBytes: number; lines: number};
};

/** Reads one session (an id, its directory or its log); a one-line reason when it cannot. */
export function readLiveSession(arg: string, sessions: string): LiveSessionInfo {
	// Read once, in chunks, a line at a time: a log of 50 MB is never held whole.
	const reader = new LogEventReader();
	const head = new HeadLines(2);
	const found = streamSession(arg, sessions, (chunk) => {
		reader.push(chunk);
		head.push(chunk);
	});
	if (!found.ok) throw new UsageError(found.problem);
	let read: ReadLog;
	try {
		read = reader.finish();
	} catch (error) {
		throw new UsageError(`${found.log}: ${(error as Error).message}`);
	}
	return {
		id: read.header.session,
		dir: path.dirname(found.log),
		log: found.log,
		read,
		state: foldEvents(read.events),
		files: {bytes: head.bytes(), sig: found.sig},
		...(reader.isBroken ? {} : {readTo: {wholeBytes: reader.wholeBytes, lines: reader.linesRead}}),
	};
}

/** The first `count` lines of what is pushed, with their line breaks (all of it when it has fewer). */
class HeadLines {
	private readonly parts: Buffer[] = [];
	private breaks = 0;

	constructor(private readonly count: number) {}

	push(chunk: Buffer): void {
		let end = 0;
		while (this.breaks < this.count && end < chunk.length) {
			const at = chunk.indexOf(0x0a, end);
			end = at === -1 ? chunk.length : at + 1;
			if (at !== -1) this.breaks++;
		}
		// The chunk may be a buffer its reader reuses: what is kept is copied.
		if (end > 0) this.parts.push(Buffer.from(chunk.subarray(0, end)));
	}

	bytes(): Buffer {
		return Buffer.concat(this.parts);
	}
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
