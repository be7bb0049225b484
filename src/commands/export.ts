// `runbook export`: post-mortem documents from a session log (md, html, json, cast). Each carries
// the verify verdict; an INVALID log is exported only with --force. The HTML page, with all of
// every command's output, is written as it is made, from events read one line at a time.
import {batchedText, writeOutputChunks} from '../store/output-file.js';
import type {LogHeader} from '../core/audit/entry.js';
import {streamLogEvents} from '../core/audit/log-events.js';
import {readLogEvents} from '../core/audit/read-log.js';
import {verifyLog, type VerifyReport} from '../core/audit/verify.js';
import {withApproverNames, withApproverNamesStreamed} from '../core/export/approvers.js';
import {exportCast} from '../core/export/cast.js';
import {exportMarkdown} from '../core/export/markdown.js';
import {exportHtmlChunks} from '../core/export/html.js';
import type {RunEvent} from '../core/run/events.js';
import type {SessionFiles} from '../store/session-files.js';
import {foldEvents} from '../core/run/reduce.js';
import {stepTimingsMs} from '../core/run/step-timing.js';
import {ownPublicKeys} from '../store/identity.js';
import {sessionIdOf} from './session-id.js';
import {readSessionOrArchived} from './archive-read.js';
import {UsageError} from './usage-error.js';

export {sessionIdOf};

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
	const {log, stream} = readLog(read.files, options.format);
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
	const chunks = stream
		? documentChunks(
				options.format,
				stream.header,
				withApproverNamesStreamed(stream.events, report.approvers),
				report.summary,
			)
		: [otherDocument(options.format, log!.header, withApproverNames(log!.events, report.approvers), report)];
	const pieces = firstPieceChecked(chunks, read.files.log);
	if (options.output) {
		const written = writeOutputChunks(options.output, pieces);
		if (!written.ok) throw new UsageError(`-o ${options.output}: ${written.problem}`);
	} else for (const batch of batchedText(pieces)) process.stdout.write(batch);
	if (report.verdict === 'INVALID') process.stderr.write(`runbook: warning: ${report.summary}\n`);
	return 0;
}

/** The log's events: read as a stream for the documents that show all output (md, html), whole for the others. */
function readLog(
	files: SessionFiles,
	format: string,
): {log?: ReturnType<typeof readLogEvents>; stream?: ReturnType<typeof streamLogEvents>} {
	try {
		return format === 'md' || format === 'html'
			? {stream: streamLogEvents(files.bytes)}
			: {log: readLogEvents(files.bytes)};
	} catch (error) {
		throw new UsageError(`${files.log}: ${(error as Error).message}`);
	}
}

/** Made as they are asked for: reading the events may fail part-way (see firstPieceChecked). */
function* documentChunks(format: string, header: LogHeader, events: Iterable<RunEvent>, verdict: string) {
	if (format === 'html') yield* exportHtmlChunks(header, events, verdict);
	else yield exportMarkdown(header, events, verdict);
}

function otherDocument(format: string, header: LogHeader, events: RunEvent[], report: VerifyReport): string {
	return format === 'cast' ? exportCast(header, events, report.summary) : jsonExport(header, report, events);
}

/** The JSON export: the header, the verdict, the folded state, each step's timing (its own time and its waits apart), the events. */
function jsonExport(header: unknown, verdict: unknown, events: RunEvent[]): string {
	const state = foldEvents(events);
	return `${JSON.stringify({header, verdict, state, stepTimings: stepTimingsMs(state.steps), events}, null, 2)}\n`;
}

/**
 * The document's pieces, the first made before anything is written: a log that turns out not to
 * be one part-way (its events are read as they are written out) is a one-line reason, not half a file.
 */
function* firstPieceChecked(chunks: Iterable<string>, logName: string): Generator<string> {
	const iterator = chunks[Symbol.iterator]();
	let first: IteratorResult<string>;
	try {
		first = iterator.next();
	} catch (error) {
		throw new UsageError(`${logName}: ${(error as Error).message}`);
	}
	if (first.done) return;
	yield first.value;
	for (let next = iterator.next(); !next.done; next = iterator.next()) yield next.value;
}
