// The deploy window and the phase plan against the session's clock: session time (µs since the
// start) becomes wall time through the start's wall clock, recorded in `session-started`. Pure.
import {localTime, windowAt, type WindowNow} from '../runbook/window.js';
import type {RunState} from './state.js';

/** Minutes before the close at which a warning is recorded. */
export const windowThresholds = [15, 5];

export function wallAt(state: RunState, now: number): number {
	return Date.parse(state.wall ?? '1970-01-01T00:00:00Z') + Math.floor(now / 1000);
}

export function sessionTimeAt(state: RunState, wallMs: number): number {
	return (wallMs - Date.parse(state.wall ?? '1970-01-01T00:00:00Z')) * 1000;
}

export function windowNow(state: RunState, now: number): WindowNow | undefined {
	const window = state.runbook?.window;
	return window ? windowAt(window, wallAt(state, now)) : undefined;
}

/** The closing warning due now (the smallest threshold passed and not yet given), and when the next one falls due. */
export function windowWarning(
	state: RunState,
	now: number,
): {due?: {threshold: number; closesAt: string}; wakeAtUs?: number} {
	const window = windowNow(state, now);
	if (!window?.isOpen) return {};
	const left = window.closesAt - wallAt(state, now);
	const pending = windowThresholds.filter((m) => !state.windowWarnings.includes(m));
	const passed = pending.filter((m) => left <= m * 60_000);
	if (passed.length > 0)
		return {due: {threshold: Math.min(...passed), closesAt: new Date(window.closesAt).toISOString()}};
	const next = Math.max(...pending, -Infinity);
	return next === -Infinity ? {} : {wakeAtUs: sessionTimeAt(state, window.closesAt - next * 60_000)};
}

/** The zone phase start times are read in: the window's, else the runner's. */
export function planZone(state: RunState): string {
	return state.runbook?.window?.timezone ?? state.timezone ?? 'UTC';
}

/** How many minutes after its planned `at` the phase started (negative: ahead of the plan). */
export function phasePlanDelta(state: RunState, phaseId: string, now: number): number | undefined {
	const phase = state.runbook?.phases.find((p) => p.id === phaseId);
	if (phase?.at === undefined) return undefined;
	const startedAt = state.phases[phaseId]?.startedAt ?? now;
	const local = localTime(planZone(state), wallAt(state, startedAt));
	let delta = local.minutes - phase.at;
	// A plan read across midnight: 23:50 against 00:10 is 20 minutes early, not a day late.
	if (delta > 12 * 60) delta -= 24 * 60;
	if (delta < -12 * 60) delta += 24 * 60;
	return delta;
}
