// The post-mortem's table of steps: each step's own time and, apart, the time it waited for
// people (a confirmation, approvals), so a slow approval never reads as a slow command. Pure.
import type {RunState} from '../run/state.js';
import {endedEarlyText, stepTiming} from '../run/step-timing.js';
import {allSteps} from '../runbook/model.js';
import {duration} from '../time.js';
import {markdownCode as code, markdownText as md} from '../text/sanitize.js';

/** Markdown lines: a `## Steps` table of every step that started, or nothing when none did. */
export function stepTableMarkdown(state: RunState): string[] {
	const runbook = state.runbook;
	if (!runbook) return [];
	const rows: string[] = [];
	for (const step of allSteps(runbook)) {
		const st = state.steps[step.id];
		if (st?.startedAt === undefined) continue;
		const timing = stepTiming(st);
		const early = endedEarlyText(step, st);
		const outcome = early ? `**Deviation:** ${md(early)}` : st.status;
		const waitCell = (us: number) => (us > 0 ? duration(us / 1000) : '—');
		rows.push(
			`| ${code(step.id)} | ${outcome} | ${timing.durationUs !== undefined ? duration(timing.durationUs / 1000) : '—'} | ${waitCell(timing.confirmationWaitUs)} | ${waitCell(timing.approvalWaitUs)} |`,
		);
	}
	if (rows.length === 0) return [];
	return [
		'## Steps',
		'',
		'| Step | Outcome | Duration (its command) | Waited for confirmation | Waited for approval |',
		'| --- | --- | --- | --- | --- |',
		...rows,
		'',
	];
}
