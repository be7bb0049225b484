// `runbook sessions --archive`: every operator's sessions, newest first, in one query. Its
// imports are few on purpose: the command's time is mostly start-up (see bench/archive.mjs).
import {listArchivedSessions, verdictCell, type ArchiveSessionFilter} from '../store/archive/sessions.js';
import {withArchive} from './archive-choice.js';
import {sessionTable, type SessionRow} from './session-table.js';

/** `runbook sessions --archive`: every operator's sessions, newest first. */
export async function archiveSessionsCommand(options: {
	archive?: string;
	filter: ArchiveSessionFilter;
	isJson: boolean;
}): Promise<number> {
	return withArchive(options.archive, async (archive) => {
		const sessions = await listArchivedSessions(archive, options.filter);
		if (options.isJson) {
			process.stdout.write(`${JSON.stringify(sessions, null, 2)}\n`);
			return 0;
		}
		if (sessions.length === 0) {
			process.stdout.write('No archived sessions match.\n');
			return 0;
		}
		const rows: SessionRow[] = sessions.map((s) => ({
			id: s.session,
			runbook: s.runbook,
			operator: `${s.operator}@${s.host}`,
			start: s.startedAt.toISOString(),
			durationMs: Math.round((s.endedUs ?? 0) / 1000),
			outcome: s.outcome,
			verdict: verdictCell(s),
			log: '',
		}));
		process.stdout.write(sessionTable(rows));
		return 0;
	});
}
