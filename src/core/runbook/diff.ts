// What changed between the runbook a session started with and the file as it is now, in lines
// an operator can judge before going on with the new version. Pure.
import {allSteps, type Runbook, type Step} from './model.js';

export function runbookChanges(before: Runbook, after: Runbook): string[] {
	const changes: string[] = [];
	const beforePhases = before.phases.map((p) => p.id);
	const afterPhases = after.phases.map((p) => p.id);
	for (const id of afterPhases) if (!beforePhases.includes(id)) changes.push(`phase \`${id}\` added`);
	for (const id of beforePhases) if (!afterPhases.includes(id)) changes.push(`phase \`${id}\` removed`);
	for (const phase of after.phases) {
		const old = before.phases.find((p) => p.id === phase.id);
		if (old && old.timeboxMs !== phase.timeboxMs) changes.push(`phase \`${phase.id}\`: timebox changed`);
	}
	const oldSteps = new Map(allSteps(before).map((s) => [s.id, s]));
	const newSteps = new Map(allSteps(after).map((s) => [s.id, s]));
	for (const [id, step] of newSteps) {
		const old = oldSteps.get(id);
		if (!old) changes.push(`step \`${id}\` added`);
		else {
			const fields = changedFields(old, step);
			if (fields.length > 0) changes.push(`step \`${id}\`: ${fields.join(', ')} changed`);
		}
	}
	for (const id of oldSteps.keys()) if (!newSteps.has(id)) changes.push(`step \`${id}\` removed`);
	const order = (r: Runbook) =>
		allSteps(r)
			.map((s) => s.id)
			.filter((id) => oldSteps.has(id) && newSteps.has(id))
			.join(' ');
	if (order(before) !== order(after)) changes.push('steps reordered');
	for (const key of ['name', 'target', 'vars', 'env', 'secrets', 'signoff'] as const) {
		if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes.push(`${key} changed`);
	}
	return changes;
}

function changedFields(before: Step, after: Step): string[] {
	const keys = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof Step>;
	return [...keys]
		.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
		.map((key) => (key === 'run' ? 'command' : key));
}
