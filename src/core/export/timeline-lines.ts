// One event of the post-mortem timeline as Markdown lines: what happened, who did it and when,
// and every deviation with its reason. The Markdown export writes them as they are; the HTML
// export turns each into markup. Pure; every text from the log goes through `md` or `code`
// (../text/sanitize.ts).
import type {LogHeader} from '../audit/entry.js';
import type {RunEvent} from '../run/events.js';
import {describeExit} from '../run/judge.js';
import {reduceRun} from '../run/reduce.js';
import {initialState, type RunState} from '../run/state.js';
import {stepTiming, waitedText} from '../run/step-timing.js';
import {allSteps, type Runbook, type Step} from '../runbook/model.js';
import {clock, duration} from '../time.js';
import {markdownCode as code, markdownText as md} from '../text/sanitize.js';

/** What turning events into lines needs to know, and what it remembers between events. */
export type TimelineContext = {
	runbook?: Runbook;
	/** `2026-11-22 09:00:05Z`: the wall time `t` µs into the session. */
	at: (t: number) => string;
	/** When each step last started, for how long its confirmation took. */
	stepStartedAt: Map<string, number>;
	steps: Map<string, Step>;
	/** The session folded up to the event at hand: how long a step took is read from it. */
	state: RunState;
};

export function timelineContext(header: LogHeader, runbook: Runbook | undefined): TimelineContext {
	const wall = Date.parse(header.wall);
	return {
		...(runbook ? {runbook} : {}),
		at: (t) =>
			new Date(wall + Math.floor(t / 1000))
				.toISOString()
				.replace('T', ' ')
				.replace(/\.\d+Z$/, 'Z'),
		stepStartedAt: new Map(),
		state: initialState,
		steps: new Map(runbook ? allSteps(runbook).map((step) => [step.id, step]) : []),
	};
}

/** `+04:07`: time since the session started. */
export const sinceStart = (t: number) => `+${clock(t)}`;

/**
 * The lines for one event: a `### ` heading for a phase or the rollback, a `- ` item for what
 * happens at the session's level, a `  - ` item for what happens within the step above it.
 * Output is not here: each export shows it its own way. Longer than 80 lines: one case per
 * event type, and the timeline reads best as one switch.
 */
