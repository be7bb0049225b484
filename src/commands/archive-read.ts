// Sessions read from the team archive: `verify`, `replay` and `export` with `--archive` take
// an archived id and need no local files; `verify --archive` with a local log compares the two.
import path from 'node:path';
import {compareWithArchive, withArchiveFinding} from '../core/audit/archive-compare.js';
import {verdictExitCodes, verifyLog, type Trust, type VerifyReport} from '../core/audit/verify.js';
import {ArchiveTail} from '../store/archive/tail.js';
import {readSession, type SessionFiles} from '../store/session-files.js';
import {ArchiveError, type Archive} from '../store/archive/client.js';
import {recordVerdict} from '../store/archive/sessions.js';
import {archiveUrlOf, connectArchive, requireArchive} from './archive-choice.js';

export {archiveUrlOf};
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
	/** `--archive` (true: the configured archive), or undefined for local files only. */
	archive: string | true | undefined;
}): Promise<{ok: true; files: SessionFiles} | {ok: false; problem: string}> {
	const local = readSession(options.session, options.sessions);
	if (local.ok || options.archive === undefined) return local;
	const archive = await connectArchive(await requireArchive(archiveUrlOf(options.archive)));
	try {
		return {ok: true, files: await readArchivedFiles(archive, options.session)};
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

/** `runbook verify SESSION --archive`: prints as `verify` does, and exits with the verdict. */
export async function verifyArchivedCommand(
	options: {session: string; sessions: string; isJson: boolean; archive: string | true},
	trust: Trust,
): Promise<number> {
	const archive = await connectArchive(await requireArchive(archiveUrlOf(options.archive)));
	let result: ArchivedVerify;
	let recorded: string;
	try {
		const local = readSession(options.session, options.sessions);
		const session = local.ok ? localSessionId(local.files.log) : options.session;
		result = await verifyWithArchive(archive, {...options, trust, expectedSession: session});
		recorded = await recordIfAllowed(archive, session, result, trust);
	} catch (error) {
		if (error instanceof ArchiveError) throw new UsageError(error.message);
		throw error;
	} finally {
		await archive.close();
	}
	const {report, file, archivedLines} = result;
	if (options.isJson) process.stdout.write(`${JSON.stringify({file, archivedLines, recorded, ...report}, null, 2)}\n`);
	else
		process.stdout.write(
			`${file} (the archive holds ${archivedLines} lines)\n${report.summary}\n${report.warnings.map((w) => `warning: ${w}\n`).join('')}${recorded}\n`,
		);
	return verdictExitCodes[report.verdict];
}

/**
 * Records the verdict in the archive for `sessions --archive`, when the connected role may
 * write there; says what was recorded, or why not. Nothing is recorded for a session the
 * archive does not hold.
 */
async function recordIfAllowed(archive: Archive, session: string, result: ArchivedVerify, trust: Trust) {
	if (result.archivedLines === 0) return 'not recorded: the archive holds none of this session';
	const trusted =
		'allowedSigners' in trust
			? `allowed signers (${trust.allowedSigners.length} keys${trust.principal ? `, principal ${trust.principal}` : ''})`
			: "the verifier's own keys";
	try {
		await recordVerdict(archive, session, {
			verdict: result.report.verdict,
			lines: result.archivedLines,
			trust: trusted,
		});
		return `recorded in the archive: ${result.report.verdict} over ${result.archivedLines} lines, trusting ${trusted}`;
	} catch (error) {
		if (error instanceof ArchiveError && error.code === '42501')
			return 'not recorded: this role may read the archive but not write to it';
		throw error;
	}
}

/** The id a local log stands for by where it lies (`…/ID/session.jsonl`). */
function localSessionId(logFile: string): string {
	return path.basename(path.dirname(path.resolve(logFile)));
}

/** Follows an archived session for `watch --archive` and `approve --archive`. */
export async function openArchiveTail(flag: string | true, session: string): Promise<ArchiveTail> {
	const choice = await requireArchive(archiveUrlOf(flag));
	let tail: ArchiveTail;
	try {
		tail = await ArchiveTail.open(choice.url, session);
	} catch (error) {
		if (error instanceof ArchiveError) throw new UsageError(error.message);
		throw error;
	}
	return tail;
}
