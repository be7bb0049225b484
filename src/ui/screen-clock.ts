// When the screen next shows something different with no event in between: the first second
// boundary of the clock it shows, or never when no clock on it moves (a confirmation, a check,
// an approval without a deadline). Only then does the screen re-read the time.
import type {Decision} from '../core/run/next.js';
import type {RunState} from '../core/run/state.js';
import {currentPhase, currentStep, phaseClock, phasePlan, pollClock, windowBadge} from '../core/run/select.js';
import {sessionTimeAt, windowNow} from '../core/run/window-clock.js';

const secondUs = 1_000_000;

/** The first instant after `now` that is a whole number of seconds from `anchorUs`. */
export function nextSecondAfter(now: number, anchorUs: number): number {
	return anchorUs + (Math.floor((now - anchorUs) / secondUs) + 1) * secondUs;
}

/**
 * The anchor (µs of session time) of the clock that moves on screen, or undefined when none does.
 * One clock sets the beat, the most pressing first, so the screen redraws at most once a second.
 */
export function movingClockAnchor(state: RunState, decision: Decision | undefined, now: number): number | undefined {
	if (state.ended || !state.runbook) return undefined;
	if (decision?.kind === 'wait' || decision?.kind === 'follow') return decision.until;
	if (decision?.kind === 'approval' && decision.until !== undefined) return decision.until;
	if (decision?.kind === 'window' && decision.opensAt !== undefined) return sessionTimeAt(state, decision.opensAt);
	if (state.running) return state.running.startedAt;
	const step = currentStep(state);
	const poll = step ? pollClock(state, step) : undefined;
	if (poll) return poll.nextAt ?? poll.givesUpAt;
	const window = windowNow(state, now);
	if (window?.isOpen && windowBadge(state, now)) return sessionTimeAt(state, window.closesAt);
	const phase = currentPhase(state)?.phase;
	const phaseState = phase ? state.phases[phase.id] : undefined;
	if (state.rollback || phaseState?.startedAt === undefined || phaseState.endedAt !== undefined) return undefined;
	// A budget (a timebox or a plan) changes colour and words as time passes; an elapsed time alone does not count.
	const hasBudget = phaseClock(state, now)?.timeboxUs !== undefined || phasePlan(state, now) !== undefined;
	return hasBudget ? phaseState.startedAt : undefined;
}

/** When the screen next changes on its own (µs of session time), or undefined: it does not. */
export function nextClockChangeUs(state: RunState, decision: Decision | undefined, now: number): number | undefined {
	const anchor = movingClockAnchor(state, decision, now);
	return anchor === undefined ? undefined : nextSecondAfter(now, anchor);
}
