// A live session's log streamed to the team archive, when one is configured: the sender runs on
// a worker thread of its own, is told of each line written, and is given a few seconds at the
// end; what it could not send stays pending in the session folder for `runbook archive push`.
import path from 'node:path';
import {archiveBadge} from '../core/archive-status.js';
import {terminalText} from '../core/text/sanitize.js';
import type {ArchiveChoice} from '../store/archive/config.js';
import {readMarker} from '../store/archive/sender.js';
import type {Sender} from '../store/archive/sender-thread.js';
import type {SessionLog} from '../store/session-log.js';

/** How long the end of a run waits for the archive to catch up before leaving the rest pending. */
const finishMs = 5000;

export type ArchiveStream = {
	/** The header's text: `archive ✓` or how far behind it is. */
	badge(): string;
	/** Waits (a few seconds at most) for the rest, then says what is left pending, if anything. */
	finish(): Promise<void>;
};

/** Starts streaming `log` to the archive; undefined (and nothing changes) without an archive. */
export function startArchiveStream(log: SessionLog, choice: ArchiveChoice | undefined): ArchiveStream | undefined {
	if (!choice) return undefined;
	const dir = path.dirname(log.file);
	const session = path.basename(dir);
	const archivedBefore = readMarker(dir).archived;
	let written = archivedBefore;
	let sender: Sender | undefined;
	// Imported, not linked: the worker runs that module's file, which must not carry the screen (Ink) with it.
	const started = import('../store/archive/sender-thread.js').then(({startSender}) => {
		sender = startSender({url: choice.url, dir, session, takeApprovals: true});
		sender.poke(written);
		return sender;
	});
	log.onWrite((seq) => {
		written = seq;
		sender?.poke(seq);
	});
	return {
		badge: () => archiveBadge(sender?.status() ?? {archived: archivedBefore, written}),
		async finish() {
			const streaming = await started;
			await streaming.drain(finishMs);
			await streaming.close();
			const status = streaming.status();
			const behind = status.written - status.archived;
			if (behind > 0 || status.refused)
				process.stderr.write(
					`runbook: ${archiveBadge(status)}${status.problem ? ` (${terminalText(status.problem)})` : ''}; \`runbook archive push ${session}\` sends the rest\n`,
				);
		},
	};
}
