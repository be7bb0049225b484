// Which steps use which vars, so a var that only the rollback uses is asked when a rollback first
// needs it rather than before the first step: a backup id only the restore needs must not block
// the start. Pure.
import type {Runbook, Step} from '../runbook/model.js';
import {templateNames} from '../runbook/template.js';
import {parseCondition} from '../runbook/condition.js';

/** The vars a step refers to: in its command, `cwd`, `env` values and `when` condition. */
export function stepVarNames(step: Step): string[] {
	const texts = [step.run, step.poll?.run, step.cwd, ...Object.values(step.env)];
	const names = texts.flatMap((text) => (text === undefined ? [] : templateNames(text)));
	const condition = step.when === undefined ? undefined : parseCondition(step.when);
	if (condition) names.push(condition.var);
	return [...new Set(names)];
}

/**
 * The declared vars that rollback steps use and nothing else does: no phase step, and not the
 * `target`. A var no step uses at all is not among them (it is asked at start, as always).
 */
export function rollbackOnlyVars(runbook: Runbook): string[] {
	// The run asks this on every move; a 10,000-step runbook must not be walked each time.
	const known = cache.get(runbook);
	if (known) return known;
	const forward = new Set([
		...runbook.phases.flatMap((phase) => phase.steps.flatMap(stepVarNames)),
		...(runbook.target === undefined ? [] : templateNames(runbook.target)),
	]);
	const rollback = new Set(runbook.rollback.flatMap(stepVarNames));
	const names = Object.keys(runbook.vars).filter((name) => rollback.has(name) && !forward.has(name));
	cache.set(runbook, names);
	return names;
}

const cache = new WeakMap<Runbook, string[]>();
