// `sessions --archive`: every operator's archived sessions, with how each ended and the newest
// verdict someone recorded for it, in one query; and the recording of a verdict.
import type {Verdict} from '../../core/audit/verify-report.js';
import {ArchiveError, type Archive} from './client.js';

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
	/** The newest verdict recorded by `verify SESSION --archive`, if anyone has run it. */
	verified?: RecordedVerdict;
};

/** A verdict as recorded in the archive: by whom (their database role), when, over how many lines. */
export type RecordedVerdict = {
	verdict: Verdict;
	/** The session's first `lines` lines were verified; lines archived since are not covered. */
	lines: number;
	/** What the verifier trusted: their own keys, or an allowed-signers file. */
	trust: string;
	verifiedBy: string;
	verifiedAt: Date;
};

const listSql = `
SELECT s.session_id, s.runbook, s.operator, s.host, s.started_at,
	ended.status, ended.t_us, sealed.seq IS NOT NULL AS is_sealed, last.seq AS last_seq,
	v.verdict, v.lines AS verified_lines, v.trust, v.verified_by, v.verified_at
FROM runbook.sessions s
LEFT JOIN LATERAL (SELECT m.status, m.t_us FROM runbook.marks m
	WHERE m.session_id = s.session_id AND m.kind = 'ended' ORDER BY m.seq DESC LIMIT 1) ended ON true
LEFT JOIN LATERAL (SELECT m.seq FROM runbook.marks m
	WHERE m.session_id = s.session_id AND m.kind = 'sealed' LIMIT 1) sealed ON true
LEFT JOIN LATERAL (SELECT e.seq FROM runbook.events e
	WHERE e.session_id = s.session_id ORDER BY e.seq DESC LIMIT 1) last ON true
LEFT JOIN LATERAL (SELECT * FROM runbook.verdicts v
	WHERE v.session_id = s.session_id ORDER BY v.id DESC LIMIT 1) v ON true
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
		verdict: RecordedVerdict['verdict'] | null;
		verified_lines: string | null;
		trust: string | null;
		verified_by: string | null;
		verified_at: Date | null;
	};
	const result = await archive
		.query<Row>(listSql, [
			filter.runbook ?? null,
			filter.operator ?? null,
			filter.since ?? null,
			filter.outcome ?? null,
			filter.limit ?? 100_000,
		])
		.catch((error: unknown) => {
			// 42P01: no such table; an archive made by an older runbook has no verdicts yet.
			if (error instanceof ArchiveError && error.code === '42P01')
				throw new ArchiveError(
					`${error.message}: the archive's schema is older than this runbook; an administrator runs \`runbook archive init\` again (it keeps what is there)`,
					error.code,
				);
			throw error;
		});
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
		...(row.verdict !== null
			? {
					verified: {
						verdict: row.verdict,
						lines: Number(row.verified_lines),
						trust: row.trust!,
						verifiedBy: row.verified_by!,
						verifiedAt: row.verified_at!,
					},
				}
			: {}),
	}));
}

/** Records what `verify SESSION --archive` found; the archive stamps who and when itself. */
export async function recordVerdict(
	archive: Archive,
	session: string,
	verdict: Omit<RecordedVerdict, 'verifiedBy' | 'verifiedAt'>,
): Promise<void> {
	await archive.query('INSERT INTO runbook.verdicts (session_id, lines, verdict, trust) VALUES ($1, $2, $3, $4)', [
		session,
		verdict.lines,
		verdict.verdict,
		verdict.trust,
	]);
}

/** The VERDICT column: a recorded verdict that covers every archived line, else why there is none. */
export function verdictCell(session: ArchivedSession): string {
	const recorded = session.verified;
	const when = recorded?.verifiedAt.toISOString().slice(0, 16).replace('T', ' ');
	if (recorded && recorded.lines >= session.lines) return `${recorded.verdict} (${recorded.verifiedBy} ${when})`;
	if (recorded)
		return `unverified: ${session.lines - recorded.lines} lines since ${recorded.verdict} (${recorded.verifiedBy} ${when})`;
	return `unverified: ${session.isSealed ? 'sealed' : session.outcome === 'unfinished' ? 'running or cut' : 'not sealed'}`;
}
