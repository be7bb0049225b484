// `runbook archive init|doctor|push`, `runbook config set archive URL`, and the archive's
// side of `sessions --archive`: the team archive in PostgreSQL.
import path from 'node:path';
import {terminalText} from '../core/text/sanitize.js';
import {ArchiveUrlError, chooseArchive, storeArchiveUrl, type ArchiveChoice} from '../store/archive/config.js';
import {Archive, ArchiveError, redactUrl} from '../store/archive/client.js';
import {ArchiveSender} from '../store/archive/sender.js';
import {listArchivedSessions, type ArchivedSession, type ArchiveSessionFilter} from '../store/archive/sessions.js';
import {readerRole, writerRole} from '../store/archive/schema.js';
import {listSessionIds, readSession} from '../store/session-files.js';
import {sessionTable, type SessionRow} from './sessions.js';
import {UsageError} from './usage-error.js';

/** The archive a command must have: `--archive`, RUNBOOK_ARCHIVE or the setting, else a usage error. */
export async function requireArchive(flag: string | undefined, env = process.env): Promise<ArchiveChoice> {
	let choice: ArchiveChoice | undefined;
	try {
		choice = await chooseArchive(flag, env);
	} catch (error) {
		if (error instanceof ArchiveUrlError) throw new UsageError(error.message);
		throw error;
	}
	if (!choice)
		throw new UsageError(
			'no archive configured: give --archive postgres://…, set RUNBOOK_ARCHIVE, or run `runbook config set archive postgres://…`',
		);
	return choice;
}

/** The archive configured, if any (a malformed URL is a usage error); none is no error. */
export async function requireArchiveIfAny(
	flag: string | undefined,
	env = process.env,
): Promise<ArchiveChoice | undefined> {
	try {
		return await chooseArchive(flag, env);
	} catch (error) {
		if (error instanceof ArchiveUrlError) throw new UsageError(error.message);
		throw error;
	}
}

/** Connects, or a one-line reason (exit 2) when the archive cannot be reached. */
export async function connectArchive(choice: ArchiveChoice): Promise<Archive> {
	try {
		return await Archive.connect(choice.url);
	} catch (error) {
		if (error instanceof ArchiveError) throw new UsageError(error.message);
		throw error;
	}
}

async function withArchive<T>(flag: string | undefined, body: (archive: Archive) => Promise<T>): Promise<T> {
	const archive = await connectArchive(await requireArchive(flag));
	try {
		return await body(archive);
	} catch (error) {
		if (error instanceof ArchiveError) throw new UsageError(error.message);
		throw error;
	} finally {
		await archive.close();
	}
}

/** `runbook config set archive URL` (an empty URL removes it). */
export async function configSetCommand(key: string, value: string): Promise<number> {
	if (key !== 'archive') throw new UsageError(`unknown setting \`${key}\`: the one setting is \`archive\``);
	try {
		await storeArchiveUrl(value);
	} catch (error) {
		if (error instanceof ArchiveUrlError) throw new UsageError(error.message);
		throw error;
	}
	process.stdout.write(value ? `archive: ${redactUrl(value)}\n` : 'archive: none (sessions stay on this machine)\n');
	return 0;
}

/** `runbook archive init`: the schema, the roles and the append-only rules, as a role that may create them. */
export async function archiveInitCommand(options: {archive?: string}): Promise<number> {
	return withArchive(options.archive, async (archive) => {
		await archive.init();
		process.stdout.write(
			`The archive is ready: schema runbook; roles ${writerRole} (INSERT, SELECT) and ${readerRole} (SELECT);\n` +
				`UPDATE, DELETE and TRUNCATE are refused by trigger, even to the owner.\n` +
				`Grant them to login roles, e.g. CREATE ROLE alice LOGIN PASSWORD '…' IN ROLE ${writerRole};\n`,
		);
		return 0;
	});
}

/** `runbook archive doctor`: what is reachable, and what the connected role may do. */
export async function archiveDoctorCommand(options: {archive?: string}): Promise<number> {
	const choice = await requireArchive(options.archive);
	const lines = [`archive: ${redactUrl(choice.url)} (from ${sourceName[choice.source]})`];
	let archive: Archive;
	try {
		archive = await Archive.connect(choice.url);
	} catch (error) {
		process.stdout.write(`${lines[0]}\nreachable: no: ${(error as Error).message}\n`);
		return 1;
	}
	try {
		const report = await archive.doctor();
		lines.push(`reachable: yes: ${report.server}, database ${report.database}, connected as ${report.role}`);
		if (!report.hasSchema) {
			lines.push('schema: missing; an administrator runs `runbook archive init`');
			process.stdout.write(`${lines.join('\n')}\n`);
			return 1;
		}
		const may = (privilege: string) => (report.may[privilege] ? 'yes' : 'no');
		lines.push(
			`schema: present; append-only trigger ${report.hasAppendOnlyTrigger ? 'present' : 'MISSING'}`,
			`roles: ${report.memberOf.length ? report.memberOf.join(', ') : `neither ${writerRole} nor ${readerRole}`}`,
			`may read: ${may('SELECT')} · append: ${may('INSERT')} · update: ${may('UPDATE')} · delete: ${may('DELETE')}`,
			report.may.INSERT
				? 'this role can stream sessions and hand in approvals'
				: 'this role can list, watch, replay and verify, but not stream or approve',
		);
		if (report.may.UPDATE || report.may.DELETE)
			lines.push(
				'note: this role may UPDATE or DELETE; only the trigger stops it. Operators should use the writer role.',
			);
		process.stdout.write(`${lines.join('\n')}\n`);
		return report.hasAppendOnlyTrigger ? 0 : 1;
	} finally {
		await archive.close();
	}
}

const sourceName = {flag: '--archive', env: 'RUNBOOK_ARCHIVE', settings: 'the settings'} as const;

/** `runbook archive push [SESSION | --all]`: sends what the archive does not hold yet. */
export async function archivePushCommand(options: {
	archive?: string;
	sessions: string;
	session?: string;
	isAll: boolean;
	timeoutMs?: number;
}): Promise<number> {
	const choice = await requireArchive(options.archive);
	if (!options.isAll && !options.session) throw new UsageError('give a session id, or --all');
	const ids = options.isAll ? listSessionIds(options.sessions) : [options.session!];
	let failures = 0;
	for (const id of ids) {
		const dir = path.join(options.sessions, id);
		const local = readSession(id, options.sessions);
		if (!local.ok) throw new UsageError(local.problem);
		const sender = new ArchiveSender({url: choice.url, dir, session: id, maxRetryMs: 1000}).start();
		const isDone = await sender.drain(options.timeoutMs ?? 30_000);
		await sender.close();
		const status = sender.status();
		if (isDone && !status.problem) process.stdout.write(`${id}: archived (${status.archived + 1} lines)\n`);
		else {
			failures++;
			process.stdout.write(
				`${id}: ${status.written - status.archived} lines not archived: ${terminalText(status.problem ?? 'timed out')}\n`,
			);
		}
	}
	return failures === 0 ? 0 : 1;
}

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
		// A full verdict needs every line: `verify SESSION --archive` gives it.
		verdict: archived.isSealed ? 'sealed' : 'not sealed',
		log: '',
	};
}
