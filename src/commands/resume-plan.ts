// `runbook resume`, before anything is written: finds the session to take over and checks that it may be: not sealed, not
// ended, its log intact, its runner gone, and its runbook file unchanged or its changes known.
import path from 'node:path';
import {readLogEvents, type ReadLog} from '../core/audit/read-log.js';
import {verifyLog} from '../core/audit/verify.js';
import {foldEvents} from '../core/run/reduce.js';
import type {RunState} from '../core/run/state.js';
import {runbookChanges} from '../core/runbook/diff.js';
import type {Runbook} from '../core/runbook/model.js';
import {parseRunbook} from '../core/runbook/parse.js';
import {readRunbookFile} from '../store/runbook-file.js';
import {listSessionIds, readSession, sessionsDirProblem} from '../store/session-files.js';
import {isRunnerRunning} from '../session/runner-liveness.js';
import {formatProblems} from './load-runbook.js';
import {UsageError} from './usage-error.js';
import {runnerKeyBlobs} from './live-sessions.js';
import {requireTrusted, untrustedKey, untrustedReason, type SessionTrust} from './session-trust.js';

export type ResumePlan = {
	log: string;
	dir: string;
	read: ReadLog;
	state: RunState;
	/** The runbook file differs from the one the session runs: what changed, and the new version. */
	changed?: {runbook: Runbook; sha256: string; changes: string[]};
	/**
	 * Why the recorded runbook cannot be checked against a file with the same SHA-256 (the file is
	 * gone or unreadable): it is shown in full and needs a typed confirmation before it runs.
	 */
	fileNote?: string;
	/** Secret values given earlier that must be given again. */
	reask: string[];
	/** Keys of everyone who ran the session so far: none of them may give it a second approval. */
	operatorKeys: Buffer[];
};

/**
 * The log of the session to resume, before anything is locked: SESSION as given, or this user's
 * newest resumable one. Either way, a session signed by a key you do not trust is refused.
 */
export function chooseSession(options: {
	session: string | undefined;
	sessions: string;
	user: string;
	trust: SessionTrust;
}): string {
	if (options.session === undefined) return newestResumable(options.sessions, options.user, options.trust);
	const found = readSession(options.session, options.sessions);
	if (!found.ok) throw new UsageError(found.problem);
	// Only the keys here: whether the log verifies is judged once its lock is held.
	const reason = untrustedKey(readLog(found.files.log, found.files.bytes), options.trust);
	if (reason !== undefined) throw new UsageError(reason);
	return found.files.log;
}

/** The session at `log` (read again now that its lock is held) and what resuming it needs; a UsageError when it may not be resumed. */
export function planResume(options: {log: string; sessions: string; trust: SessionTrust}): ResumePlan {
	const found = readSession(options.log, options.sessions);
	if (!found.ok) throw new UsageError(found.problem);
	const {log, bytes, sig} = found.files;
	const read = readLog(log, bytes);
	const id = read.header.session;
	if (read.isSealed) throw new UsageError(`session ${id} is sealed: it ended and nothing more can be recorded in it`);
	const state = foldEvents(read.events);
	if (state.ended)
		throw new UsageError(
			`session ${id} already ended (${state.ended.status}); only its seal is missing, and \`runbook verify\` calls it INCOMPLETE`,
		);
	if (!state.runbook)
		throw new UsageError(`session ${id} stopped before it recorded its runbook; start it again with \`runbook run\``);
	if (isRunnerRunning(read))
		throw new UsageError(
			`session ${id} is still running (pid ${read.runnerPid}); follow it with \`runbook watch ${id}\``,
		);
	const report = verifyLog(bytes, sig, {ownKeys: []});
	if (report.verdict === 'INVALID')
		throw new UsageError(`session ${id} does not verify, so it cannot be resumed: ${report.summary}`);
	requireTrusted(read, found.files, options.trust);

	const file = read.header.runbook.path;
	const recordedSha = read.events.reduce(
		(sha, e) => (e.type === 'session-resumed' && e.sha256 !== undefined ? e.sha256 : sha),
		read.header.runbook.sha256,
	);
	const current = readRunbookFile(file);
	const reask = state.secretVars;
	const base = {log, dir: path.dirname(log), read, state, reask, operatorKeys: runnerKeyBlobs(read)};
	if (!current.ok) return {...base, fileNote: `${file} ${current.problem}`};
	if (current.sha256 === recordedSha) return base;
	const parsed = parseRunbook(current.text);
	if (!parsed.ok)
		throw new UsageError(
			`${file} changed since the session started and no longer loads:\n${formatProblems(file, parsed.problems)}`,
		);
	const changes = runbookChanges(state.runbook, parsed.runbook);
	const gone = missingWork(state, parsed.runbook);
	if (gone)
		throw new UsageError(`${file} changed since the session started, and ${gone}; the session cannot go on with it`);
	return {
		...base,
		changed: {
			runbook: parsed.runbook,
			sha256: current.sha256,
			changes: changes.length > 0 ? changes : ['formatting or comments only'],
		},
	};
}

/** What the new runbook lacks that the session is in the middle of. */
function missingWork(state: RunState, runbook: Runbook): string | undefined {
	const ids = new Set([...runbook.phases.flatMap((p) => p.steps), ...runbook.rollback].map((s) => s.id));
	if (state.running && !ids.has(state.running.step))
		return `the step that was running (\`${state.running.step}\`) is gone from it`;
	if (state.current && !ids.has(state.current)) return `the current step (\`${state.current}\`) is gone from it`;
	const phase = state.runbook?.phases[state.phaseIndex]?.id;
	if (phase !== undefined && !runbook.phases.some((p) => p.id === phase))
		return `the current phase (\`${phase}\`) is gone from it`;
	for (const id of state.rollback?.steps ?? [])
		if (!ids.has(id)) return `the rollback under way needs \`${id}\`, which is gone from it`;
	return undefined;
}

/** A session log's events; a one-line reason when it is not one runbook can read. */
function readLog(log: string, bytes: Buffer): ReadLog {
	try {
		return readLogEvents(bytes);
	} catch (error) {
		throw new UsageError(`${log}: ${(error as Error).message}`);
	}
}

/**
 * This user's newest session that is neither sealed, ended nor still running, and signed by a key
 * they trust. A session that cannot be read, or that claims to be theirs but is signed by another
 * key, is passed over: what is in a shared folder is anyone's claim.
 */
function newestResumable(sessions: string, user: string, trust: SessionTrust): string {
	const unusable = sessionsDirProblem(sessions);
	if (unusable !== undefined) throw new UsageError(unusable);
	let passedOver = 0;
	let firstReason = '';
	for (const id of listSessionIds(sessions).sort().reverse()) {
		const found = readSession(id, sessions);
		if (!found.ok) continue;
		try {
			const read = readLogEvents(found.files.bytes);
			if (read.isSealed || read.header.operator?.user !== user || isRunnerRunning(read)) continue;
			if (read.events.some((e) => e.type === 'session-ended')) continue;
			const reason = untrustedReason(read, found.files, trust);
			if (reason !== undefined) {
				if (passedOver === 0) firstReason = reason;
				passedOver += 1;
				continue;
			}
			return found.files.log;
		} catch {
			continue;
		}
	}
	const note =
		passedOver > 0
			? `; passed over ${passedOver} that claim${passedOver === 1 ? 's' : ''} to be yours, the newest because ${firstReason}`
			: '';
	throw new UsageError(
		`no interrupted session of yours to resume in ${sessions}${note}; \`runbook sessions\` lists them`,
	);
}
