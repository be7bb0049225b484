// A secret var's `default` is a secret written in the runbook: the session learns it to mask it
// and to fill `{{ name }}`, and the runbook recorded in the log carries a marker in its place. Pure.
import type {Runbook} from '../runbook/model.js';

/** What a secret default reads in a recorded runbook: a default exists, its value is not recorded. */
export function maskedDefault(name: string): string {
	return `[REDACTED:${name}]`;
}

/** The real defaults of secret vars and secret `ask` steps (a recorded runbook's markers are not). */
export function secretDefaults(runbook: Runbook): Array<{name: string; value: string}> {
	const found: Array<{name: string; value: string}> = [];
	for (const [name, spec] of Object.entries(runbook.vars))
		if (spec.secret && spec.default !== undefined) found.push({name, value: spec.default});
	for (const step of [...runbook.phases.flatMap((p) => p.steps), ...runbook.rollback])
		if (step.ask?.isSecret && step.ask.default !== undefined) found.push({name: step.ask.var, value: step.ask.default});
	return found.filter((secret) => secret.value !== maskedDefault(secret.name));
}

/** The runbook as it is recorded: every secret default replaced by its marker. */
export function withSecretDefaultsMasked(runbook: Runbook): Runbook {
	if (secretDefaults(runbook).length === 0) return runbook;
	const vars = Object.fromEntries(
		Object.entries(runbook.vars).map(([name, spec]) => [
			name,
			spec.secret && spec.default !== undefined ? {...spec, default: maskedDefault(name)} : spec,
		]),
	);
	const maskStep = (step: Runbook['rollback'][number]) =>
		step.ask?.isSecret && step.ask.default !== undefined
			? {...step, ask: {...step.ask, default: maskedDefault(step.ask.var)}}
			: step;
	return {
		...runbook,
		vars,
		phases: runbook.phases.map((phase) => ({...phase, steps: phase.steps.map(maskStep)})),
		rollback: runbook.rollback.map(maskStep),
	};
}
