// `runbook approve SESSION --archive`: the pending request read from the archive's copy of the
// session, the signed answer handed in through its approvals table, and the session's verdict
// on it followed there. The running session judges it as any file in its approvals/.
import type {ApprovalFile} from '../core/audit/approval.js';
import {readLogEvents} from '../core/audit/read-log.js';
import {verifyLog} from '../core/audit/verify.js';
import {terminalText} from '../core/text/sanitize.js';
import {foldEvents} from '../core/run/reduce.js';
import {ArchiveError} from '../store/archive/client.js';
import type {RunState} from '../core/run/state.js';
import type {LineSource} from '../store/archive/tail.js';
import {archivedLogName, archiveUrlOf, openArchiveTail, readArchivedFiles} from './archive-read.js';
import {connectArchive, requireArchive} from './archive.js';
import {runnerKeyBlobs, type LiveSessionInfo} from './live-sessions.js';
import {UsageError} from './usage-error.js';

/** What `approve` shows and signs: the session, its pending request, and who ran it. */
export type ArchivedTarget = {
	info: LiveSessionInfo;
	pending: NonNullable<RunState['approval']>;
	operatorKeys: Buffer[];
};

/** The request SESSION waits on, from the archive; a one-line reason when there is none. */
export async function archivedApprovalTarget(
	flag: string | true,
	session: string | undefined,
): Promise<ArchivedTarget> {
	if (session === undefined) throw new UsageError('`runbook approve --archive` needs a SESSION id');
	const archive = await connectArchive(await requireArchive(archiveUrlOf(flag)));
	try {
		const files = await readArchivedFiles(archive, session);
		const read = readLogEvents(signedPart(files.bytes, session));
		const state = foldEvents(read.events);
		if (read.isSealed || state.ended) throw new UsageError(`session ${session} has ended; there is nothing to approve`);
		if (!state.approval)
			throw new UsageError(
				`session ${session} is not waiting for an approval${state.current ? ` (it is at \`${state.current}\`)` : ''}`,
			);
		return {
			info: {id: read.header.session, dir: '', log: archivedLogName(session), read, state, files},
			pending: state.approval,
			operatorKeys: runnerKeyBlobs(read),
		};
	} catch (error) {
		if (error instanceof ArchiveError) throw new UsageError(error.message);
		throw error;
	} finally {
		await archive.close();
	}
}

/**
 * The lines of the archive's copy that a session-key signature covers: what `approve` shows and
 * signs comes from them alone. Anyone who may write to the archive can append a line that keeps
 * the hash chain (it needs no key): a request with another command, or an end that never
 * happened. A copy that does not verify is refused outright; an unsigned tail is left out.
 */
function signedPart(bytes: Buffer, session: string): Buffer {
	const report = verifyLog(bytes, undefined, {ownKeys: []}, {expectedSession: session});
	if (report.verdict === 'INVALID')
		throw new UsageError(
			`the archive's copy of session ${terminalText(session)} does not verify (${terminalText(report.summary)}): a line in it was planted or changed, so nothing in it is approved`,
		);
	if (report.isSealed) return bytes;
	let end = -1;
	for (let line = 0; line <= (report.signedThrough ?? 1); line++) {
		end = bytes.indexOf(0x0a, end + 1);
		if (end === -1) return bytes;
	}
	return bytes.subarray(0, end + 1);
}

/** Hands the signed answer in through the archive; returns the session's lines to follow for its verdict. */
export async function handInThroughArchive(
	flag: string | true,
	target: ArchivedTarget,
	file: ApprovalFile,
): Promise<LineSource> {
	const archive = await connectArchive(await requireArchive(archiveUrlOf(flag)));
	try {
		await archive.handInApproval(target.info.id, file);
	} catch (error) {
		if (error instanceof ArchiveError) throw new UsageError(`cannot hand in the approval: ${error.message}`);
		throw error;
	} finally {
		await archive.close();
	}
	return openArchiveTail(flag, target.info.id);
}
