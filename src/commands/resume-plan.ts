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
import {listSessionIds, readSession} from '../store/session-files.js';
import {isRunnerRunning} from '../session/runner-liveness.js';
import {formatProblems} from './load-runbook.js';
import {UsageError} from './usage-error.js';
import {runnerKeyBlobs} from './live-sessions.js';

export type ResumePlan = {
	log: string;
	dir: string;
	read: ReadLog;
	state: RunState;
	/** The runbook file differs from the one the session runs: what changed, and the new version. */
	changed?: {runbook: Runbook; sha256: string; changes: string[]};
	/** A reason the file could not be used; the session goes on with the recorded runbook. */
	fileNote?: string;
	/** Secret values given earlier that must be given again. */
	reask: string[];
	/** Keys of everyone who ran the session so far: none of them may give it a second approval. */
	operatorKeys: Buffer[];
};

/** The session to resume and what resuming it needs; a UsageError when it may not be resumed. */
export function planResume(options: {session: string | undefined; sessions: string; user: string}): ResumePlan {
	const arg = options.session ?? newestResumable(options.sessions, options.user);
	const found = readSession(arg, options.sessions);
	if (!found.ok) throw new UsageError(found.problem);
	const {log, bytes, sig} = found.files;
	let read: ReadLog;
	try {
		read = readLogEvents(bytes);
	} catch (error) {
		throw new UsageError(`${log}: ${(error as Error).message}`);
	}
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

	const file = read.header.runbook.path;
	const recordedSha = read.events.reduce(
		(sha, e) => (e.type === 'session-resumed' && e.sha256 !== undefined ? e.sha256 : sha),
		read.header.runbook.sha256,
	);
	const current = readRunbookFile(file);
	const reask = state.secretVars;
	const base = {log, dir: path.dirname(log), read, state, reask, operatorKeys: runnerKeyBlobs(read)};
	if (!current.ok)
		return {...base, fileNote: `${file} ${current.problem}; going on with the runbook recorded in the session`};
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

/** This user's newest session that is neither sealed, ended nor still running. */
function newestResumable(sessions: string, user: string): string {
	for (const id of listSessionIds(sessions).sort().reverse()) {
		const found = readSession(id, sessions);
		if (!found.ok) continue;
		try {
			const read = readLogEvents(found.files.bytes);
			if (read.isSealed || read.header.operator.user !== user || isRunnerRunning(read)) continue;
			if (read.events.some((e) => e.type === 'session-ended')) continue;
			return id;
		} catch {
			continue;
		}
	}
	throw new UsageError(`no interrupted session of yours to resume in ${sessions}; \`runbook sessions\` lists them`);
}
