// Where a waiting step's approvals come in: the session directory's `approvals/`, read only
// while a step waits, each answer judged against the request and recorded, then removed.
import type {AllowedSigner} from '../core/audit/allowed-signers.js';
import {judgeApproval} from '../core/audit/approval.js';
import {approvalAnswerEvents} from '../core/run/approval-answer.js';
import type {Draft} from '../core/run/events.js';
import type {RunState} from '../core/run/state.js';
import {ApprovalInbox, openApprovalsDir, type HandedIn} from '../store/approvals-dir.js';

/** Where second approvals arrive, and whom the session takes them from. */
export type ApprovalSetup = {
	session: string;
	/** The session directory: answers arrive in its `approvals/`. */
	dir: string;
	/** The operator's own keys: their approval is a self-approval. */
	operatorKeys: Buffer[];
	allowedSigners?: AllowedSigner[];
};

export type IntakeHost = {
	state(): RunState;
	wall(): Date;
	isSecretIn(text: string): boolean;
	/** Records the answer's events (and makes them durable); the session goes on after all are taken. */
	record(drafts: Draft[]): void;
	goOn(): void;
};

export class ApprovalIntake {
	private inbox: ApprovalInbox | undefined;

	constructor(
		private readonly setup: ApprovalSetup,
		private readonly host: IntakeHost,
	) {}

	/** The folder exists before the request is recorded, so an approver can answer at once. */
	prepare(): void {
		openApprovalsDir(this.setup.dir);
	}

	listen(isWaiting: boolean): void {
		if (!isWaiting) {
			this.inbox?.close();
			this.inbox = undefined;
			return;
		}
		this.inbox ??= new ApprovalInbox(openApprovalsDir(this.setup.dir), (files) => this.take(files));
	}

	private take(files: HandedIn[]) {
		for (const {file, content} of files) {
			const state = this.host.state();
			const pending = state.approval;
			if (!pending || state.ended) return;
			const judged = judgeApproval(
				content,
				{session: this.setup.session, step: pending.step, head: pending.head},
				{
					operatorKeys: this.setup.operatorKeys,
					approvedBy: state.steps[pending.step]?.approvedBy ?? [],
					...(this.setup.allowedSigners ? {allowedSigners: this.setup.allowedSigners} : {}),
					now: this.host.wall(),
				},
			);
			const isReasonSecret = judged.isAccepted && judged.reason !== undefined && this.host.isSecretIn(judged.reason);
			this.host.record(approvalAnswerEvents(judged, pending, isReasonSecret));
			try {
				this.inbox?.remove(file);
			} catch {
				// Left in place; it was recorded and is not read twice.
			}
		}
		this.host.goOn();
	}
}
