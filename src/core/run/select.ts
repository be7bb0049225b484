// Questions the screens and the CLI ask of the state. Pure; time comes in as `now` (µs).
import {allSteps, findStep, type Phase, type Step} from '../runbook/model.js';
import type {EndStatus} from './events.js';
import type {ApprovalEntry, RunState, StepState, Takeover} from './state.js';
import {mask, resolveCommand} from './command.js';
import {phasePlanDelta, wallAt, windowNow} from './window-clock.js';
import {clock} from '../time.js';
import {duration} from '../time.js';

export function currentPhase(state: RunState): {phase: Phase; index: number; count: number} | undefined {
	const phases = state.runbook?.phases ?? [];
	const phase = phases[state.phaseIndex];
	return phase ? {phase, index: state.phaseIndex, count: phases.length} : undefined;
}

/**
 * The step the operator is on, when it belongs where the run is: a step of the current phase, or
 * of the rollback. Between a phase's start and its first step the last phase's step is done with,
 * and showing it under the new phase's name would put two phases on one screen.
 */
export function currentStep(state: RunState): Step | undefined {
	if (!state.current || !state.runbook) return undefined;
	const step = findStep(state.runbook, state.current);
	if (!step || state.rollback) return step;
	const phase = currentPhase(state)?.phase;
	return !phase || phase.steps.some((s) => s.id === step.id) ? step : undefined;
}

export type ClockTone = 'ok' | 'near' | 'over';

/** The phase clock: elapsed against the timebox; `near` from 80% of it, `over` past it. */
export function phaseClock(
	state: RunState,
	now: number,
): {elapsedUs: number; timeboxUs?: number; tone: ClockTone} | undefined {
	const current = currentPhase(state);
	const ps = current ? state.phases[current.phase.id] : undefined;
	if (!current || ps?.startedAt === undefined) return undefined;
	const end = ps.endedAt ?? state.ended?.t ?? now;
	const elapsedUs = Math.max(0, end - ps.startedAt);
	const timeboxMs = current.phase.timeboxMs;
	if (timeboxMs === undefined) return {elapsedUs, tone: 'ok'};
	const timeboxUs = timeboxMs * 1000;
	const tone: ClockTone =
		ps.isOverrun || elapsedUs >= timeboxUs ? 'over' : elapsedUs >= timeboxUs * 0.8 ? 'near' : 'ok';
	return {elapsedUs, timeboxUs, tone};
}

/** The runner lost its terminal and no other has taken over yet. */
export function isDetached(state: RunState): boolean {
	return state.takeovers.at(-1)?.kind === 'detached';
}

/** The window in the header: time left while open, `shut` outside it. */
export function windowBadge(state: RunState, now: number): {text: string; tone: ClockTone} | undefined {
	const w = windowNow(state, now);
	if (!w) return undefined;
	if (!w.isOpen) return {text: state.windowOverride ? 'window SHUT · overridden' : 'window SHUT', tone: 'over'};
	const leftUs = (w.closesAt - wallAt(state, now)) * 1000;
	return {
		text: `window ${clock(leftUs)} left`,
		tone: leftUs <= 5 * 60_000_000 ? 'over' : leftUs <= 15 * 60_000_000 ? 'near' : 'ok',
	};
}

/** `12m behind plan` / `5m ahead of plan` / `on plan` for the current phase, when it has an `at`. */
export function phasePlan(state: RunState, now: number): string | undefined {
	const phase = currentPhase(state)?.phase;
	const delta = phase ? phasePlanDelta(state, phase.id, now) : undefined;
	if (delta === undefined) return undefined;
	if (Math.abs(delta) < 1) return 'on plan';
	return delta > 0 ? `${duration(delta * 60_000)} behind plan` : `${duration(-delta * 60_000)} ahead of plan`;
}

export function totalElapsed(state: RunState, now: number): number {
	return state.ended?.t ?? now;
}

/** A line above the live area, printed once: a phase heading or a step that is done with. */
export type FinishedItem =
	| {kind: 'phase'; key: string; phase: Phase; index: number; count: number}
	| {kind: 'step'; key: string; step: Step; st: StepState}
	| {kind: 'note'; key: string; t: number; by: string; text: string}
	| {kind: 'takeover'; key: string; takeover: Takeover}
	| {kind: 'approval'; key: string; approval: ApprovalEntry};

/**
 * What has finished, in the order it finished: new items only ever come at the end, so the
 * screen can print them once and never redraw them.
 */
