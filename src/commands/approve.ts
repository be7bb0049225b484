// `runbook approve`: which session waits for an approval, what it asks to run, and what the
// running session made of the answer handed in.
import os from 'node:os';
import {approvalFormat, approvalMessage, type ApprovalFile} from '../core/audit/approval.js';
import {compactSshsig, signSshsig} from '../core/audit/signer.js';
import {fingerprint, formatPublicKey} from '../core/audit/ssh-wire.js';
import {findStep} from '../core/runbook/model.js';
import {writeApprovalFile} from '../store/approvals-dir.js';
import type {IdentityChoice} from '../store/identity.js';
import {askLine} from '../ui/ask-line.js';
import {isInteractiveTerminal} from '../ui/terminal.js';
import type {RunState} from '../core/run/state.js';
import {clock} from '../core/time.js';
import {terminalText} from '../core/text/sanitize.js';
import {LogTail} from '../store/log-tail.js';
import type {LineSource} from '../store/archive/tail.js';
import {archivedApprovalTarget, handInThroughArchive} from './archive-approve.js';
import {
	describeLive,
	isLive,
	liveSessions,
	readLiveSession,
	runnerKeyBlobs,
	type LiveSessionInfo,
} from './live-sessions.js';
import {requireTrusted, sessionTrust, untrustedReason, type SessionTrust} from './session-trust.js';
import {UsageError} from './usage-error.js';

export type ApprovalTarget = {
	info: LiveSessionInfo;
	pending: NonNullable<RunState['approval']>;
	operatorKeys: Buffer[];
};

