// `runbook run`: a new session of a runbook file, on the screen or as plain lines, or its
// dry-run listing.
import os from 'node:os';
import path from 'node:path';
import {logFormat} from '../core/audit/entry.js';
import {systemClock} from '../session/clock.js';
import {LiveSession} from '../session/live.js';
import {newSessionId, openSessionsFolderWarning} from '../store/sessions-dir.js';
import {terminalPresenter} from '../ui/presenter.js';
import {version} from '../version.js';
import {approversAllowed} from './allowed-signers-file.js';
import {requireArchiveIfAny} from './archive.js';
import {adoptArchiveStream, type PreparedArchiveStream} from './archive-stream.js';
import {driveSession} from './drive-session.js';
import {dryRunCommand, loadRunInputs} from './dry-run.js';
import {openSessionLog} from './open-session-log.js';
import {holdRunbookLock, holdRunnerLock} from './runner-locks.js';
import {sessionsDirProblem} from '../store/session-files.js';
import {localTimeZone} from '../store/time-zone.js';
import {UsageError} from './usage-error.js';

export type RunOptions = {
	file: string;
	/** `--var NAME=VALUE`, as given. */
	vars: string[];
	/** `--var-file`: secret vars, one `name=value` a line. */
	varFile?: string;
	isDryRun: boolean;
	from?: string;
	isPreApproved: boolean;
	/** The directory session directories go in. */
	sessions: string;
	allowedSigners?: string;
	/** `--archive URL`: the team archive, over RUNBOOK_ARCHIVE and the setting. */
	archive?: string;
	/** `--concurrent`: run even while another run of the same file by this user is live on this host. */
	isConcurrent?: boolean;
	/** The lock on runs of `file`, when the caller started taking it early (see holdRunbookLock). */
	runbookLock?: Promise<void>;
	/** The archive's sender, when the caller started it early (see prepareRunArchive). */
	archiveStream?: PreparedArchiveStream;
};

export async function runCommand(options: RunOptions): Promise<number> {
	const {file, from} = options;
	if (options.isDryRun) return dryRunCommand(options);
	const {runbook, sha256, vars, secrets} = loadRunInputs(options);

	warnOfOpenSessionsFolder(options.sessions);
	const archiveChoice = await requireArchiveIfAny(options.archive);
	const unusable = sessionsDirProblem(options.sessions);
	if (unusable !== undefined) throw new UsageError(unusable);
	const archive = await adoptArchiveStream(archiveChoice, options.archiveStream);
	if (!options.isConcurrent) await (options.runbookLock ?? holdRunbookLock(file));
	const presenter = terminalPresenter();
	const clock = systemClock();
	const id = newSessionId(clock.wall());
	const dir = path.join(options.sessions, id);
	const operator = os.userInfo().username;
	const approvers = approversAllowed(options.allowedSigners);
	const {log, identity} = await openSessionLog({
		kind: 'new',
		dir,
		header: {
			format: logFormat,
			session: id,
			tool: {name: 'runbook', version},
			wall: clock.wall().toISOString(),
			runbook: {path: path.resolve(file), sha256},
			operator: {user: operator, host: os.hostname()},
			term: {cols: process.stdout.columns ?? 0, rows: process.stdout.rows ?? 0},
			pid: process.pid,
		},
	});
	// Its child locks while the session and its screen are set up; the session starts (and so runs
	// a step) only once it holds, and a refusal takes the screen down again (driveSession).
	const runnerLock = holdRunnerLock(path.join(dir, 'runner.lock'), `session ${id}`);
	runnerLock.catch(() => {}); // Awaited before the start.
	const session = new LiveSession({
		runbook,
		options: {
			operator,
			isInteractive: presenter.isInteractive,
			isPreApproved: options.isPreApproved,
			...(from !== undefined ? {from} : {}),
		},
		vars,
		env: process.env,
		cwd: process.cwd(),
		spoolDir: log.dir.at('spool'),
		approvals: {
			session: id,
			dir: log.dir.at(),
			operatorKeys: [identity.signer.publicKey],
			...(approvers ? {allowedSigners: approvers} : {}),
		},
		sink: log,
		clock,
		secrets,
		timeZone: localTimeZone,
	});
	if (archive) await runnerLock; // Only a session this runner holds streams to the archive.
	return driveSession(session, log, presenter, () => session.start(), archive?.attach(log), runnerLock);
}

/** A sessions folder others can write to without the sticky bit lets them rename or remove this session. */
export function warnOfOpenSessionsFolder(sessions: string): void {
	const warning = openSessionsFolderWarning(sessions);
	if (warning) process.stderr.write(`runbook: warning: ${warning}\n`);
}