export function timelineLines(event: RunEvent, context: TimelineContext): string[] {
	context.state = reduceRun(context.state, event);
	const {at, runbook} = context;
	const rel = sinceStart;
	switch (event.type) {
		case 'phase-started':
			return [
				`### ${rel(event.t)} Phase ${md(runbook?.phases.find((p) => p.id === event.phase)?.name ?? event.phase)}`,
			];
		case 'phase-overran':
			return [`- ${rel(event.t)} ⚠ phase ${code(event.phase)} ran past its timebox`];
		case 'preconditions-checked':
			return event.results
				.filter((x) => !x.isMet)
				.map((r) => `- ${rel(event.t)} ✗ env ${code(r.name)} ${md(r.problem ?? '')}`);
		case 'preconditions-overridden':
			return [
				`- ${rel(event.t)} **Deviation:** unmet preconditions overridden by ${md(event.by)}: ${md(event.reason)}`,
			];
		case 'var-set':
			return [
				`- ${rel(event.t)} var ${code(event.var)} ${event.isSecret ? 'set (secret)' : `= ${code(event.value ?? '')}`} (${event.source})`,
			];
		case 'step-started': {
			context.stepStartedAt.set(event.step, event.t);
			const s = context.steps.get(event.step);
			return [`- ${rel(event.t)} **${md(s?.name ?? event.step)}** (${code(event.step)}, ${s?.kind ?? 'step'})`];
		}
		case 'step-confirmed': {
			const startedAt = context.stepStartedAt.get(event.step);
			return [
				`  - confirmed by ${md(event.by)} at ${at(event.t)} (${event.how}${startedAt !== undefined && startedAt <= event.t ? `, after ${duration((event.t - startedAt) / 1000)}` : ''})`,
			];
		}
		case 'command-started':
			return [
				`  - ran ${code(event.command.split('\n')[0]!)}${event.command.includes('\n') ? ' …' : ''}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`,
			];
		case 'command-exited':
			return [
				`  - ${event.error ?? describeExit(event.code, event.signal)}${event.isTimedOut ? ' (timed out)' : ''} after ${duration(event.durationMs)}`,
			];
		case 'command-cancel-requested':
			return [`  - **cancel** requested by ${md(event.by)} at ${at(event.t)}`];
		case 'check-answered':
			return [
				`  - check ${event.item + 1} ${event.isPassed ? 'passed' : `**failed**: ${md(event.reason ?? '')}`} (${md(event.by)}, ${at(event.t)})`,
			];
		case 'input-given':
			return [
				`  - ${code(event.var)} ${event.isSecret ? 'given (secret)' : `= ${code(event.value ?? '')}`} by ${md(event.by)}`,
			];
		case 'var-captured':
			return [`  - captured ${code(event.var)}`];
		case 'wait-ended':
			return [
				event.isEarly
					? `  - **Deviation:** wait ended early by ${md(event.by ?? '')}: ${md(event.reason ?? '')}`
					: '  - wait over',
			];
		case 'step-succeeded':
			return [
				event.by
					? `  - **Deviation:** marked done by ${md(event.by)} at ${at(event.t)}: ${md(event.reason ?? '')}`
					: `  - ✓ done at ${rel(event.t)}${tookText(context.state, event.step)}`,
			];
		case 'window-overridden':
			return [
				`- ${rel(event.t)} **Deviation:** deploy window overridden by ${md(event.by)} at ${at(event.t)}: ${md(event.reason)}`,
			];
		case 'window-closing':
			return [
				`- ${rel(event.t)} ⚠ the deploy window closes in ${event.threshold} minutes or less (at ${event.closesAt})`,
			];
		case 'approval-requested':
			return [
				`  - waiting for ${event.need} more approval${event.need === 1 ? '' : 's'} (asked by ${md(event.by)} at ${at(event.t)})`,
			];
		case 'approval-given':
			return [`  - **approved** by ${md(event.by)} (${md(event.fingerprint)}) at ${at(event.t)}, signature checked`];
		case 'approval-rejected':
			return [
				`  - **Deviation:** rejected by ${md(event.by)} (${md(event.fingerprint)}) at ${at(event.t)}: ${md(event.reason)}`,
			];
		case 'approval-refused':
			return [
				`  - an approval was refused at ${at(event.t)}: ${md(event.reason)}${event.fingerprint ? ` (${md(event.fingerprint)})` : ''}`,
			];
		case 'session-detached':
			return [
				`- ${rel(event.t)} ⚡ **runner detached** at ${at(event.t)}: ${md(event.reason)}${event.step ? `; ${code(event.step)} left running` : ''}`,
			];
		case 'session-resumed':
			return [
				`- ${rel(event.t)} ↻ **resumed** by ${md(event.by)} at ${at(event.t)} (pid ${event.pid})${event.changes ? `; **Deviation:** runbook changed and confirmed: ${event.changes.map(md).join('; ')}` : ''}`,
			];
		case 'command-recovered':
			return [
				`  - ${event.how === 'reattached' ? 'was still running; reattached' : 'ended while no runner watched; result collected'} at ${at(event.t)}`,
			];
		case 'command-lost':
			return [`  - **lost**: ${md(event.reason)}`];
		case 'step-failed':
			return [`  - ✗ **failed**: ${md(event.detail)}${tookText(context.state, event.step)}`];
		case 'step-retried':
			return [
				event.isAuto
					? `  - retried automatically (${md(event.reason ?? '')})`
					: `  - **Deviation:** retried by ${md(event.by ?? '')}: ${md(event.reason ?? '')}`,
			];
		case 'step-skipped':
			return [
				`- ${rel(event.t)} ${event.isAuto ? `skipped ${code(event.step)} (${md(event.reason)})` : `**Deviation:** ${code(event.step)} skipped by ${md(event.by ?? '')}: ${md(event.reason)}`}`,
			];
		case 'rollback-started':
			return [
				`### ${rel(event.t)} Rollback`,
				`- **Deviation:** rolled back by ${md(event.by)}: ${md(event.reason)} (${event.steps.map(code).join(', ')})`,
			];
		case 'signoff-given':
			return [`- ${rel(event.t)} signed off: ${md(event.role)}: ${md(event.name)}`];
		case 'note-added':
			return [`- ${rel(event.t)} ✎ **Note** by ${md(event.by)} at ${at(event.t)}: ${md(event.text)}`];
		case 'session-ended':
			return [
				`**${rel(event.t)} Session ${event.status}**${event.by ? ` by ${md(event.by)}` : ''}${event.reason ? `: ${md(event.reason)}` : ''}`,
			];
		default:
			return [];
	}
}

/** `, took 12s (waited 2m10s for approval)`: the step's own time, and the wait for people apart. */
function tookText(state: RunState, stepId: string): string {
	const st = state.steps[stepId];
	if (!st) return '';
	const timing = stepTiming(st);
	const waited = waitedText(timing);
	return `${timing.durationUs !== undefined ? `, took ${duration(timing.durationUs / 1000)}` : ''}${waited ? ` (${waited})` : ''}`;
}
