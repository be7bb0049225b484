// `runbook sessions`: recorded sessions, newest first, with how each ended and its verdict.
import {readLogEvents} from '../core/audit/read-log.js';
import {verifyLog} from '../core/audit/verify.js';
import {foldEvents} from '../core/run/reduce.js';
import {listSessionIds, readSession} from '../store/session-files.js';
import {ownPublicKeys} from '../store/identity.js';
import {clock} from '../core/time.js';
import {isRunnerRunning} from '../session/runner-liveness.js';
import {terminalText} from '../core/text/sanitize.js';

export type SessionRow = {
	id: string;
	runbook: string;
	operator: string;
	start: string;
	durationMs: number;
	outcome: string;
	verdict: string;
	log: string;
};

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

/** The rows as aligned columns, safe for a terminal. */
export function sessionTable(rows: SessionRow[]): string {
	const table = [
		['SESSION', 'STARTED', 'DURATION', 'OUTCOME', 'VERDICT', 'OPERATOR', 'RUNBOOK'],
		// Names and messages come from the logs: shown, never passed to the terminal.
		...rows.map((r) =>
			[
				r.id,
				r.start.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
				clock(r.durationMs * 1000),
				r.outcome,
				r.verdict,
				r.operator,
				r.runbook,
			].map((cell) => terminalText(cell).replace(/\n/g, ' ')),
		),
	];
	const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
	return `${table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}
