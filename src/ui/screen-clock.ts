// When the screen next shows something different with no event in between: the first second
// boundary of the clock it shows (the first minute boundary of a countdown with more than a minute
// left), or never when no clock on it moves (a confirmation, a check, an approval without a
// deadline). Only then does the screen re-read the time and redraw.
import type {Decision} from '../core/run/next.js';
import type {RunState} from '../core/run/state.js';
import {currentPhase, currentStep, phaseClock, phasePlan, pollClock, windowBadge} from '../core/run/select.js';
import {sessionTimeAt, windowNow} from '../core/run/window-clock.js';
import {countdownMinutesAboveUs} from '../core/time.js';

const secondUs = 1_000_000;
const minuteUs = 60_000_000;

/** The first instant after `now` that is a whole number of `stepUs` from `anchorUs`. */
export function nextSecondAfter(now: number, anchorUs: number, stepUs = secondUs): number {
	return anchorUs + (Math.floor((now - anchorUs) / stepUs) + 1) * stepUs;
}

/** The countdown to `untilUs` on screen, if any: a wait, a follow, an approval's or a window's deadline. */
function countdownEnd(state: RunState, decision: Decision | undefined): number | undefined {
	if (decision?.kind === 'wait' || decision?.kind === 'follow') return decision.until;
	if (decision?.kind === 'approval') return decision.until;
	if (decision?.kind === 'window' && decision.opensAt !== undefined) return sessionTimeAt(state, decision.opensAt);
	return undefined;
}

/** When the header's budget or window badge next changes colour or words (it goes near, over, shut). */
function toneChangesAfter(state: RunState, now: number): number[] {
	const changes: number[] = [];
	const phaseState = state.phases[currentPhase(state)?.phase.id ?? ''];
	const timeboxUs = phaseClock(state, now)?.timeboxUs;
	if (timeboxUs !== undefined && phaseState?.startedAt !== undefined)
		changes.push(phaseState.startedAt + timeboxUs * 0.8, phaseState.startedAt + timeboxUs);
	const window = windowNow(state, now);
	if (window?.isOpen) {
		const closesUs = sessionTimeAt(state, window.closesAt);
		changes.push(closesUs - 15 * minuteUs, closesUs - 5 * minuteUs, closesUs);
	}
	// Just past the instant, as `nextSecondAfter` is.
	return changes.filter((at) => at > now).map((at) => Math.ceil(at) + 1);
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
	const countdownEndUs = state.ended || !state.runbook ? undefined : countdownEnd(state, decision);
	// Whole minutes until the last one, so a long wait redraws once a minute (see `countdown`).
	if (countdownEndUs !== undefined && countdownEndUs - now > countdownMinutesAboveUs)
		return Math.min(nextSecondAfter(now, countdownEndUs, minuteUs), ...toneChangesAfter(state, now));
	const anchor = movingClockAnchor(state, decision, now);
	return anchor === undefined ? undefined : nextSecondAfter(now, anchor);
}
