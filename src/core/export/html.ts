// The post-mortem as one self-contained HTML page (no script, no network): it opens with the
// outcome, what failed and why, the deviations and who decided what; then a chart on a time
// axis, the phases and steps, and the timeline with every command in full and all its output,
// each collapsible. Written as a stream of chunks so no output is held whole. Pure.
import type {LogHeader} from '../audit/entry.js';
import type {RunEvent} from '../run/events.js';
import type {StepState} from '../run/state.js';
import {allSteps, type Step} from '../runbook/model.js';
import {clock, duration} from '../time.js';
import {endedEarlyText, stepTiming} from '../run/step-timing.js';
import {htmlText as esc, terminalOutput} from '../text/sanitize.js';
import {statusColours, timelineChart} from './html-chart.js';
import {postMortemCss} from './html-style.js';
import {markdownInlineToHtml as inline} from './markdown-inline.js';
import {OutputLines, type RecordedLine} from './output-lines.js';
import {failureReasonText, postMortem, type PostMortem} from './post-mortem.js';
import {timelineContext, timelineLines, type TimelineContext} from './timeline-lines.js';

/** The whole page as one string. `events` is read twice (an array, or an iterable that starts again). */
export function exportHtml(header: LogHeader, events: Iterable<RunEvent>, verdict: string): string {
	return [...exportHtmlChunks(header, events, verdict)].join('');
}

/** The page in pieces, in order: the summary from a first pass over `events`, the timeline and output from a second. */
export function* exportHtmlChunks(header: LogHeader, events: Iterable<RunEvent>, verdict: string): Generator<string> {
	const summary = postMortem(events);
	const context = timelineContext(header, summary.state.runbook);
	const {state} = summary;
	const title = `${state.runbook?.name ?? 'Session'}: ${state.ended?.status ?? 'interrupted'}`;
	yield `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${postMortemCss}</style></head><body>
<h1>${esc(title)}</h1>
`;
	yield summaryHtml(header, summary, verdict, context);
	yield `<h2>Timeline chart</h2>\n${timelineChart(state, summary.deviations, context.at)}\n${legend()}\n`;
	yield phasesHtml(summary);
	yield stepsHtml(summary);
	yield '<h2>Timeline, step by step</h2>\n<p class="muted">Every command in full and all of its output; stderr lines are marked.</p>\n';
	yield* timelineHtml(events, summary, context);
	yield '</body></html>\n';
}

function summaryHtml(header: LogHeader, pm: PostMortem, verdict: string, {at}: TimelineContext): string {
	const {state, failures, deviations, decisions} = pm;
	const status = state.ended?.status;
	const tone = status === 'completed' ? '' : status === undefined || status === 'needs-operator' ? ' unsure' : ' bad';
	const out = [
		`<p class="outcome${tone}">Outcome: <strong>${esc(status ?? 'interrupted (no end recorded)')}</strong>${state.ended?.reason ? `: ${esc(state.ended.reason)}` : ''} · ${clock(state.ended?.t ?? state.lastT)} · ${failures.length} failed step${failures.length === 1 ? '' : 's'} · ${deviations.length} deviation${deviations.length === 1 ? '' : 's'}</p>`,
	];
	for (const failure of failures) {
		out.push(
			`<div class="failure"><h2>Failed: ${esc(failure.name)} (<code>${esc(failure.step)}</code>)</h2>`,
			`<p>At ${esc(at(failure.t))} (+${clock(failure.t)}): <strong>${esc(failure.detail)}</strong>${failure.exit && !failure.detail.includes(failure.exit) ? ` (${esc(failure.exit)})` : ''}; ${esc(failureReasonText[failure.reason])}.</p>`,
		);
		if (failure.lastLines.length > 0)
			out.push(
				`<p>Last ${failure.lastLinesStream === 'stderr' ? 'stderr' : 'output'} lines:</p><pre class="tail">${failure.lastLines.map((line) => outputLine(line, failure.lastLinesStream === 'stderr')).join('')}</pre>`,
			);
		out.push(`<p><a href="#step-${esc(failure.step)}">Its commands and all of their output ↓</a></p></div>`);
	}
	out.push(
		'<table class="facts">',
		row('Session', `<code>${esc(header.session)}</code>`),
		row(
			'Runbook',
			`<code>${esc(header.runbook.path)}</code> (sha256 <code>${esc(header.runbook.sha256.slice(0, 16))}…</code>)`,
		),
		row(
			'Operator',
			`${esc(header.operator.user)} on ${esc(header.operator.host)}, signing key ${esc(header.identity.fingerprint)} (${esc(header.identity.source)})`,
		),
		row('Started', esc(at(0))),
		row('Duration', clock(state.ended?.t ?? state.lastT)),
		row('Log verdict', `<span${/^VALID\b/.test(verdict) ? '' : ' class="verdict-bad"'}>${esc(verdict)}</span>`),
		'</table>',
		`<h2>Deviations (${deviations.length})</h2>`,
	);
	out.push(
		deviations.length === 0
			? '<p>None: every step ran as the runbook says.</p>'
			: table(
					['When', 'What', 'Step', 'Who', 'Reason'],
					deviations.map((d) => [
						esc(at(d.t)),
						esc(d.what),
						d.step ? `<code>${esc(d.step)}</code>` : '',
						esc(d.by ?? ''),
						esc(d.reason || '(no reason given)'),
					]),
					'deviations',
				),
		`<h2>Decisions (${decisions.length})</h2>`,
		decisions.length === 0
			? '<p>None recorded.</p>'
			: table(
					['When', 'Who', 'What', 'Step'],
					decisions.map((d) => [esc(at(d.t)), esc(d.by), esc(d.what), d.step ? `<code>${esc(d.step)}</code>` : '']),
				),
	);
	return `${out.join('\n')}\n`;
}

