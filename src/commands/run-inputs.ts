// What `runbook run` takes from outside the runbook: `--var` values and secret env values, checked.
import {minSecretLength} from '../core/audit/redact.js';
import {allSteps, secretNames, type Runbook} from '../core/runbook/model.js';
import {didYouMean} from '../core/runbook/shape.js';
import {UsageError} from './usage-error.js';
import {matchesPattern} from '../core/runbook/pattern.js';

/** The values of secret env variables, to mask everywhere; too short a secret cannot be masked safely. */
export function secretEnvValues(runbook: Runbook): Array<{name: string; value: string}> {
	const secrets = secretNames(runbook).env.flatMap((name) =>
		process.env[name] ? [{name, value: process.env[name]!}] : [],
	);
	const short = secrets.filter((s) => s.value.length < minSecretLength).map((s) => s.name);
	if (short.length > 0)
		throw new UsageError(
			`secret ${short.map((n) => `\`${n}\``).join(', ')} ${short.length === 1 ? 'is' : 'are'} shorter than ${minSecretLength} characters; runbook cannot mask so short a value without masking ordinary text, so it refuses to run`,
		);
	return secrets;
}

/** `--var k=v` values, checked against the runbook: a known name, and its pattern. */
export function parseVars(runbook: Runbook, given: string[]): Record<string, string> {
	const known = new Map<string, string | undefined>(Object.entries(runbook.vars).map(([k, v]) => [k, v.pattern]));
	for (const step of allSteps(runbook)) if (step.ask) known.set(step.ask.var, step.ask.pattern);
	const secrets = secretNames(runbook).vars;
	const vars: Record<string, string> = {};
	for (const pair of given) {
		const eq = pair.indexOf('=');
		if (eq <= 0) throw new UsageError(`--var ${pair}: expected name=value`);
		const name = pair.slice(0, eq);
		const value = pair.slice(eq + 1);
		if (!known.has(name))
			throw new UsageError(`--var ${name}: the runbook has no var \`${name}\`${didYouMean(name, [...known.keys()])}`);
		const pattern = known.get(name);
		if (pattern !== undefined && !matchesPattern(pattern, value))
			throw new UsageError(
				`--var ${name}: ${secrets.includes(name) ? 'the value' : `\`${value}\``} does not match \`${pattern}\``,
			);
		if (secrets.includes(name) && value.length < minSecretLength)
			throw new UsageError(
				`--var ${name}: a secret must be at least ${minSecretLength} characters; a shorter one cannot be masked safely`,
			);
		vars[name] = value;
	}
	return vars;
}
