// Approvers in a post-mortem are named as `verify` names them: by their principals in the allowed
// signers, or else by what the approval file claimed, marked as claimed. Pure.
import type {ApproverReport} from '../audit/verify.js';
import type {RunEvent} from '../run/events.js';

/** `events` with each approval's `by` replaced by the name the auditor can stand behind. */
export function withApproverNames(events: RunEvent[], approvers: ApproverReport[] = []): RunEvent[] {
	return events.map(approverNamer(approvers));
}

/** The same, one event at a time, for events read as a stream; walking the result walks `events` again. */
export function withApproverNamesStreamed(
	events: Iterable<RunEvent>,
	approvers: ApproverReport[] = [],
): Iterable<RunEvent> {
	const name = approverNamer(approvers);
	return {
		*[Symbol.iterator]() {
			for (const event of events) yield name(event);
		},
	};
}

function approverNamer(approvers: ApproverReport[]): (event: RunEvent) => RunEvent {
	const principals = new Map(
		approvers.filter((a) => a.principals.length > 0).map((a) => [a.fingerprint, a.principals.join(', ')]),
	);
	return (event) => {
		if (event.type !== 'approval-given' && event.type !== 'approval-rejected' && event.type !== 'approval-refused')
			return event;
		if (event.by === undefined) return event;
		const principal = event.fingerprint === undefined ? undefined : principals.get(event.fingerprint);
		return {...event, by: principal ?? `${event.by} (claimed)`};
	};
}
