// The post-mortem as Markdown: first what a reader needs (the outcome, what failed and why, the
// deviations and who decided what), then the phases planned against actual, then the timeline:
// every step with its command, outcome and output tail. Pure: the log's header, events and
// verdict in, text out.
import type {LogHeader} from '../audit/entry.js';
import type {RunEvent} from '../run/events.js';
import {clock} from '../time.js';
import {markdownCode as code, markdownFence, markdownText as md} from '../text/sanitize.js';
import {failureReasonText, postMortem, type PostMortem} from './post-mortem.js';
import {stepTableMarkdown} from './step-table.js';
import {sinceStart, timelineContext, timelineLines, type TimelineContext} from './timeline-lines.js';

const outputTailLines = 10;

/** The whole document. `events` is read twice (an array, or an iterable that starts again). */
export function exportMarkdown(header: LogHeader, events: Iterable<RunEvent>, verdict: string): string {
	const summary = postMortem(events);
	const context = timelineContext(header, summary.state.runbook);
	const out = [
		...summaryMarkdown(header, summary, verdict, context),
		...phasesMarkdown(summary),
		...stepTableMarkdown(summary.state),
		'## Timeline',
	];
	const tails = new Map<string, string[]>();
	for (const event of events) {
		if (event.type === 'output-recorded') {
			const lines = [...(tails.get(event.step) ?? []), ...event.text.split('\n')].filter(
				(_, i, all) => i < all.length - 1 || all[i] !== '',
			);
			tails.set(event.step, lines.slice(-outputTailLines));
			continue;
		}
		const lines = timelineLines(event, context);
		if (lines[0]?.startsWith('### ') || event.type === 'session-ended') out.push('', ...lines, '');
		else out.push(...lines);
		if (event.type === 'command-exited') {
			const tail = tails.get(event.step);
			if (tail && tail.length > 0) out.push('', ...markdownFence(tail, '    '), '');
			tails.delete(event.step);
		}
	}
	return `${out.join('\n')}\n`;
}

/** The title, the facts table, what failed, the deviations and the decisions. */
export function summaryMarkdown(
	header: LogHeader,
	{state, failures, deviations, decisions}: PostMortem,
	verdict: string,
	{at}: TimelineContext,
): string[] {
	const out: string[] = [];
	out.push(`# ${md(state.runbook?.name ?? 'Session')}: ${state.ended?.status ?? 'interrupted'}`, '');
	out.push('| | |', '| --- | --- |');
	out.push(
		`| Outcome | **${state.ended?.status ?? 'interrupted (no end recorded)'}**${state.ended?.reason ? `: ${md(state.ended.reason)}` : ''} |`,
	);
	out.push(`| Session | ${code(header.session)} |`);
	out.push(
		`| Runbook | ${code(header.runbook.path).replace(/\|/g, '\\|')} (sha256 ${code(`${header.runbook.sha256.slice(0, 16)}…`)}) |`,
	);
	out.push(
		`| Operator | ${md(header.operator.user)} on ${md(header.operator.host)}, signing key ${md(header.identity.fingerprint)} (${md(header.identity.source)}) |`,
	);
	out.push(`| Started | ${at(0)} |`);
	out.push(`| Duration | ${clock(state.ended?.t ?? state.lastT)} |`);
	out.push(`| Log verdict | ${md(verdict)} |`, '');
	for (const failure of failures) {
		out.push(
			`## Failed: ${md(failure.name)} (${code(failure.step)})`,
			'',
			`At ${at(failure.t)} (${sinceStart(failure.t)}): **${md(failure.detail)}**${failure.exit && !failure.detail.includes(failure.exit) ? ` (${failure.exit})` : ''}; ${failureReasonText[failure.reason]}.`,
			'',
		);
		if (failure.lastLines.length > 0)
			out.push(
				`Last ${failure.lastLinesStream === 'stderr' ? 'stderr' : 'output'} lines:`,
				'',
				...markdownFence(failure.lastLines),
				'',
			);
	}
	out.push(`## Deviations (${deviations.length})`, '');
	if (deviations.length === 0) out.push('None: every step ran as the runbook says.', '');
	for (const deviation of deviations)
		out.push(
			`- ${at(deviation.t)} **${md(deviation.what)}**${deviation.step ? ` ${code(deviation.step)}` : ''}${deviation.by ? ` by ${md(deviation.by)}` : ''}: ${md(deviation.reason || '(no reason given)')}`,
		);
	if (deviations.length > 0) out.push('');
	out.push(`## Decisions (${decisions.length})`, '');
	for (const decision of decisions)
		out.push(
			`- ${at(decision.t)} ${md(decision.by)}: ${md(decision.what)}${decision.step ? ` ${code(decision.step)}` : ''}`,
		);
	if (decisions.length > 0) out.push('');
	return out;
}

function phasesMarkdown({state}: PostMortem): string[] {
	const runbook = state.runbook;
	if (!runbook) return [];
	const out = ['## Phases', '', '| Phase | Planned | Actual | |', '| --- | --- | --- | --- |'];
	for (const phase of runbook.phases) {
		const ps = state.phases[phase.id];
		const actual =
			ps?.startedAt !== undefined ? clock((ps.endedAt ?? state.ended?.t ?? state.lastT) - ps.startedAt) : 'not reached';
		out.push(
			`| ${md(phase.name)} | ${phase.timeboxMs !== undefined ? clock(phase.timeboxMs * 1000) : '—'} | ${actual} | ${ps?.isOverrun ? '**over its timebox**' : ''} |`,
		);
	}
	out.push('');
	return out;
}
