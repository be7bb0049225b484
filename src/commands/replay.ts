// `runbook replay`: verifies the log first, then hands its events to the replay screen (or
// prints them as plain lines where there is no screen).
import {LogEventReader, readLogEvents} from '../core/audit/read-log.js';
import {verifyLog, type Trust, type VerifyReport} from '../core/audit/verify.js';
import {StreamingVerifier} from '../core/audit/verify-stream.js';
import {streamSession} from '../store/session-files.js';
import type {RunEvent} from '../core/run/events.js';
import {ownPublicKeys} from '../store/identity.js';
import {terminalPresenter} from '../ui/presenter.js';
import {readSessionOrArchived} from './archive-read.js';
import {UsageError} from './usage-error.js';
import {sessionIdOf} from './export.js';
import {openOutputIndex} from '../store/output-index.js';

/** A log that does not verify, replayed without --force. */
export class ReplayRefused extends Error {}

export type PreparedReplay = {events: RunEvent[]; logFile: string; banner?: {text: string; tone: 'danger' | 'waiting'}};

/** The verified events of SESSION; ReplayRefused when they do not verify and --force is not given. */
export async function prepareReplay(options: {
	session: string;
	sessions: string;
	/** `--archive`: an archived session, when there is no local one. */
	archive?: string | true;
	isForced: boolean;
}): Promise<PreparedReplay> {
	const trust = {ownKeys: await ownPublicKeys().catch(() => [])};
	const streamed = streamedReplay(options.session, options.sessions, trust);
	if (streamed) return streamed;
	const read = await readSessionOrArchived({...options, archive: options.archive});
	if (!read.ok) throw new UsageError(read.problem);
	const report = verifyLog(read.files.bytes, read.files.sig, trust, {expectedSession: sessionIdOf(read.files.log)});
	if (report.verdict === 'INVALID' && !options.isForced)
		throw new ReplayRefused(
			`${report.summary}\nrunbook: replay refused: the log was altered or damaged; --force shows it anyway, under a warning on every frame`,
		);
	let events: RunEvent[];
	try {
		events = readLogEvents(read.files.bytes).events;
	} catch (error) {
		throw new UsageError(`${read.files.log}: ${(error as Error).message}`);
	}
	return replayOf(events, read.files.log, report);
}

/**
 * A local log read once, in chunks, verified and parsed in the same pass; undefined when the
 * streaming checks do not vouch for it (not sealed, or anything wrong), which the whole-file
 * path then reports exactly.
 */
function streamedReplay(session: string, sessions: string, trust: Trust): PreparedReplay | undefined {
	let verifier: StreamingVerifier | undefined;
	const reader = new LogEventReader();
	const streamed = streamSession(
		session,
		sessions,
		(chunk) => {
			verifier!.push(chunk);
			reader.push(chunk);
		},
		(sig) => (verifier = new StreamingVerifier(sig)),
	);
	if (!streamed.ok) return undefined;
	const report = verifier!.finish(streamed.sig, trust, sessionIdOf(streamed.log));
	if (!report) return undefined;
	let events: RunEvent[];
	try {
		events = reader.finish().events;
	} catch (error) {
		throw new UsageError(`${streamed.log}: ${(error as Error).message}`);
	}
	return replayOf(events, streamed.log, report);
}

function replayOf(events: RunEvent[], logFile: string, report: VerifyReport): PreparedReplay {
	if (events.length === 0) throw new UsageError(`${logFile}: no events to replay`);
	const banner =
		report.verdict === 'INVALID'
			? {text: `NOT VERIFIED: ${report.summary}`, tone: 'danger' as const}
			: report.verdict === 'UNTRUSTED'
				? {text: report.summary, tone: 'danger' as const}
				: report.verdict === 'INCOMPLETE'
					? {text: report.summary, tone: 'waiting' as const}
					: undefined;
	return {events, logFile, ...(banner ? {banner} : {})};
}

export type ReplayOptions = {
	session: string;
	sessions: string;
	isForced: boolean;
	/** Playback speed, 1 = as recorded. */
	speed: number;
	idleLimitUs: number;
	/** A step id: playback starts where it started. */
	startAt?: string;
	/** `--archive`: an archived session, when there is no local one. */
	archive?: string | true;
};

export async function replayCommand(options: ReplayOptions): Promise<number> {
	let prepared: PreparedReplay;
	try {
		prepared = await prepareReplay(options);
	} catch (error) {
		if (error instanceof ReplayRefused) {
			process.stderr.write(`${error.message}\n`);
			return 1;
		}
		throw error;
	}
	const {startAt} = options;
	if (startAt !== undefined && !prepared.events.some((e) => e.type === 'step-started' && e.step === startAt))
		throw new UsageError(`--start-at: the session never started a step \`${startAt}\``);
	const outputReader = openOutputIndex(prepared.logFile);
	await terminalPresenter().showReplay({
		...prepared,
		...(outputReader ? {outputReader} : {}),
		speed: options.speed,
		idleLimitUs: options.idleLimitUs,
		...(startAt !== undefined ? {startAt} : {}),
	});
	outputReader?.close();
	return 0;
}
