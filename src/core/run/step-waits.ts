// What the fold records of a step's timing: when its commands ran, and how long it waited for
// people (a confirmation, approvals), so its duration can leave those waits out. Pure.
import type {RunState, StepState} from './state.js';

/** The step's command span closed at `t`: the latest exit is its end. */
export function commandEnded(state: RunState, id: string, t: number): Partial<StepState> {
	const span = state.steps[id]?.commandSpan;
	return span ? {commandSpan: {...span, endedAt: t}} : {};
}

/** The step's waits with `us` more of one kind. */
export function addWait(
	st: StepState | undefined,
	kind: 'confirmationUs' | 'approvalUs',
	us: number,
): StepState['waited'] {
	const waited = st?.waited ?? {confirmationUs: 0, approvalUs: 0};
	return {...waited, [kind]: waited[kind] + Math.max(0, us)};
}

/** The approval the step waited for is settled at `t` (enough approvals, a rejection, a give-up). */
export function approvalWaitEnded(state: RunState, id: string, t: number): Partial<StepState> {
	const request = state.approval;
	if (request?.step !== id) return {};
	return {waited: addWait(state.steps[id], 'approvalUs', t - request.requestedAt)};
}
