// The team archive in PostgreSQL, through node-postgres (loaded on first use): connect, append
// and read back a session's lines, hand in and collect approvals, say what the role may do.
import type {Client, ClientConfig, Notification} from 'pg';
import {copyLines, keepServerHeap} from './copy-lines.js';
import {ArchiveError, asArchiveError, describe, redactUrl} from './errors.js';
import {loadPg} from './load-pg.js';
import {approvalsChannel, eventsChannel, initSql, readerRole, writerRole} from './schema.js';

export {ArchiveError, redactUrl} from './errors.js';

/** A database that stops answering mid-batch frees the sender to retry after this long. */
const queryTimeoutMs = 60_000;

/** A line of a session, as the archive holds it: seq is its index in session.jsonl. */
export type ArchivedLine = {seq: number; line: Buffer};

export type ArchiveConnectOptions = {
	/** Give up connecting after this long. @default 5000 */
	connectTimeoutMs?: number;
	/** Called when the connection breaks outside a query (the server went away). */
	onBroken?: (error: Error) => void;
};

export class Archive {
	private isBroken = false;
	private readonly brokenListeners: Array<(error: Error) => void> = [];

	private constructor(readonly client: Client) {}

	/** Connects to `url` (postgres://…); a failure says where, without the password. */
	static async connect(url: string, options: ArchiveConnectOptions = {}): Promise<Archive> {
		const pg = await loadPg();
		const config: ClientConfig = {
			connectionString: url,
			connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
			application_name: 'runbook',
			query_timeout: queryTimeoutMs,
		};
		const client = new pg.Client(config);
		const archive = new Archive(client);
		// Without a listener, a dropped connection would be an uncaught error that ends the runner.
		if (options.onBroken) archive.brokenListeners.push(options.onBroken);
		client.on('error', (error) => {
			archive.isBroken = true;
			for (const listener of archive.brokenListeners) listener(error);
		});
		try {
			await client.connect();
		} catch (error) {
			await client.end().catch(() => {});
			throw new ArchiveError(`cannot reach the archive at ${redactUrl(url)}: ${describe(error)}`);
		}
		return archive;
	}

	get broken(): boolean {
		return this.isBroken;
	}

	/** Also calls `listener` when the connection breaks (for a connection opened before its user existed). */
	onBroken(listener: (error: Error) => void): void {
		this.brokenListeners.push(listener);
	}

	/** Ends the connection; a connection already broken is given a second at most. */
	async close(): Promise<void> {
		let timer: NodeJS.Timeout | undefined;
		const gaveUp = new Promise<void>((resolve) => {
			timer = setTimeout(resolve, 1000);
			timer.unref();
		});
		await Promise.race([this.client.end().catch(() => {}), gaveUp]);
		clearTimeout(timer);
	}

	/** Creates (or brings up to date) the schema, the roles and the append-only rules. */
	async init(): Promise<void> {
		await this.query(initSql());
	}

