// The post-mortem's chart as inline SVG (no script, no external asset): a time axis with
// labelled ticks, each phase's timebox (outline) against its actual time, a bar per step
// coloured by outcome, and a mark for each deviation. Pure.
import type {RunState, StepStatus} from '../run/state.js';
import {allSteps} from '../runbook/model.js';
import {clock, duration} from '../time.js';
import {stepTiming} from '../run/step-timing.js';
import {htmlText as esc} from '../text/sanitize.js';
import type {Deviation} from './post-mortem.js';

const labelWidth = 230;
const chartWidth = 960;
const rowHeight = 20;
/** Tick spacings to choose from, in seconds: the smallest that gives at most `maxTicks` ticks. */
const tickSteps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 21_600, 43_200, 86_400];
const maxTicks = 10;

export const statusColours: Record<StepStatus, string> = {
	succeeded: '#16a34a',
	failed: '#dc2626',
	skipped: '#a3a3a3',
	running: '#0891b2',
	active: '#ca8a04',
	pending: '#e5e7eb',
};

/** `wallAt(t)`: the wall clock at `t` µs, for the axis's first and last labels. */
export function timelineChart(state: RunState, deviations: Deviation[], wallAt: (t: number) => string): string {
	const runbook = state.runbook;
	if (!runbook) return '';
	const endUs = Math.max(1_000_000, state.ended?.t ?? state.lastT);
	const x = (us: number) =>
		(labelWidth + ((chartWidth - labelWidth - 16) * Math.min(Math.max(us, 0), endUs)) / endUs).toFixed(1);
	const rows: string[] = [];
	let y = 44;
	const label = (text: string, title: string, extra = '') =>
		`<text x="0" y="${y + 13}"${extra}><title>${esc(title)}</title>${esc(text.length > 32 ? `${text.slice(0, 31)}…` : text)}</text>`;
	const heading = (text: string) => {
		y += 10;
		rows.push(`<text x="0" y="${y + 12}" class="chart-heading">${esc(text)}</text>`);
		y += rowHeight;
	};
	heading('Phases: timebox (dashed) against actual');
	for (const phase of runbook.phases) {
		const ps = state.phases[phase.id];
		rows.push(label(phase.name, phase.name));
		if (ps?.startedAt !== undefined) {
			const end = ps.endedAt ?? endUs;
			if (phase.timeboxMs !== undefined)
				rows.push(
					`<rect x="${x(ps.startedAt)}" y="${y + 1}" width="${Math.max(1, Number(x(ps.startedAt + phase.timeboxMs * 1000)) - Number(x(ps.startedAt))).toFixed(1)}" height="16" fill="none" stroke="#64748b" stroke-dasharray="4 2"/>`,
				);
			rows.push(
				`<rect x="${x(ps.startedAt)}" y="${y + 4}" width="${Math.max(2, Number(x(end)) - Number(x(ps.startedAt))).toFixed(1)}" height="10" fill="${ps.isOverrun ? '#dc2626' : '#2563eb'}"><title>${esc(phase.name)}: ${clock(end - ps.startedAt)}${ps.isOverrun ? ' (over its timebox)' : ''}</title></rect>`,
			);
		}
		y += rowHeight;
	}
	heading('Steps');
	for (const step of allSteps(runbook)) {
		const st = state.steps[step.id];
		if (!st || st.startedAt === undefined) continue;
		const end = st.endedAt ?? endUs;
		const tookUs = stepTiming(st).durationUs;
		rows.push(label(step.id, step.name, st.status === 'failed' ? ' class="chart-failed"' : ''));
		rows.push(
			`<rect x="${x(st.startedAt)}" y="${y + 4}" width="${Math.max(3, Number(x(end)) - Number(x(st.startedAt))).toFixed(1)}" height="10" fill="${statusColours[st.status]}"><title>${esc(step.name)}: ${st.status}${tookUs !== undefined ? `, took ${duration(tookUs / 1000)}` : ''}</title></rect>`,
		);
		y += rowHeight;
	}
	if (deviations.length > 0) {
		rows.push(label('deviations', 'Deviations: see the list above'));
		for (const deviation of deviations)
			rows.push(
				`<path d="M${x(deviation.t)} ${y + 2}l6 12h-12z" fill="#9a3412"><title>${esc(`${clock(deviation.t)} ${deviation.what}${deviation.step ? ` ${deviation.step}` : ''}: ${deviation.reason}`)}</title></path>`,
			);
		y += rowHeight;
	}
	const axis = timeAxis(endUs, y, x, wallAt);
	const height = y + 8;
	return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${chartWidth} ${height}" width="100%" style="max-width:${chartWidth}px" role="img" aria-label="timeline chart">${axis}${rows.join('')}</svg>`;
}

/** Gridlines from the top axis down to `bottomY`, each labelled with the time since the start; the ends also with the wall clock. */
function timeAxis(endUs: number, bottomY: number, x: (us: number) => string, wallAt: (t: number) => string): string {
	const endSeconds = endUs / 1_000_000;
	const stepSeconds = tickSteps.find((s) => endSeconds / s <= maxTicks) ?? Math.ceil(endSeconds / maxTicks);
	const parts = [
		`<text x="0" y="14" class="chart-heading">Time since start <tspan class="chart-muted">(${esc(wallAt(0))} → ${esc(wallAt(endUs))})</tspan></text>`,
		`<line x1="${labelWidth}" y1="36" x2="${x(endUs)}" y2="36" stroke="#334155"/>`,
	];
	for (let seconds = 0; seconds <= endSeconds + 1e-9; seconds += stepSeconds) {
		const at = x(seconds * 1_000_000);
		parts.push(
			`<line x1="${at}" y1="32" x2="${at}" y2="${bottomY}" stroke="#e2e8f0"/>`,
			`<line x1="${at}" y1="32" x2="${at}" y2="40" stroke="#334155"/>`,
			`<text x="${at}" y="29" text-anchor="middle" class="chart-tick">${clock(seconds * 1_000_000)}</text>`,
		);
	}
	return parts.join('');
}
