// Sessions read from the team archive: `verify`, `replay` and `export` with `--archive` take
// an archived id and need no local files; `verify --archive` with a local log compares the two.
import {compareWithArchive, withArchiveFinding} from '../core/audit/archive-compare.js';
import {verifyLog, type Trust, type VerifyReport} from '../core/audit/verify.js';
import {readSession, type SessionFiles} from '../store/session-files.js';
import type {Archive} from '../store/archive/client.js';
import {connectArchive, requireArchive} from './archive.js';
import {UsageError} from './usage-error.js';

/** How an archived session is named where a log file's path would be. */
export const archivedLogName = (session: string) => `archive:${session}`;

/** The session's files from the archive: its lines as session.jsonl's bytes, and its .sig when archived. */
export async function readArchivedFiles(archive: Archive, session: string): Promise<SessionFiles> {
	const lines = await archive.allLines(session);
	if (lines.length === 0) throw new UsageError(`the archive holds no session \`${session}\``);
	const sig = await archive.signature(session);
	return {
		log: archivedLogName(session),
		bytes: Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')])),
		...(sig !== undefined ? {sig} : {}),
	};
}

/**
 * For replay and export with `--archive`: the local log when there is one, else the archive's
 * copy. The id is the session id either way.
 */
export async function readSessionOrArchived(options: {
	session: string;
	sessions: string;
	archive?: string;
}): Promise<{files: SessionFiles; session: string}> {
	const local = readSession(options.session, options.sessions);
	if (local.ok) return {files: local.files, session: options.session};
	const archive = await connectArchive(await requireArchive(options.archive));
	try {
		return {files: await readArchivedFiles(archive, options.session), session: options.session};
	} finally {
		await archive.close();
	}
}

export type ArchivedVerify = {report: VerifyReport; file: string; archivedLines: number};

/**
 * `verify SESSION --archive`: the local log is checked as always, and against the archive's
 * lines (a line that differs, or lines the archive holds beyond the file's end, is INVALID);
 * without a local log, the archive's copy is verified on its own.
 */
export async function verifyWithArchive(
	archive: Archive,
	options: {session: string; sessions: string; trust: Trust; expectedSession?: string},
): Promise<ArchivedVerify> {
	const local = readSession(options.session, options.sessions);
	const session = options.expectedSession ?? options.session;
	if (!local.ok) {
		const files = await readArchivedFiles(archive, session);
		const report = verifyLog(files.bytes, files.sig, options.trust, {expectedSession: session});
		return {report, file: files.log, archivedLines: countLines(files.bytes)};
	}
	const lines = await archive.allLines(session);
	const report = verifyLog(local.files.bytes, local.files.sig, options.trust, {
		...(options.expectedSession !== undefined ? {expectedSession: options.expectedSession} : {}),
	});
	const problem = compareWithArchive(local.files.bytes, lines);
	const archived =
		lines.length === 0 ? {...report, warnings: [...report.warnings, 'the archive holds none of this session']} : report;
	return {report: withArchiveFinding(archived, problem), file: local.files.log, archivedLines: lines.length};
}

function countLines(bytes: Buffer): number {
	let count = 0;
	for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) count++;
	return count;
}
