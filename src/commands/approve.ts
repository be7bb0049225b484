// `runbook approve`: which session waits for an approval, what it asks to run, and what the
// running session made of the answer handed in.
import {findStep} from '../core/runbook/model.js';
import type {RunState} from '../core/run/state.js';
import {parsePublicKey} from '../core/audit/ssh-wire.js';
import {clock} from '../core/time.js';
import {LogTail} from '../store/log-tail.js';
import {describeLive, isLive, liveSessions, readLiveSession, type LiveSessionInfo} from './live-sessions.js';
import {UsageError} from './usage-error.js';

export type ApprovalTarget = {info: LiveSessionInfo; pending: NonNullable<RunState['approval']>; operatorKeys: Buffer[]};

export function findApprovalTarget(session: string | undefined, sessions: string): ApprovalTarget {
	let info: LiveSessionInfo;
	if (session !== undefined) {
		info = readLiveSession(session, sessions);
		if (info.read.isSealed || info.state.ended) throw new UsageError(`session ${info.id} has ended; there is nothing to approve`);
		if (!info.state.approval) throw new UsageError(`session ${info.id} is not waiting for an approval${info.state.current ? ` (it is at \`${info.state.current}\`)` : ''}`);
		if (!isLive(info)) throw new UsageError(`the runner of session ${info.id} is not running; an approval is taken by a running session (the operator resumes it with \`runbook resume\`)`);
	} else {
		const waiting = liveSessions(sessions).filter((s) => s.state.approval);
		if (waiting.length === 0) throw new UsageError(`no live session in ${sessions} is waiting for an approval`);
		if (waiting.length > 1) throw new UsageError(`${waiting.length} sessions wait for an approval; name one:\n${waiting.map(describeLive).join('\n')}`);
		info = waiting[0]!;
	}
	const operatorKeys = info.read.runnerKeys.flatMap((key) => {
		try {
			return [parsePublicKey(key).blob];
		} catch {
			return [];
		}
	});
	return {info, pending: info.state.approval!, operatorKeys};
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
	return [
		`Session   ${info.id}: ${runbook.name}`,
		`Step      ${pending.step}${step && step.name !== step.id ? `: ${step.name}` : ''}${phase ? `  (phase ${phase.name})` : ''}`,
		`Command   ${pending.command.split('\n').join('\n          ')}`,
		`Asked by  ${pending.by} on ${header.operator.host}, ${clock(askedUs)} ago`,
		`Their key ${header.identity.fingerprint}`,
		`Needs     ${pending.need - have} more approval${pending.need - have === 1 ? '' : 's'}`,
	].join('\n');
}

/**
 * Follows the log until the session records what it made of this key's answer to the request at
 * `head`, or `timeoutMs` passes. Read from the start: the session may have answered already.
 */
export function awaitAnswer(log: string, fingerprint: string, head: string, timeoutMs: number): Promise<{isAccepted: boolean; text: string}> {
	const tail = new LogTail(log);
	let isAfterRequest = false;
	return new Promise((resolve) => {
		const finish = (outcome: {isAccepted: boolean; text: string}): true => {
			clearTimeout(timer);
			tail.close();
			resolve(outcome);
			return true;
		};
		const timer = setTimeout(() => finish({isAccepted: false, text: `the session has not taken the answer within ${timeoutMs / 1000} s; it stays handed in, and \`runbook watch\` shows what becomes of it`}), timeoutMs);
		const look = () => {
			for (const line of tail.readLines()) {
				const record = JSON.parse(line) as {type: string; fingerprint?: string; reason?: string; head?: string};
				if (record.type === 'approval-requested') isAfterRequest = record.head === head;
				if (!isAfterRequest || record.fingerprint !== fingerprint) continue;
				if (record.type === 'approval-given') return finish({isAccepted: true, text: 'approved: recorded in the session, which goes on'});
				if (record.type === 'approval-rejected') return finish({isAccepted: true, text: 'rejected: recorded in the session; the step failed and the operator chooses what next'});
				if (record.type === 'approval-refused') return finish({isAccepted: false, text: `refused by the session: ${record.reason ?? ''}`});
			}
			return false;
		};
		if (!look()) tail.follow(look, 100);
	});
}
