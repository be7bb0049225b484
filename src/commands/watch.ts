// `runbook watch`: follows another operator's session from its log, read-only.
import {terminalText} from '../core/text/sanitize.js';
import {WatchSession} from '../session/watch.js';
import {terminalPresenter} from '../ui/presenter.js';
import {archivedLogName, openArchiveTail} from './archive-read.js';
import {CheckedArchiveLines} from './archive-watch.js';
import {UsageError} from './usage-error.js';
import {openOutputIndex} from '../store/output-index.js';
import {describeLive, isLive, liveSessions, readLiveSession} from './live-sessions.js';
import {requireTrusted, sessionTrust} from './session-trust.js';

/** Without SESSION, lists the live sessions; with one, follows it until its seal or `q`. */
export async function watchCommand(options: {
	session?: string;
	sessions: string;
	allowedSigners?: string;
	/** `--archive`: follow the session through the team archive, from any machine. */
	archive?: string | true;
}): Promise<number> {
	if (options.archive !== undefined) {
		if (options.session === undefined) throw new UsageError('`runbook watch --archive` needs a SESSION id');
		// Trust is judged before the tail opens its screen, and every line after as it arrives.
		const trust = await sessionTrust(options.allowedSigners);
		const watch = new WatchSession(
			await CheckedArchiveLines.open(await openArchiveTail(options.archive, options.session), trust),
		);
		await terminalPresenter().showWatch(watch, {logFile: archivedLogName(options.session)});
		return watchProblem(watch);
	}
	if (options.session === undefined) {
		const live = liveSessions(options.sessions);
		if (live.length === 0) process.stdout.write(`no live sessions you can read in ${options.sessions}\n`);
		else
			process.stdout.write(
				`${terminalText(live.map(describeLive).join('\n'))}\nfollow one with: runbook watch SESSION\n`,
			);
		return 0;
	}
	const info = readLiveSession(options.session, options.sessions);
	// What a session signed by a stranger shows is anyone's text: followed only when you trust its signer.
	requireTrusted(info.read, info.files, await sessionTrust(options.allowedSigners));
	// What was read to judge it is folded, not read again: the log is followed from where that stopped.
	const caughtUp = info.readTo && {
		header: info.read.header,
		events: info.read.events,
		state: info.state,
		isSealed: info.read.isSealed,
		...info.readTo,
	};
	const watch = new WatchSession(info.log, Date.now, caughtUp);
	const isWritten = isLive(info) || info.read.isSealed;
	const outputReader = openOutputIndex(info.log);
	await terminalPresenter().showWatch(watch, {
		logFile: info.log,
		...(outputReader ? {outputReader} : {}),
		...(isWritten
			? {}
			: {idleNote: `the runner of ${info.id} is not running; \`runbook resume ${info.id}\` goes on with it`}),
	});
	outputReader?.close();
	return watchProblem(watch);
}

/** A log that broke off while being followed: said in one line, exit 1. */
function watchProblem(watch: WatchSession): number {
	const {problem} = watch.snapshot();
	if (problem === undefined) return 0;
	process.stderr.write(`runbook: ${terminalText(problem)}\n`);
	return 1;
}