export function finishedItems(state: RunState): FinishedItem[] {
	const runbook = state.runbook;
	if (!runbook) return [];
	const timed: Array<{at: number; order: number; item: FinishedItem}> = [];
	runbook.phases.forEach((phase, index) => {
		const startedAt = state.phases[phase.id]?.startedAt;
		if (startedAt !== undefined)
			timed.push({
				at: startedAt,
				order: 0,
				item: {kind: 'phase', key: `phase:${phase.id}`, phase, index, count: runbook.phases.length},
			});
	});
	for (const step of allSteps(runbook)) {
		const st = state.steps[step.id];
		if (!st || st.endedAt === undefined || !isSettled(state, step, st)) continue;
		timed.push({at: st.endedAt, order: 1, item: {kind: 'step', key: `step:${step.id}:${st.endedAt}`, step, st}});
	}
	state.notes.forEach((note, i) => timed.push({at: note.t, order: 2, item: {kind: 'note', key: `note:${i}`, ...note}}));
	state.approvals.forEach((approval, i) =>
		timed.push({at: approval.t, order: 2, item: {kind: 'approval', key: `approval:${i}`, approval}}),
	);
	state.takeovers.forEach((takeover, i) =>
		timed.push({at: takeover.t, order: 2, item: {kind: 'takeover', key: `takeover:${i}`, takeover}}),
	);
	if (state.rollback) {
		const at = Math.min(...state.rollback.steps.map((id) => state.steps[id]?.startedAt ?? Infinity), state.lastT);
		timed.push({
			at,
			order: 0,
			item: {
				kind: 'phase',
				key: 'phase:rollback',
				phase: {id: 'rollback', name: 'Rollback', steps: []},
				index: -1,
				count: runbook.phases.length,
			},
		});
	}
	return timed.sort((a, b) => a.at - b.at || a.order - b.order).map((x) => x.item);
}

/** A step the run will not come back to. */
function isSettled(state: RunState, step: Step, st: StepState): boolean {
	if (st.status === 'succeeded' || st.status === 'skipped') return true;
	if (st.status !== 'failed') return false;
	return (
		Boolean(state.ended) ||
		(step.continueOnError && st.tries > step.retries) ||
		(state.rollback !== undefined && !state.rollback.steps.includes(step.id))
	);
}

/** Steps of the current phase (or rollback) not yet finished, the current one first. */
export function upcomingSteps(state: RunState): Step[] {
	const runbook = state.runbook;
	if (!runbook) return [];
	const pool = state.rollback
		? state.rollback.steps.map((id) => findStep(runbook, id)!)
		: (currentPhase(state)?.phase.steps ?? []);
	return pool.filter((s) => {
		const st = state.steps[s.id];
		return (
			st &&
			(st.status === 'pending' ||
				st.status === 'active' ||
				st.status === 'running' ||
				(st.status === 'failed' && !isSettled(state, s, st)))
		);
	});
}

export type RunSummary = {
	status: EndStatus;
	reason?: string;
	totalUs: number;
	counts: Record<'succeeded' | 'failed' | 'skipped' | 'notRun', number>;
};

export function runSummary(state: RunState): RunSummary | undefined {
	if (!state.ended || !state.runbook) return undefined;
	const counts = {succeeded: 0, failed: 0, skipped: 0, notRun: 0};
	for (const step of state.runbook.phases.flatMap((p) => p.steps)) {
		const status = state.steps[step.id]?.status;
		if (status === 'succeeded') counts.succeeded++;
		else if (status === 'failed') counts.failed++;
		else if (status === 'skipped') counts.skipped++;
		else counts.notRun++;
	}
	return {
		status: state.ended.status,
		...(state.ended.reason ? {reason: state.ended.reason} : {}),
		totalUs: state.ended.t,
		counts,
	};
}

/** 0 completed; 1 failed, aborted or rolled back; 2 stopped for want of an operator. */
export function exitCodeFor(status: EndStatus | undefined): number {
	if (status === 'completed') return 0;
	if (status === 'needs-operator') return 2;
	return 1;
}

/** The step's command as the operator should read it: as recorded once it ran, else resolved with secrets masked. */
export function shownCommandOf(state: RunState, step: Step): string | undefined {
	if (step.kind !== 'run' && step.kind !== 'poll') return undefined;
	if (state.output?.step === step.id) return state.output.command;
	const values = {...state.vars, ...Object.fromEntries(state.secretVars.map((name) => [name, mask]))};
	return resolveCommand(step, values, []).display;
}

/** A poll step's clock: which try, when the next starts (between tries) and when it gives up; times in µs. */
export function pollClock(
	state: RunState,
	step: Step,
): {tries: number; nextAt?: number; givesUpAt: number} | undefined {
	const st = state.steps[step.id];
	if (!step.poll || !st || st.startedAt === undefined || (st.status !== 'active' && st.status !== 'running'))
		return undefined;
	const givesUpAt = st.startedAt + step.poll.timeoutMs * 1000;
	const isBetweenTries = st.status === 'active' && st.lastExitAt !== undefined;
	return {
		tries: st.tries,
		givesUpAt,
		...(isBetweenTries ? {nextAt: Math.min(st.lastExitAt! + step.poll.everyMs * 1000, givesUpAt)} : {}),
	};
}
