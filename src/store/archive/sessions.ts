// `sessions --archive`: every operator's archived sessions, with how each ended, in one query.
import type {Archive} from './client.js';

/** Filters of `sessions --archive`; each one given narrows the list. */
export type ArchiveSessionFilter = {
	runbook?: string;
	operator?: string;
	since?: Date;
	outcome?: string;
	limit?: number;
};

export type ArchivedSession = {
	session: string;
	runbook: string;
	operator: string;
	host: string;
	startedAt: Date;
	/** µs from the start to the session-ended record, when there is one. */
	endedUs?: number;
	/** How it ended; 'unfinished' without a session-ended record. */
	outcome: string;
	isSealed: boolean;
	lines: number;
};

const listSql = `
SELECT s.session_id, s.runbook, s.operator, s.host, s.started_at,
	ended.status, ended.t_us, sealed.seq IS NOT NULL AS is_sealed, last.seq AS last_seq
FROM runbook.sessions s
LEFT JOIN LATERAL (SELECT m.status, m.t_us FROM runbook.marks m
	WHERE m.session_id = s.session_id AND m.kind = 'ended' ORDER BY m.seq DESC LIMIT 1) ended ON true
LEFT JOIN LATERAL (SELECT m.seq FROM runbook.marks m
	WHERE m.session_id = s.session_id AND m.kind = 'sealed' LIMIT 1) sealed ON true
LEFT JOIN LATERAL (SELECT e.seq FROM runbook.events e
	WHERE e.session_id = s.session_id ORDER BY e.seq DESC LIMIT 1) last ON true
WHERE ($1::text IS NULL OR strpos(s.runbook, $1) > 0)
	AND ($2::text IS NULL OR s.operator = $2)
	AND ($3::timestamptz IS NULL OR s.started_at >= $3)
	AND ($4::text IS NULL OR coalesce(ended.status, 'unfinished') = $4)
ORDER BY s.started_at DESC, s.session_id
LIMIT $5`;

/** Every operator's archived sessions, newest first. */
export async function listArchivedSessions(
	archive: Archive,
	filter: ArchiveSessionFilter = {},
): Promise<ArchivedSession[]> {
	type Row = {
		session_id: string;
		runbook: string;
		operator: string;
		host: string;
		started_at: Date;
		status: string | null;
		t_us: string | null;
		is_sealed: boolean;
		last_seq: string | null;
	};
	const result = await archive.query<Row>(listSql, [
		filter.runbook ?? null,
		filter.operator ?? null,
		filter.since ?? null,
		filter.outcome ?? null,
		filter.limit ?? 100_000,
	]);
	return result.rows.map((row) => ({
		session: row.session_id,
		runbook: row.runbook,
		operator: row.operator,
		host: row.host,
		startedAt: row.started_at,
		...(row.t_us !== null ? {endedUs: Number(row.t_us)} : {}),
		outcome: row.status ?? 'unfinished',
		isSealed: row.is_sealed,
		lines: row.last_seq === null ? 0 : Number(row.last_seq) + 1,
	}));
}