/** The session to approve: named, or the one live session waiting; only one whose signer you trust. */
export function findApprovalTarget(session: string | undefined, sessions: string, trust: SessionTrust): ApprovalTarget {
	let info: LiveSessionInfo;
	if (session !== undefined) {
		info = readLiveSession(session, sessions);
		requireTrusted(info.read, info.files, trust);
		if (info.read.isSealed || info.state.ended)
			throw new UsageError(`session ${info.id} has ended; there is nothing to approve`);
		if (!info.state.approval)
			throw new UsageError(
				`session ${info.id} is not waiting for an approval${info.state.current ? ` (it is at \`${info.state.current}\`)` : ''}`,
			);
		if (!isLive(info))
			throw new UsageError(
				`the runner of session ${info.id} is not running; an approval is taken by a running session (the operator resumes it with \`runbook resume\`)`,
			);
	} else {
		const asking = liveSessions(sessions).filter((s) => s.state.approval);
		const waiting = asking.filter((s) => untrustedReason(s.read, s.files, trust) === undefined);
		if (waiting.length === 0)
			throw new UsageError(
				`no live session in ${sessions} is waiting for an approval${asking.length > 0 ? ` from a signer you trust (${asking.length} signed by a key you do not trust; name one to see whose, or give --allowed-signers)` : ''}`,
			);
		if (waiting.length > 1)
			throw new UsageError(
				`${waiting.length} sessions wait for an approval; name one:\n${waiting.map(describeLive).join('\n')}`,
			);
		info = waiting[0]!;
	}
	return {info, pending: info.state.approval!, operatorKeys: runnerKeyBlobs(info.read)};
}

/** What the approver reads before typing: the step, its command as it will run, who asks and since when. */
export function describeRequest(target: ApprovalTarget, nowMs: number): string {
	const {info, pending} = target;
	const runbook = info.state.runbook!;
	const step = findStep(runbook, pending.step);
	const phase = runbook.phases.find((p) => p.steps.some((s) => s.id === pending.step));
	const header = info.read.header;
	const askedUs = Math.max(0, (nowMs - Date.parse(header.wall)) * 1000 - pending.requestedAt);
	const have = info.state.steps[pending.step]?.approvedBy?.length ?? 0;
	// Shown as bash receives it, every control character visible: a `\r` cannot hide the start of
	// the command, and nothing in it can act on the approver's terminal.
	return terminalText(
		[
			`Session   ${info.id}: ${runbook.name}`,
			`Step      ${pending.step}${step && step.name !== step.id ? `: ${step.name}` : ''}${phase ? `  (phase ${phase.name})` : ''}`,
			`Command   ${pending.command.split('\n').join('\n          ')}`,
			`Asked by  ${pending.by} on ${header.operator.host}, ${clock(askedUs)} ago`,
			`Their key ${header.identity.fingerprint}`,
			`Needs     ${pending.need - have} more approval${pending.need - have === 1 ? '' : 's'}`,
		].join('\n'),
	);
}

/**
 * Follows the log until the session records what it made of this key's answer to the request at
 * `head`, or `timeoutMs` passes. Read from the start: the session may have answered already.
 */
export function awaitAnswer(
	log: string | LineSource,
	fingerprint: string,
	head: string,
	timeoutMs: number,
): Promise<{isAccepted: boolean; text: string}> {
	const tail = typeof log === 'string' ? new LogTail(log) : log;
	let isAfterRequest = false;
	return new Promise((resolve) => {
		const finish = (outcome: {isAccepted: boolean; text: string}): true => {
			clearTimeout(timer);
			tail.close();
			resolve(outcome);
			return true;
		};
		const timer = setTimeout(
			() =>
				finish({
					isAccepted: false,
					text: `the session has not taken the answer within ${timeoutMs / 1000} s; it stays handed in, and \`runbook watch\` shows what becomes of it`,
				}),
			timeoutMs,
		);
		const look = () => {
			for (const line of tail.readLines()) {
				const record = JSON.parse(line) as {type: string; fingerprint?: string; reason?: string; head?: string};
				if (record.type === 'approval-requested') isAfterRequest = record.head === head;
				if (!isAfterRequest || record.fingerprint !== fingerprint) continue;
				if (record.type === 'approval-given')
					return finish({isAccepted: true, text: 'approved: recorded in the session, which goes on'});
				if (record.type === 'approval-rejected')
					return finish({
						isAccepted: true,
						text: 'rejected: recorded in the session; the step failed and the operator chooses what next',
					});
				if (record.type === 'approval-refused')
					return finish({isAccepted: false, text: `refused by the session: ${terminalText(record.reason ?? '')}`});
			}
			return false;
		};
		if (!look()) tail.follow(look, 100);
	});
}

/** `runbook approve`: shows the request, takes a typed answer, signs it with the approver's identity and hands it in. */
export async function approveCommand(options: {
	session?: string;
	sessions: string;
	allowedSigners?: string;
	loadIdentity: () => Promise<IdentityChoice>;
	/** `--archive`: the session and the hand-in through the team archive, from any machine. */
	archive?: string | true;
}): Promise<number> {
	const trust = await sessionTrust(options.allowedSigners);
	const target =
		options.archive !== undefined
			? await archivedApprovalTarget(options.archive, options.session)
			: findApprovalTarget(options.session, options.sessions, trust);
	requireTrusted(target.info.read, target.info.files, trust);
	// Only once there is something to approve: a first use creates the approver's key.
	const identity = await options.loadIdentity();
	const mine = identity.signer.publicKey;
	const me = fingerprint(mine);
	if (target.operatorKeys.some((key) => key.equals(mine))) {
		throw new UsageError(
			`you run session ${target.info.id} yourself (key ${me}): a second approval must come from someone else, with their own key`,
		);
	}
	process.stdout.write(`${describeRequest(target, Date.now())}\n`);
	if (!isInteractiveTerminal())
		throw new UsageError('`runbook approve` needs a terminal: an approval is typed, never piped');
	const answer = await askLine('Type `approve` to approve it, or `reject` to reject it: ');
	if (answer !== 'approve' && answer !== 'reject') {
		process.stderr.write('runbook: nothing handed in\n');
		return 1;
	}
	const reason = answer === 'reject' ? await askLine('Why? ') : undefined;
	if (answer === 'reject' && !reason) throw new UsageError('a rejection needs a reason; nothing handed in');
	const request = {
		session: target.info.id,
		step: target.pending.step,
		head: target.pending.head,
		decision: answer,
		...(reason ? {reason} : {}),
	} as const;
	const sshsig = compactSshsig(await signSshsig(identity.signer, approvalMessage(request)));
	const file: ApprovalFile = {
		format: approvalFormat,
		...request,
		user: `${os.userInfo().username}@${os.hostname()}`,
		key: formatPublicKey(mine),
		sshsig,
	};
	if (options.archive !== undefined) {
		process.stdout.write(`handing in as ${me} through the archive; waiting for the session to take it…\n`);
		const lines = await handInThroughArchive(options.archive, target, file);
		const outcome = await awaitAnswer(lines, me, target.pending.head, 15_000);
		process.stdout.write(`${outcome.text}\n`);
		return outcome.isAccepted ? 0 : 1;
	}
	try {
		writeApprovalFile(target.info.dir, file);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new UsageError(
			`cannot hand in the approval in ${target.info.dir}/approvals: ${code ?? (error as Error).message}${code === 'EACCES' ? '; you and the operator need a shared group (see README: paired deploys)' : ''}`,
		);
	}
	process.stdout.write(`handed in as ${me}; waiting for the session to take it…\n`);
	const outcome = await awaitAnswer(target.info.log, me, target.pending.head, 15_000);
	process.stdout.write(`${outcome.text}\n`);
	return outcome.isAccepted ? 0 : 1;
}
