// A live session's log streamed to the team archive, when one is configured: the sender is
// poked after each line, runs on its own, and is given a few seconds at the end; what it could
// not send stays pending in the session folder for `runbook archive push`.
import path from 'node:path';
import {archiveBadge} from '../core/archive-status.js';
import {terminalText} from '../core/text/sanitize.js';
import type {ArchiveChoice} from '../store/archive/config.js';
import {ArchiveSender} from '../store/archive/sender.js';
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
	const sender = new ArchiveSender({url: choice.url, dir, session, takeApprovals: true}).start();
	log.onWrite((seq) => sender.poke(seq));
	return {
		badge: () => archiveBadge(sender.status()),
		async finish() {
			await sender.drain(finishMs);
			await sender.close();
			const status = sender.status();
			const behind = status.written - status.archived;
			if (behind > 0 || status.refused)
				process.stderr.write(
					`runbook: ${archiveBadge(status)}${status.problem ? ` (${terminalText(status.problem)})` : ''}; \`runbook archive push ${session}\` sends the rest\n`,
				);
		},
	};
}
