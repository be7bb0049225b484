// Which steps use which vars, so a var that only the rollback uses is asked when a rollback first
// needs it rather than before the first step: a backup id only the restore needs must not block
// the start. Pure.
import type {Runbook, Step} from '../runbook/model.js';
import {templateNames} from '../runbook/template.js';
import {parseCondition} from '../runbook/condition.js';

/** The vars a step refers to: in its command, `cwd`, `env` values and `when` condition. */
export function stepVarNames(step: Step): string[] {
	// Once per step of the runbook at the start of a run: no spreads, no sets.
	const names: string[] = [];
	const add = (text: string | undefined) => {
		if (text === undefined) return;
		for (const name of templateNames(text)) if (!names.includes(name)) names.push(name);
	};
	add(step.run);
	add(step.poll?.run);
	add(step.cwd);
	for (const value of Object.values(step.env)) add(value);
	const condition = step.when === undefined ? undefined : parseCondition(step.when);
	if (condition && !names.includes(condition.var)) names.push(condition.var);
	return names;
}

/**
 * The declared vars that rollback steps use and nothing else does: no phase step, and not the
 * `target`. A var no step uses at all is not among them (it is asked at start, as always).
 */
export function rollbackOnlyVars(runbook: Runbook): string[] {
	// The run asks this on every move; a 10,000-step runbook must not be walked each time.
	const known = cache.get(runbook);
	if (known) return known;
	const forward = new Set(runbook.target === undefined ? [] : templateNames(runbook.target));
	for (const phase of runbook.phases)
		for (let i = 0; i < phase.steps.length; i++) for (const name of stepVarNames(phase.steps[i]!)) forward.add(name);
	const rollback = new Set(runbook.rollback.flatMap(stepVarNames));
	const names = Object.keys(runbook.vars).filter((name) => rollback.has(name) && !forward.has(name));
	cache.set(runbook, names);
	return names;
}

const cache = new WeakMap<Runbook, string[]>();
