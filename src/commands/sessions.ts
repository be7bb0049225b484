// `runbook sessions`: recorded sessions, newest first, with how each ended and its verdict.
import {readLogEvents} from '../core/audit/read-log.js';
import {verifyLog} from '../core/audit/verify.js';
import {foldEvents} from '../core/run/reduce.js';
import {listSessionIds, readSession} from '../store/session-files.js';
import {ownPublicKeys} from '../store/identity.js';
import {sessionTable, type SessionRow} from './session-table.js';
import {isRunnerRunning} from '../session/runner-liveness.js';

export {sessionTable, type SessionRow};

export async function sessionRows(sessions: string): Promise<SessionRow[]> {
	const ownKeys = await ownPublicKeys().catch(() => []);
	const rows: SessionRow[] = [];
	for (const id of listSessionIds(sessions)) {
		const read = readSession(id, sessions);
		if (!read.ok) continue;
		try {
			const log = readLogEvents(read.files.bytes);
			const state = foldEvents(log.events);
			const report = verifyLog(read.files.bytes, read.files.sig, {ownKeys});
			rows.push({
				id,
				runbook: state.runbook?.name ?? '?',
				operator: log.header.operator.user,
				start: log.header.wall,
				durationMs: Math.round((state.ended?.t ?? state.lastT) / 1000),
				// Not ended: still being run, or its runner stopped (`resume` goes on with it).
				outcome: state.ended?.status ?? (!log.isSealed && isRunnerRunning(log) ? 'running' : 'interrupted'),
				verdict: report.verdict,
				log: read.files.log,
			});
		} catch (error) {
			rows.push({
				id,
				runbook: '?',
				operator: '?',
				start: '',
				durationMs: 0,
				outcome: 'unreadable',
				verdict: `INVALID (${(error as Error).message})`,
				log: read.files.log,
			});
		}
	}
	return rows.sort((a, b) => b.start.localeCompare(a.start) || b.id.localeCompare(a.id));
}

export async function sessionsCommand(options: {sessions: string; isJson: boolean}): Promise<number> {
	const rows = await sessionRows(options.sessions);
	if (options.isJson) {
		process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
		return 0;
	}
	if (rows.length === 0) {
		process.stdout.write(`No sessions in ${options.sessions}.\n`);
		return 0;
	}
	process.stdout.write(sessionTable(rows));
	return 0;
}
