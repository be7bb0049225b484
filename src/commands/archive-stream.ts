// A live session's log streamed to the team archive, when one is configured: the sender runs on
// a worker thread of its own, is told of each line written, and is given a few seconds at the
// end; what it could not send stays pending in the session folder for `runbook archive push`.
import path from 'node:path';
import {archiveBadge} from '../core/archive-status.js';
import {terminalText} from '../core/text/sanitize.js';
import type {ArchiveChoice} from '../store/archive/config.js';
import type {PreparedSender, Sender} from '../store/archive/sender-thread.js';
import type {SessionLog} from '../store/session-log.js';

/** How long the end of a run waits for the archive to catch up before leaving the rest pending. */
const finishMs = 5000;

export type ArchiveStream = {
	/** The header's text: `archive ✓` or how far behind it is. */
	badge(): string;
	/** Waits (a few seconds at most) for the rest, then says what is left pending, if anything. */
	finish(): Promise<void>;
};

/**
 * The sender, started before the session exists (its thread boots and connects meanwhile). A run
 * that ends before its session starts leaves it be: the thread never holds the process, and its
 * connection ends with it.
 */
export type PreparedArchiveStream = {
	/** The archive it sends to. */
	url: string;
	/** Streams `log`, the session's, from now on. */
	attach(log: SessionLog): ArchiveStream;
	/** Ends its thread and connection, for one prepared for another archive than the run chose. */
	cancel(): void;
};

/** Starts streaming `log` to the archive; undefined (and nothing changes) without an archive. */
export async function startArchiveStream(
	log: SessionLog,
	choice: ArchiveChoice | undefined,
): Promise<ArchiveStream | undefined> {
	return (await prepareArchiveStream(choice))?.attach(log);
}

/**
 * Starts the sender for a run about to begin, as early as the run knows its archive; undefined
 * without an archive. Resolves once the sender's thread is started (its modules loaded). Imported,
 * not linked: the worker runs that module's file, which must not carry the screen (Ink) with it.
 */
export async function prepareArchiveStream(
	choice: ArchiveChoice | undefined,
): Promise<PreparedArchiveStream | undefined> {
	if (!choice) return undefined;
	const {prepareSender} = await import('../store/archive/sender-thread.js');
	const prepared = await prepareSender(choice.url);
	return {url: choice.url, attach: (log) => attach(log, prepared), cancel: () => prepared.cancel()};
}

/** `early` (started before the run chose its archive) when it sends to `choice`, else a new one. */
export async function adoptArchiveStream(
	choice: ArchiveChoice | undefined,
	early: PreparedArchiveStream | undefined,
): Promise<PreparedArchiveStream | undefined> {
	if (early && early.url === choice?.url) return early;
	early?.cancel();
	return prepareArchiveStream(choice);
}

function attach(log: SessionLog, prepared: PreparedSender): ArchiveStream {
	const session = path.basename(path.dirname(log.file));
	// Through the directory the log holds open: a session directory renamed while the run streams
	// still has its marker, approvals and signature read and written where they are.
	const sender: Sender = prepared.start({dir: log.dir.at(), session, takeApprovals: true});
	log.onWrite((seq) => sender.poke(seq));
	return {
		badge: () => archiveBadge(sender.status()),
		async finish() {
			const streaming = sender;
			const isAllArchived = await streaming.drain(finishMs);
			await streaming.close();
			const status = streaming.status();
			const behind = status.written - status.archived;
			const problem = status.problem ? ` (${terminalText(status.problem)})` : '';
			if (behind > 0 || status.refused)
				process.stderr.write(
					`runbook: ${archiveBadge(status)}${problem}; \`runbook archive push ${session}\` sends the rest\n`,
				);
			// Every line is there but not the log's signature: a post-mortem from the archive alone needs it.
			else if (!isAllArchived)
				process.stderr.write(
					`runbook: archive: the log's signature is not archived yet${problem}; \`runbook archive push ${session}\` sends it\n`,
				);
		},
	};
}
