// How long a step took, told honestly: its command's time, with the waits for people (a
// confirmation, approvals) counted apart, and an ended-early wait called what it is. Pure.
import type {Step} from '../runbook/model.js';
import type {StepState} from './state.js';
import {duration} from '../time.js';

export type StepTiming = {
	/** The step's own time: its commands' span when it ran any, else start to end, less the waits below. */
	durationUs?: number;
	confirmationWaitUs: number;
	approvalWaitUs: number;
	/** The operator cut its wait short: a deviation, not a plain success. */
	endedEarly?: {t: number; by?: string; reason?: string};
};

/** The timing of a step from its folded state; no duration until it has ended. */
export function stepTiming(st: StepState): StepTiming {
	const confirmationWaitUs = st.waited?.confirmationUs ?? 0;
	const approvalWaitUs = st.waited?.approvalUs ?? 0;
	const span = st.commandSpan;
	const durationUs =
		span !== undefined
			? (span.endedAt ?? st.endedAt ?? span.startedAt) - span.startedAt
			: st.startedAt !== undefined && st.endedAt !== undefined
				? Math.max(0, st.endedAt - st.startedAt - confirmationWaitUs - approvalWaitUs)
				: undefined;
	return {
		...(durationUs !== undefined ? {durationUs} : {}),
		confirmationWaitUs,
		approvalWaitUs,
		...(st.endedEarly ? {endedEarly: st.endedEarly} : {}),
	};
}

/** `waited 5s for confirmation and 2m10s for approval`, or undefined when nobody was waited for. */
export function waitedText(timing: StepTiming): string | undefined {
	const parts = [
		timing.confirmationWaitUs > 0 ? `${duration(timing.confirmationWaitUs / 1000)} for confirmation` : '',
		timing.approvalWaitUs > 0 ? `${duration(timing.approvalWaitUs / 1000)} for approval` : '',
	].filter(Boolean);
	return parts.length > 0 ? `waited ${parts.join(' and ')}` : undefined;
}

/** `ended early by alice after 1m03s of 5m: error rate flat`, for a wait the operator cut short. */
export function endedEarlyText(step: Step, st: StepState): string | undefined {
	const early = st.endedEarly;
	if (!early) return undefined;
	const plannedMs = step.waitMs ?? step.forMs;
	const tookUs = stepTiming(st).durationUs ?? (st.startedAt !== undefined ? early.t - st.startedAt : undefined);
	const after =
		tookUs !== undefined ? ` after ${duration(tookUs / 1000)}${plannedMs ? ` of ${duration(plannedMs)}` : ''}` : '';
	return `ended early${early.by ? ` by ${early.by}` : ''}${after}${early.reason ? `: ${early.reason}` : ''}`;
}

/** Every step's timing, by id, in milliseconds: what a JSON export carries next to the state. */
export function stepTimingsMs(
	steps: Record<string, StepState>,
): Record<string, {durationMs?: number; confirmationWaitMs: number; approvalWaitMs: number; isEndedEarly: boolean}> {
	return Object.fromEntries(
		Object.entries(steps)
			.filter(([, st]) => st.startedAt !== undefined)
			.map(([id, st]) => {
				const timing = stepTiming(st);
				return [
					id,
					{
						...(timing.durationUs !== undefined ? {durationMs: timing.durationUs / 1000} : {}),
						confirmationWaitMs: timing.confirmationWaitUs / 1000,
						approvalWaitMs: timing.approvalWaitUs / 1000,
						isEndedEarly: timing.endedEarly !== undefined,
					},
				];
			}),
	);
}
