// `runbook resume`: takes over an interrupted session's log and goes on where it stopped.
import os from 'node:os';
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
import {planResume, type ResumePlan} from './resume-plan.js';
import {parseVars, secretEnvValues} from './run-inputs.js';
import {warnOfOpenSessionsFolder} from './run.js';
import {UsageError} from './usage-error.js';

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
	const plan = planResume({session: options.session, sessions: options.sessions, user: operator});
	const id = plan.read.header.session;
	const presenter = terminalPresenter();
	if (plan.fileNote) process.stderr.write(`runbook: ${plan.fileNote}\n`);
	if (plan.changed && !(await acceptChanges(plan, options.isStrict, presenter.isInteractive))) {
		process.stderr.write('runbook: not resumed; nothing was recorded\n');
		return 1;
	}
	const runbook = plan.changed?.runbook ?? plan.state.runbook!;
	const vars = parseVars(runbook, options.vars, {varFile: options.varFile});
	const unexpected = Object.keys(vars).filter((name) => !plan.reask.includes(name));
	if (unexpected.length > 0)
		throw new UsageError(
			`--var ${unexpected[0]}: already set in session ${id}; only secrets given earlier are given again`,
		);
	const missing = plan.reask.filter((name) => vars[name] === undefined);
	if (!presenter.isInteractive && missing.length > 0)
		throw new UsageError(
			`session ${id} needs ${missing.map((n) => `\`${n}\``).join(', ')} again (secrets are never stored); give ${missing.length === 1 ? 'it' : 'them'} with --var, or resume in a terminal`,
		);
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
		startArchiveStream(log, archiveChoice),
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