const row = (heading: string, html: string) => `<tr><th>${heading}</th><td>${html}</td></tr>`;

function table(headings: string[], rows: string[][], className?: string): string {
	const cells = (row: string[]) =>
		row.map((cell, i) => `<td${i === 1 && className ? ' class="what"' : ''}>${cell}</td>`).join('');
	return `<table${className ? ` class="${className}"` : ''}><tr>${headings.map((h) => `<th>${h}</th>`).join('')}</tr>${rows.map((r) => `<tr>${cells(r)}</tr>`).join('')}</table>`;
}

function legend(): string {
	return `<p class="legend muted">${Object.entries(statusColours)
		.map(([status, colour]) => `<span><span class="swatch" style="background:${colour}"></span>${status}</span>`)
		.join('')}<span>▲ deviation</span></p>`;
}

function phasesHtml({state}: PostMortem): string {
	const runbook = state.runbook;
	if (!runbook) return '';
	const rows = runbook.phases.map((phase) => {
		const ps = state.phases[phase.id];
		const actual =
			ps?.startedAt !== undefined ? clock((ps.endedAt ?? state.ended?.t ?? state.lastT) - ps.startedAt) : 'not reached';
		return [
			esc(phase.name),
			phase.timeboxMs !== undefined ? clock(phase.timeboxMs * 1000) : '—',
			actual,
			ps?.isOverrun ? '<strong class="deviation">over its timebox</strong>' : '',
		];
	});
	return `<h2>Phases</h2>\n${table(['Phase', 'Planned', 'Actual', ''], rows)}\n`;
}

export type StepRow = {step: Step; st: StepState};

/** A time from the core's step timing (../run/step-timing.ts), or a dash for none. */
const durationCell = (us: number | undefined) => (us === undefined || us === 0 ? '—' : duration(us / 1000));

/**
 * The columns of the steps table, in order: a column is a heading and how to fill a cell, so
 * another is one more entry. Times come from the core's step timing, as on screen.
 */
export const stepColumns: Array<{heading: string; cell: (row: StepRow) => string}> = [
	{
		heading: 'Step',
		cell: ({step}) => `<a href="#step-${esc(step.id)}">${esc(step.name)}</a> <code>${esc(step.id)}</code>`,
	},
	{heading: 'Kind', cell: ({step}) => step.kind},
	{
		heading: 'Outcome',
		cell: ({step, st}) => {
			const early = endedEarlyText(step, st);
			if (early) return `<strong class="deviation">Deviation:</strong> ${esc(early)}`;
			return st.status === 'failed' ? `<strong class="deviation">failed</strong>` : st.status;
		},
	},
	{heading: 'Started', cell: ({st}) => (st.startedAt === undefined ? '' : `+${clock(st.startedAt)}`)},
	{heading: 'Duration (its command)', cell: ({st}) => durationCell(stepTiming(st).durationUs)},
	{heading: 'Waited for confirmation', cell: ({st}) => durationCell(stepTiming(st).confirmationWaitUs)},
	{heading: 'Waited for approval', cell: ({st}) => durationCell(stepTiming(st).approvalWaitUs)},
	{heading: 'Commands', cell: ({st}) => (st.attempts > 0 ? String(st.attempts) : '')},
];

