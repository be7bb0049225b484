// `runbook export`: post-mortem documents from a session log (md, json, cast). Each carries the
// verify verdict; an INVALID log is exported only with --force.
import path from 'node:path';
import {writeOutputFile} from '../store/output-file.js';
import {readLogEvents} from '../core/audit/read-log.js';
import {verifyLog} from '../core/audit/verify.js';
import {withApproverNames} from '../core/export/approvers.js';
import {exportCast} from '../core/export/cast.js';
import {exportMarkdown} from '../core/export/markdown.js';
import {exportHtml} from '../core/export/html.js';
import {foldEvents} from '../core/run/reduce.js';
import type {RunEvent} from '../core/run/events.js';
import {stepTimingsMs} from '../core/run/step-timing.js';
import {ownPublicKeys} from '../store/identity.js';
import {isSessionIdShaped} from '../store/sessions-dir.js';
import {readSessionOrArchived} from './archive-read.js';
import {UsageError} from './usage-error.js';

export const exportFormats = ['md', 'html', 'json', 'cast'] as const;

export async function exportCommand(options: {
	session: string;
	sessions: string;
	/** `--archive`: an archived session, when there is no local one. */
	archive?: string | true;
	format: string;
	output?: string;
	isForced?: boolean;
}): Promise<number> {
	if (!(exportFormats as readonly string[]).includes(options.format))
		throw new UsageError(`--format ${options.format}: expected one of ${exportFormats.join(', ')}`);
	const read = await readSessionOrArchived({...options, archive: options.archive});
	if (!read.ok) throw new UsageError(read.problem);
	let log: ReturnType<typeof readLogEvents>;
	try {
		log = readLogEvents(read.files.bytes);
	} catch (error) {
		throw new UsageError(`${read.files.log}: ${(error as Error).message}`);
	}
	const report = verifyLog(
		read.files.bytes,
		read.files.sig,
		{ownKeys: await ownPublicKeys().catch(() => [])},
		{expectedSession: sessionIdOf(read.files.log)},
	);
	if (report.verdict === 'INVALID' && !options.isForced) {
		process.stderr.write(
			`${report.summary}\nrunbook: export refused: the log was altered or damaged; --force exports it anyway, with the verdict in it\n`,
		);
		return 1;
	}
	const events = withApproverNames(log.events, report.approvers);
	const text =
		options.format === 'md'
			? exportMarkdown(log.header, events, report.summary)
			: options.format === 'html'
				? exportHtml(log.header, events, report.summary)
				: options.format === 'cast'
					? exportCast(log.header, events, report.summary)
					: jsonExport(log.header, report, events);
	if (options.output) {
		const written = writeOutputFile(options.output, text);
		if (!written.ok) throw new UsageError(`-o ${options.output}: ${written.problem}`);
	} else process.stdout.write(text);
	if (report.verdict === 'INVALID') process.stderr.write(`runbook: warning: ${report.summary}\n`);
	return 0;
}

/** The JSON export: the header, the verdict, the folded state, each step's timing (its own time and its waits apart), the events. */
function jsonExport(header: unknown, verdict: unknown, events: RunEvent[]): string {
	const state = foldEvents(events);
	return `${JSON.stringify({header, verdict, state, stepTimings: stepTimingsMs(state.steps), events}, null, 2)}\n`;
}

/** The session a log stands for by where it lies: `…/ID/session.jsonl`; none for a log under another name, or in a directory not named like an id. */
export function sessionIdOf(logFile: string): string | undefined {
	if (logFile.startsWith('archive:')) return logFile.slice('archive:'.length);
	const dirName = path.basename(path.dirname(path.resolve(logFile)));
	return path.basename(logFile) === 'session.jsonl' && isSessionIdShaped(dirName) ? dirName : undefined;
}
