// Runs a live session (new or resumed) through the presenter until it ends, then seals its log.
// Signals decide how a run that is cut short ends.
import {exitCodeFor} from '../core/run/select.js';
import type {RunState} from '../core/run/state.js';
import type {LiveSession} from '../session/live.js';
import type {SessionLog} from '../store/session-log.js';
import type {Presenter} from '../ui/presenter.js';
import type {ArchiveStream} from './archive-stream.js';
import {openOutputIndex} from '../store/output-index.js';

/**
 * Shows the session, calling `begin` once the screen is up and `ready` (the runner lock) has
 * settled; the exit code of how it ended.
 */
export async function driveSession(
	session: LiveSession,
	log: SessionLog,
	presenter: Presenter,
	begin: () => void,
	archive?: ArchiveStream,
	ready?: Promise<void>,
): Promise<number> {
	// SIGINT and SIGTERM end the session as aborted: the running step's tree is stopped and the reason recorded.
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.on(signal, () => session.interrupt(`received ${signal}`));
	}
	// The terminal going away (an SSH drop: SIGHUP, or a write that fails with EIO when the
	// terminal is gone before the signal arrives), or the reader of our output (128 + SIGPIPE,
	// as a shell would say): the running step goes on, and `runbook resume` picks it up.
	const hangUp = (reason: string, code: number) => {
		session.detach(reason);
		log.close();
		process.exit(code);
	};
	process.on('SIGHUP', () => hangUp('received SIGHUP: the terminal closed', 129));
	process.stdout.prependListener('error', (error: NodeJS.ErrnoException) => {
		if (error.code === 'EIO') hangUp('the terminal closed', 129);
		if (error.code === 'EPIPE') hangUp('the reader of the output went away', 141);
	});
	const outputReader = presenter.isInteractive ? openOutputIndex(log.file) : undefined;
	let code: number;
	try {
		const final = await presenter.showLive(session, {
			logFile: log.file,
			begin,
			...(ready ? {ready} : {}),
			...(outputReader ? {outputReader} : {}),
			...(archive ? {archiveBadge: archive.badge} : {}),
		});
		await sealLog(log, final, session.logFailure);
		await archive?.finish();
		if (!presenter.isInteractive) process.stdout.write(`log: ${log.file}\n`);
		code = exitCodeFor(final.ended?.status);
	} finally {
		outputReader?.close();
		log.close();
	}
	// Sealed, synced and closed, the archive caught up: nothing is left to wait for. Ink's render
	// throttle leaves a timer armed after unmount that would hold the process up to a frame (~33 ms);
	// the terminal's writes are synchronous, so nothing drawn is lost.
	if (presenter.isInteractive) process.exit(code);
	return code;
}

/** Seals a session that ended on record; a log that could not take its end stays unsealed (INCOMPLETE). */
async function sealLog(log: SessionLog, final: RunState, logFailure: string | undefined) {
	if (logFailure) {
		process.stderr.write(
			`runbook: ${logFailure}; the run stopped before its next command. What was written stays as it is (\`runbook verify\` calls it INCOMPLETE).\n`,
		);
		return;
	}
	try {
		const {movedTo} = await log.seal(final.lastT);
		if (movedTo !== undefined)
			process.stderr.write(
				`runbook: the session directory was moved while the session ran; its log and signature are in ${movedTo}, not ${log.file}\n`,
			);
	} catch (error) {
		process.stderr.write(
			`runbook: the session log was not sealed: ${(error as Error).message}; \`runbook verify\` will call it INCOMPLETE\n`,
		);
	}
}
