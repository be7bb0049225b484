// The post-mortem timeline as Markdown: phases planned against actual, every step with its
// command, outcome and output tail, every decision with who and when, every deviation with its
// reason, and the verify verdict. Pure: the log's header, events and verdict in, text out.
import type {LogHeader} from '../audit/entry.js';
import type {RunEvent} from '../run/events.js';
import {describeExit} from '../run/judge.js';
import {foldEvents, reduceRun} from '../run/reduce.js';
import {initialState, type RunState} from '../run/state.js';
import {stepTiming, waitedText} from '../run/step-timing.js';
import {stepTableMarkdown} from './step-table.js';
import {allSteps} from '../runbook/model.js';
import {clock, duration} from '../time.js';
import {markdownCode as code, markdownFence, markdownText as md} from '../text/sanitize.js';

const outputTailLines = 10;

/**
 * The whole document. Longer than 80 lines: one case per event type, and the table reads best
 * as one switch. Every text from the log goes through `md` or `code` (../text/sanitize.ts).
 */
export function exportMarkdown(header: LogHeader, events: RunEvent[], verdict: string): string {
	const state = foldEvents(events);
	const runbook = state.runbook;
	const wall = Date.parse(header.wall);
	const at = (t: number) =>
		new Date(wall + Math.floor(t / 1000))
			.toISOString()
			.replace('T', ' ')
			.replace(/\.\d+Z$/, 'Z');
	const rel = (t: number) => `+${clock(t)}`;
	const out: string[] = [];
	out.push(`# ${md(runbook?.name ?? 'Session')}: ${state.ended?.status ?? 'interrupted'}`, '');
	out.push('| | |', '| --- | --- |');
	out.push(`| Session | ${code(header.session)} |`);
	out.push(
		`| Runbook | ${code(header.runbook.path).replace(/\|/g, '\\|')} (sha256 ${code(`${header.runbook.sha256.slice(0, 16)}…`)}) |`,
	);
	out.push(
		`| Operator | ${md(header.operator.user)} on ${md(header.operator.host)}, signing key ${md(header.identity.fingerprint)} (${md(header.identity.source)}) |`,
	);
	out.push(`| Started | ${at(0)} |`);
	out.push(`| Duration | ${clock(state.ended?.t ?? state.lastT)} |`);
	out.push(
		`| Outcome | **${state.ended?.status ?? 'interrupted (no end recorded)'}**${state.ended?.reason ? `: ${md(state.ended.reason)}` : ''} |`,
	);
	out.push(`| Log verdict | ${md(verdict)} |`, '');

	if (runbook) {
		out.push('## Phases', '', '| Phase | Planned | Actual | |', '| --- | --- | --- | --- |');
		for (const phase of runbook.phases) {
			const ps = state.phases[phase.id];
			const actual =
				ps?.startedAt !== undefined
					? clock((ps.endedAt ?? state.ended?.t ?? state.lastT) - ps.startedAt)
					: 'not reached';
			out.push(
				`| ${md(phase.name)} | ${phase.timeboxMs !== undefined ? clock(phase.timeboxMs * 1000) : '—'} | ${actual} | ${ps?.isOverrun ? '**over its timebox**' : ''} |`,
			);
		}
		out.push('');
	}
	out.push(...stepTableMarkdown(state));

	out.push('## Timeline', '');
	const tails = new Map<string, string[]>();
	let sofar = initialState;
	for (const event of events) {
		sofar = reduceRun(sofar, event);
		switch (event.type) {
			case 'phase-started':
				out.push(
					'',
					`### ${rel(event.t)} Phase ${md(runbook?.phases.find((p) => p.id === event.phase)?.name ?? event.phase)}`,
					'',
				);
				break;
			case 'phase-overran':
				out.push(`- ${rel(event.t)} ⚠ phase ${code(event.phase)} ran past its timebox`);
				break;
			case 'preconditions-checked':
				for (const r of event.results.filter((x) => !x.isMet))
					out.push(`- ${rel(event.t)} ✗ env ${code(r.name)} ${md(r.problem ?? '')}`);
				break;
			case 'preconditions-overridden':
				out.push(
					`- ${rel(event.t)} **Deviation:** unmet preconditions overridden by ${md(event.by)}: ${md(event.reason)}`,
				);
				break;
			case 'var-set':
				out.push(
					`- ${rel(event.t)} var ${code(event.var)} ${event.isSecret ? 'set (secret)' : `= ${code(event.value ?? '')}`} (${event.source})`,
				);
				break;
			case 'step-started': {
				const s = runbook ? allSteps(runbook).find((x) => x.id === event.step) : undefined;
				out.push(`- ${rel(event.t)} **${md(s?.name ?? event.step)}** (${code(event.step)}, ${s?.kind ?? 'step'})`);
				break;
			}
			case 'step-confirmed': {
				const started = [...events]
					.reverse()
					.find((e) => e.type === 'step-started' && e.step === event.step && e.t <= event.t);
				out.push(
					`  - confirmed by ${md(event.by)} at ${at(event.t)} (${event.how}${started ? `, after ${duration((event.t - started.t) / 1000)}` : ''})`,
				);
				break;
			}
			case 'command-started':
				out.push(
					`  - ran ${code(event.command.split('\n')[0]!)}${event.command.includes('\n') ? ' …' : ''}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`,
				);
				break;
			case 'output-recorded': {
				const lines = [...(tails.get(event.step) ?? []), ...event.text.split('\n')].filter(
					(_, i, all) => i < all.length - 1 || all[i] !== '',
				);
				tails.set(event.step, lines.slice(-outputTailLines));
				break;
			}
			case 'command-exited': {
				out.push(
					`  - ${event.error ?? describeExit(event.code, event.signal)}${event.isTimedOut ? ' (timed out)' : ''} after ${duration(event.durationMs)}`,
				);
				const tail = tails.get(event.step);
				if (tail && tail.length > 0) out.push('', ...markdownFence(tail, '    '), '');
				tails.delete(event.step);
				break;
			}
			case 'command-cancel-requested':
				out.push(`  - **cancel** requested by ${md(event.by)} at ${at(event.t)}`);
				break;
			case 'check-answered':
				out.push(
					`  - check ${event.item + 1} ${event.isPassed ? 'passed' : `**failed**: ${md(event.reason ?? '')}`} (${md(event.by)}, ${at(event.t)})`,
				);
				break;
			case 'input-given':
				out.push(
					`  - ${code(event.var)} ${event.isSecret ? 'given (secret)' : `= ${code(event.value ?? '')}`} by ${md(event.by)}`,
				);
				break;
			case 'var-captured':
				out.push(`  - captured ${code(event.var)}`);
				break;
			case 'wait-ended':
				out.push(
					event.isEarly
						? `  - **Deviation:** wait ended early by ${md(event.by ?? '')}: ${md(event.reason ?? '')}`
						: '  - wait over',
				);
				break;
			case 'step-succeeded':
				out.push(
					event.by
						? `  - **Deviation:** marked done by ${md(event.by)} at ${at(event.t)}: ${md(event.reason ?? '')}`
						: `  - ✓ done at ${rel(event.t)}${tookText(sofar, event.step)}`,
				);
				break;
			case 'window-overridden':
				out.push(
					`- ${rel(event.t)} **Deviation:** deploy window overridden by ${md(event.by)} at ${at(event.t)}: ${md(event.reason)}`,
				);
				break;
			case 'window-closing':
				out.push(
					`- ${rel(event.t)} ⚠ the deploy window closes in ${event.threshold} minutes or less (at ${event.closesAt})`,
				);
				break;
			case 'approval-requested':
				out.push(
					`  - waiting for ${event.need} more approval${event.need === 1 ? '' : 's'} (asked by ${md(event.by)} at ${at(event.t)})`,
				);
				break;
			case 'approval-given':
				out.push(`  - **approved** by ${md(event.by)} (${md(event.fingerprint)}) at ${at(event.t)}, signature checked`);
				break;
			case 'approval-rejected':
				out.push(
					`  - **Deviation:** rejected by ${md(event.by)} (${md(event.fingerprint)}) at ${at(event.t)}: ${md(event.reason)}`,
				);
				break;
			case 'approval-refused':
				out.push(
					`  - an approval was refused at ${at(event.t)}: ${md(event.reason)}${event.fingerprint ? ` (${md(event.fingerprint)})` : ''}`,
				);
				break;
			case 'session-detached':
				out.push(
					`- ${rel(event.t)} ⚡ **runner detached** at ${at(event.t)}: ${md(event.reason)}${event.step ? `; ${code(event.step)} left running` : ''}`,
				);
				break;
			case 'session-resumed':
				out.push(
					`- ${rel(event.t)} ↻ **resumed** by ${md(event.by)} at ${at(event.t)} (pid ${event.pid})${event.changes ? `; **Deviation:** runbook changed and confirmed: ${event.changes.map(md).join('; ')}` : ''}`,
				);
				break;
			case 'command-recovered':
				out.push(
					`  - ${event.how === 'reattached' ? 'was still running; reattached' : 'ended while no runner watched; result collected'} at ${at(event.t)}`,
				);
				break;
			case 'command-lost':
				out.push(`  - **lost**: ${md(event.reason)}`);
				break;
			case 'step-failed':
				out.push(`  - ✗ **failed**: ${md(event.detail)}${tookText(sofar, event.step)}`);
				break;
			case 'step-retried':
				out.push(
					event.isAuto
						? `  - retried automatically (${md(event.reason ?? '')})`
						: `  - **Deviation:** retried by ${md(event.by ?? '')}: ${md(event.reason ?? '')}`,
				);
				break;
			case 'step-skipped':
				out.push(
					`- ${rel(event.t)} ${event.isAuto ? `skipped ${code(event.step)} (${md(event.reason)})` : `**Deviation:** ${code(event.step)} skipped by ${md(event.by ?? '')}: ${md(event.reason)}`}`,
				);
				break;
			case 'rollback-started':
				out.push(
					'',
					`### ${rel(event.t)} Rollback`,
					'',
					`- **Deviation:** rolled back by ${md(event.by)}: ${md(event.reason)} (${event.steps.map(code).join(', ')})`,
				);
				break;
			case 'signoff-given':
				out.push(`- ${rel(event.t)} signed off: ${md(event.role)}: ${md(event.name)}`);
				break;
			case 'note-added':
				out.push(`- ${rel(event.t)} ✎ **Note** by ${md(event.by)} at ${at(event.t)}: ${md(event.text)}`);
				break;
			case 'session-ended':
				out.push(
					'',
					`**${rel(event.t)} Session ${event.status}**${event.by ? ` by ${md(event.by)}` : ''}${event.reason ? `: ${md(event.reason)}` : ''}`,
				);
				break;
			default:
				break;
		}
	}
	return `${out.join('\n')}\n`;
}

/** `, took 12s (waited 2m10s for approval)`: the step's own time, and the wait for people apart. */
function tookText(state: RunState, stepId: string): string {
	const st = state.steps[stepId];
	if (!st) return '';
	const timing = stepTiming(st);
	const waited = waitedText(timing);
	return `${timing.durationUs !== undefined ? `, took ${duration(timing.durationUs / 1000)}` : ''}${waited ? ` (${waited})` : ''}`;
}
