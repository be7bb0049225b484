// `runbook resume`: takes over an interrupted session's log and goes on where it stopped.
import os from 'node:os';
import path from 'node:path';
import {terminalText} from '../core/text/sanitize.js';
import {resumedClock} from '../session/clock.js';
import {LiveSession} from '../session/live.js';
import {askLine} from '../ui/ask-line.js';
import {terminalPresenter} from '../ui/presenter.js';
import {approversAllowed} from './allowed-signers-file.js';
import {requireArchiveIfAny} from './archive.js';
import {startArchiveStream} from './archive-stream.js';
import {driveSession} from './drive-session.js';
import {openSessionLog} from './open-session-log.js';
import {chooseSession, planResume, type ResumePlan} from './resume-plan.js';
import {confirmUnverifiedRunbook, missingResumeInputs} from './resume-inputs.js';
import {parseVars, secretEnvValues} from './run-inputs.js';
import {warnOfOpenSessionsFolder} from './run.js';
import {holdRunnerLock} from './runner-locks.js';
import {sessionTrust} from './session-trust.js';
import {UsageError} from './usage-error.js';
import {hasVar} from '../core/run/next.js';

export type ResumeOptions = {
	/** SESSION as given; without it, this user's newest interrupted session. */
	session?: string;
	vars: string[];
	varFile?: string;
	isStrict: boolean;
	isPreApproved: boolean;
	sessions: string;
	allowedSigners?: string;
	/** `--archive URL`: the team archive, over RUNBOOK_ARCHIVE and the setting. */
	archive?: string;
};

export async function resumeCommand(options: ResumeOptions): Promise<number> {
	warnOfOpenSessionsFolder(options.sessions);
	const operator = os.userInfo().username;
	const trust = await sessionTrust(options.allowedSigners);
	const chosen = chooseSession({session: options.session, sessions: options.sessions, user: operator, trust});
	// Held before the log is read for the takeover, for this runner's life: of two resumes started
	// together, the second finds the lock taken and stops before it has read anything.
	await holdRunnerLock(
		path.join(path.dirname(chosen), 'runner.lock'),
		`session ${path.basename(path.dirname(chosen))}`,
		`; follow it with \`runbook watch ${path.basename(path.dirname(chosen))}\``,
	);
	const plan = planResume({log: chosen, sessions: options.sessions, trust});
	const id = plan.read.header.session;
	const presenter = terminalPresenter();
	if (plan.changed && !(await acceptChanges(plan, options.isStrict, presenter.isInteractive))) {
		process.stderr.write('runbook: not resumed; nothing was recorded\n');
		return 1;
	}
	if (plan.fileNote && !(await confirmUnverifiedRunbook(plan, options.isPreApproved, presenter.isInteractive))) {
		process.stderr.write('runbook: not resumed; nothing was recorded\n');
		return 1;
	}
	const runbook = plan.changed?.runbook ?? plan.state.runbook!;
	const vars = parseVars(runbook, options.vars, {varFile: options.varFile});
	// Secrets given earlier are given again; a var the session never recorded (it stopped first) may be given now.
	const unexpected = Object.keys(vars).filter((name) => !plan.reask.includes(name) && hasVar(plan.state, name));
	if (unexpected.length > 0)
		throw new UsageError(
			`--var ${unexpected[0]}: already set in session ${id}; only secrets given earlier are given again`,
		);
	// Stopping for missing input records nothing and ends nothing: the session stays resumable.
	const missing = missingResumeInputs(plan, runbook, vars, {isInteractive: presenter.isInteractive});
	if (missing) throw new UsageError(`session ${id} ${missing}; nothing was recorded, and it can be resumed again`);
	const secrets = secretEnvValues(runbook);
	const clock = resumedClock(new Date(plan.read.header.wall), plan.state.lastT);
	const approvers = approversAllowed(options.allowedSigners);
	const archiveChoice = await requireArchiveIfAny(options.archive);
	const {log, identity} = await openSessionLog({kind: 'takeover', file: plan.log, t: clock.now()});
	const started = plan.read.events.find((e) => e.type === 'session-started');
	const session = new LiveSession({
		runbook,
		options: {
			operator,
			isInteractive: presenter.isInteractive,
			isPreApproved: plan.state.options.isPreApproved || options.isPreApproved,
		},
		vars,
		env: process.env,
		cwd: (started?.type === 'session-started' ? started.cwd : undefined) ?? process.cwd(),
		spoolDir: log.dir.at('spool'),
		approvals: {
			session: id,
			dir: log.dir.at(),
			operatorKeys: [identity.signer.publicKey, ...plan.operatorKeys],
			...(approvers ? {allowedSigners: approvers} : {}),
		},
		sink: log,
		clock,
		secrets,
	});
	if (!presenter.isInteractive) process.stdout.write(`resuming session ${id}\n`);
	return driveSession(
		session,
		log,
		presenter,
		() =>
			session.resume(plan.read.events, {
				pid: process.pid,
				reask: plan.reask,
				...(plan.changed ? {changed: plan.changed} : {}),
			}),
		await startArchiveStream(log, archiveChoice),
	);
}

/** The runbook file changed since the session started: refused with --strict or without a terminal, else the operator types `resume`. */
async function acceptChanges(plan: ResumePlan, isStrict: boolean, isInteractive: boolean): Promise<boolean> {
	const id = plan.read.header.session;
	const file = plan.read.header.runbook.path;
	const list = plan.changed!.changes.map((change) => `  - ${change}`).join('\n');
	if (isStrict)
		throw new UsageError(`${file} changed since session ${id} started; --strict refuses to go on:\n${list}`);
	if (!isInteractive)
		throw new UsageError(
			`${file} changed since session ${id} started; resume in a terminal to confirm the changes, or give --strict to refuse:\n${list}`,
		);
	process.stdout.write(`${file} changed since session ${id} started:\n${terminalText(list)}\n`);
	return (await askLine('Type `resume` to go on with the changed runbook (anything else stops): ')) === 'resume';
}