function stepsHtml({state}: PostMortem): string {
	if (!state.runbook) return '';
	const rows = allSteps(state.runbook)
		.map((step) => ({step, st: state.steps[step.id]}))
		.filter((r): r is StepRow => r.st !== undefined && r.st.startedAt !== undefined)
		.map((r) => stepColumns.map((column) => column.cell(r)));
	return `<h2>Steps</h2>\n${table(
		stepColumns.map((c) => c.heading),
		rows,
	)}\n`;
}

function outputLine(text: string, isErr: boolean): string {
	const shown = esc(terminalOutput(text));
	return isErr ? `<span class="err">${shown}\n</span>` : `${shown}\n`;
}

// > 80 lines: one walk over the events that opens and closes the step sections, lists and
// output blocks as the events come, so the output streams through and is never held.
/** The timeline: a section per step start, its events as a list, each command in full and its output. */
function* timelineHtml(events: Iterable<RunEvent>, pm: PostMortem, context: TimelineContext): Generator<string> {
	const failed = new Set(pm.failures.map((f) => f.step));
	const lastCommandOf = new Map<string, number>();
	let index = 0;
	for (const event of events) if (event.type === 'command-started') lastCommandOf.set(event.step, index++);
	const anchored = new Set<string>();
	let isStepOpen = false;
	let isListOpen = false;
	let isOutputOpen = false;
	let commandIndex = -1;
	let splitter = new OutputLines();
	const lines = (recorded: RecordedLine[]) => recorded.map((l) => outputLine(l.text, l.stream === 'err')).join('');
	const closeList = () => (isListOpen ? ((isListOpen = false), '</ul>\n') : '');
	const closeStep = () => closeList() + (isStepOpen ? ((isStepOpen = false), '</section>\n') : '');
	const openList = () => (isListOpen ? '' : ((isListOpen = true), '<ul>\n'));
	for (const event of events) {
		if (event.type === 'output-recorded') {
			if (!isOutputOpen) {
				yield `${openList()}<li class="more"><details><summary>Output</summary><pre>`;
				isOutputOpen = true;
			}
			yield lines(splitter.push(event.stream, event.text));
			continue;
		}
		let html = '';
		if (event.type === 'command-exited' && isOutputOpen) {
			html += `${lines(splitter.flush())}</pre></details></li>\n`;
			isOutputOpen = false;
		}
		for (const line of timelineLines(event, context)) {
			const text = inline(line.replace(/^\s*- /, ''));
			const cls = line.includes('**Deviation:**') ? ' class="deviation"' : '';
			if (line.startsWith('### ')) html += `${closeStep()}<h3>${inline(line.slice(4))}</h3>\n`;
			else if (line.startsWith('  - ')) html += `${openList()}<li${cls}>${text}</li>\n`;
			else if (event.type === 'step-started') {
				const id = anchored.has(event.step) ? '' : ` id="step-${esc(event.step)}"`;
				anchored.add(event.step);
				html += `${closeStep()}<section class="step${failed.has(event.step) ? ' failed' : ''}"${id}>\n<p>${text}</p>\n`;
				isStepOpen = true;
			} else html += `${closeStep()}<p${cls}>${text}</p>\n`;
		}
		if (event.type === 'command-started') {
			commandIndex++;
			splitter = new OutputLines();
			const count = pm.commandOutputs[commandIndex] ?? {lines: 0, errLines: 0};
			const commandLines = event.command.split('\n').length;
			// The command that failed the step is shown open: it is what the reader came for.
			const open = failed.has(event.step) && lastCommandOf.get(event.step) === commandIndex ? ' open' : '';
			html += `${openList()}<li class="more"><details${open}><summary>Command (${commandLines} line${commandLines === 1 ? '' : 's'}, as run, secrets masked)</summary><pre class="command">${esc(event.command)}</pre></details></li>\n`;
			if (count.lines === 0) html += '<li class="muted">no output</li>\n';
			else {
				html += `<li class="more"><details${open}><summary>Output: ${count.lines} line${count.lines === 1 ? '' : 's'}${count.errLines > 0 ? `, ${count.errLines} on stderr` : ''}</summary><pre>`;
				isOutputOpen = true;
			}
		}
		yield html;
	}
	if (isOutputOpen) yield `${lines(splitter.flush())}</pre></details></li>\n`;
	yield closeStep();
}
