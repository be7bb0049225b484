// `runbook sessions --archive`: every operator's sessions, newest first, in one query. Its
// imports are few on purpose: the command's time is mostly start-up (see bench/archive.mjs).
import {
	listArchivedSessions,
	verdictCell,
	type ArchivedSession,
	type ArchiveSessionFilter,
} from '../store/archive/sessions.js';
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
		process.stdout.write(sessionTable(sessions.map(archivedSessionRow)));
		return 0;
	});
}

/** The archive's sessions as `runbook sessions` rows, newest first: one query, no line read. */
export async function archivedSessionRows(flag: string | undefined): Promise<SessionRow[]> {
	return withArchive(flag, async (archive) => (await listArchivedSessions(archive)).map(archivedSessionRow));
}

function archivedSessionRow(archived: ArchivedSession): SessionRow {
	return {
		id: archived.session,
		runbook: archived.runbook,
		operator: `${archived.operator}@${archived.host}`,
		start: archived.startedAt.toISOString(),
		durationMs: Math.round((archived.endedUs ?? 0) / 1000),
		outcome: archived.outcome,
		verdict: verdictCell(archived),
		log: '',
	};
}
