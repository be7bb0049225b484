// `runbook replay`: verifies the log first, then hands its events to the replay screen (or
// prints them as plain lines where there is no screen).
import {readLogEvents} from '../core/audit/read-log.js';
import {verifyLog} from '../core/audit/verify.js';
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
	const read = await readSessionOrArchived({...options, archive: options.archive});
	if (!read.ok) throw new UsageError(read.problem);
	const report = verifyLog(
		read.files.bytes,
		read.files.sig,
		{ownKeys: await ownPublicKeys().catch(() => [])},
		{expectedSession: sessionIdOf(read.files.log)},
	);
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
	if (events.length === 0) throw new UsageError(`${read.files.log}: no events to replay`);
	const banner =
		report.verdict === 'INVALID'
			? {text: `NOT VERIFIED: ${report.summary}`, tone: 'danger' as const}
			: report.verdict === 'UNTRUSTED'
				? {text: report.summary, tone: 'danger' as const}
				: report.verdict === 'INCOMPLETE'
					? {text: report.summary, tone: 'waiting' as const}
					: undefined;
	return {events, logFile: read.files.log, ...(banner ? {banner} : {})};
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