	/**
	 * Appends lines `first`… of a session; returns the archive's last seq for it. Lines already
	 * archived with the same bytes are a no-op; a changed line or a gap throws ArchiveError.
	 */
	async append(session: string, first: number, lines: Buffer[]): Promise<number> {
		const chunk = Buffer.concat(lines.flatMap((line) => [line, newline]));
		const lineEnds: number[] = [];
		for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) lineEnds.push(at);
		return this.appendChunk(session, first, chunk, lineEnds);
	}

	/**
	 * The same, for `chunk` as it lies in session.jsonl (whole lines, each with its newline at
	 * `lineEnds[i]`). Lines after the session's first batch go by binary COPY, straight from
	 * `chunk`; a batch the archive already holds part of falls back to the function that compares
	 * bytes, so a re-send stays a no-op and a changed line is still refused.
	 */
	async appendChunk(session: string, first: number, chunk: Buffer, lineEnds: number[]): Promise<number> {
		const last = first + lineEnds.length - 1;
		if (first === 0 && lineEnds.length > 1) {
			// The header files the session (the function's work); the rest may go by COPY.
			await this.appendChunk(session, 0, chunk, lineEnds.slice(0, 1));
			return this.appendChunk(
				session,
				1,
				chunk.subarray(lineEnds[0]! + 1),
				lineEnds.slice(1).map((end) => end - lineEnds[0]! - 1),
			);
		}
		if (first > 0) {
			try {
				await this.copyLines(session, first, chunk, lineEnds);
				await this.query('SELECT pg_notify($1, $2)', [eventsChannel, `${session} ${last}`]);
				return last;
			} catch (error) {
				// A line held already, or a gap: the function says which, with the line's number.
				if (!(error instanceof ArchiveError) || !(error.code === '23505' || error.code === '23514')) throw error;
			}
		}
		const result = await this.query<{last: string}>('SELECT runbook.append_blob($1, $2, $3, $4::int[]) AS last', [
			session,
			first,
			chunk.subarray(0, lineEnds[lineEnds.length - 1]! + 1),
			lineEnds.map((end, index) => end - (index === 0 ? 0 : lineEnds[index - 1]! + 1)),
		]);
		return Number(result.rows[0]!.last);
	}

	/** Readies the server process for the batches to come (see keepServerHeap), before the first. */
	async readyForCopy(): Promise<void> {
		await asArchiveError(() => keepServerHeap(this.client));
	}

	/** COPY the lines into runbook.events; the table's triggers refuse a gap and note ends and seals. */
	private async copyLines(session: string, first: number, chunk: Buffer, lineEnds: number[]): Promise<void> {
		await asArchiveError(() => copyLines(this.client, session, first, chunk, lineEnds));
	}

	/** The last seq the archive holds for a session, or -1. */
	async lastSeq(session: string): Promise<number> {
		const result = await this.query<{last: string | null}>(
			'SELECT max(seq) AS last FROM runbook.events WHERE session_id = $1',
			[session],
		);
		return result.rows[0]?.last == null ? -1 : Number(result.rows[0].last);
	}

	/** Lines after `afterSeq`, in order, at most `limit` of them. */
	async linesAfter(session: string, afterSeq: number, limit = 5000): Promise<ArchivedLine[]> {
		const result = await this.query<{seq: string; line: Buffer}>(
			'SELECT seq, line FROM runbook.events WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
			[session, afterSeq, limit],
		);
		return result.rows.map((row) => ({seq: Number(row.seq), line: row.line}));
	}

	/** The whole session as session.jsonl's bytes (each line with its newline). */
	async sessionBytes(session: string): Promise<Buffer> {
		return Buffer.concat((await this.allLines(session)).flatMap((line) => [line, newline]));
	}

	/** Archives session.jsonl.sig; the same text again is a no-op, another is refused. */
	async putSignature(session: string, sig: string): Promise<void> {
		await this.query('INSERT INTO runbook.signatures (session_id, sig) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
			session,
			sig,
		]);
		if ((await this.signature(session)) !== sig)
			throw new ArchiveError(`runbook archive: session ${session} has another signature archived`, '23505');
	}

	/** The archived session.jsonl.sig, if the runner sealed and sent it. */
	async signature(session: string): Promise<string | undefined> {
		const result = await this.query<{sig: string}>('SELECT sig FROM runbook.signatures WHERE session_id = $1', [
			session,
		]);
		return result.rows[0]?.sig;
	}

	/** Every archived line of a session, in order. */
	async allLines(session: string): Promise<Buffer[]> {
		const lines: Buffer[] = [];
		for (let batch = await this.linesAfter(session, -1); batch.length > 0;) {
			lines.push(...batch.map((row) => row.line));
			batch = await this.linesAfter(session, batch[batch.length - 1]!.seq);
		}
		return lines;
	}

	/** Hands in an approver's signed answer for a session the archive holds. */
	async handInApproval(session: string, content: unknown): Promise<number> {
		const result = await this.query<{id: string}>(
			'INSERT INTO runbook.approvals (session_id, body) VALUES ($1, $2) RETURNING id',
			[session, Buffer.from(`${JSON.stringify(content)}\n`)],
		);
		return Number(result.rows[0]!.id);
	}

	/** Answers handed in for a session after approval `afterId`. */
	async approvalsAfter(session: string, afterId: number): Promise<Array<{id: number; body: Buffer}>> {
		const result = await this.query<{id: string; body: Buffer}>(
			'SELECT id, body FROM runbook.approvals WHERE session_id = $1 AND id > $2 ORDER BY id',
			[session, afterId],
		);
		return result.rows.map((row) => ({id: Number(row.id), body: row.body}));
	}

	/** Calls `listener` with (session, last seq) for every batch archived, until `close`. */
	async listenEvents(listener: (session: string, lastSeq: number) => void): Promise<void> {
		this.client.on('notification', (message: Notification) => {
			if (message.channel !== eventsChannel || !message.payload) return;
			const space = message.payload.lastIndexOf(' ');
			listener(message.payload.slice(0, space), Number(message.payload.slice(space + 1)));
		});
		await this.query(`LISTEN ${eventsChannel}`);
	}

	/** Calls `listener` with the session id of every approval handed in, until `close`. */
	async listenApprovals(listener: (session: string) => void): Promise<void> {
		this.client.on('notification', (message: Notification) => {
			if (message.channel === approvalsChannel && message.payload) listener(message.payload);
		});
		await this.query(`LISTEN ${approvalsChannel}`);
	}

	/** What `archive doctor` reports: who is connected, whether the schema is there, what the role may do. */
	async doctor(): Promise<DoctorReport> {
		const who = await this.query<{role: string; version: string; db: string}>(
			'SELECT current_user AS role, current_database() AS db, version() AS version',
		);
		const schema = await this.query<{present: boolean}>("SELECT to_regclass('runbook.events') IS NOT NULL AS present");
		const report: DoctorReport = {
			role: who.rows[0]!.role,
			database: who.rows[0]!.db,
			server: who.rows[0]!.version.split(' on ')[0]!,
			hasSchema: schema.rows[0]!.present,
			may: {},
			memberOf: [],
		};
		if (!report.hasSchema) return report;
		const rights = await this.query<{privilege: string; allowed: boolean}>(
			`SELECT p AS privilege, has_table_privilege('runbook.events', p) AS allowed
			 FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p`,
		);
		for (const row of rights.rows) report.may[row.privilege] = row.allowed;
		const roles = await this.query<{role: string}>(
			`SELECT r AS role FROM unnest(ARRAY['${writerRole}', '${readerRole}']) AS r
			 WHERE pg_has_role(current_user, r, 'MEMBER')`,
		);
		report.memberOf = roles.rows.map((row) => row.role);
		const guard = await this.query<{count: string}>(
			"SELECT count(*) AS count FROM pg_trigger WHERE tgname = 'append_only' AND tgrelid = 'runbook.events'::regclass",
		);
		report.hasAppendOnlyTrigger = Number(guard.rows[0]!.count) > 0;
		return report;
	}

	async query<Row extends object = Record<string, unknown>>(text: string, values?: unknown[]) {
		return asArchiveError(() => this.client.query<Row>(text, values));
	}
}

export type DoctorReport = {
	role: string;
	database: string;
	server: string;
	hasSchema: boolean;
	hasAppendOnlyTrigger?: boolean;
	/** Privileges of the connected role on runbook.events. */
	may: Record<string, boolean>;
	memberOf: string[];
};

const newline = Buffer.from('\n');
