// What `runbook run` takes from outside the runbook: vars (from `--var`, `--var-file` and
// `RUNBOOK_VAR_<name>`) and secret env values, checked. Secrets are best given without argv:
// every local user can read a process's arguments.
import {minSecretLength} from '../core/audit/redact.js';
import {allSteps, secretNames, type Runbook} from '../core/runbook/model.js';
import {didYouMean} from '../core/runbook/shape.js';
import {readVarFile} from '../store/var-file.js';
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

/** The prefix of the environment variables that give secret vars: `RUNBOOK_VAR_db_password`. */
export const varEnvPrefix = 'RUNBOOK_VAR_';

type Given = {name: string; value: string; origin: string};

/**
 * The vars given from outside, checked against the runbook (a known name, its pattern, a
 * secret's length). `--var` is for any var and wins; `--var-file` lines and `RUNBOOK_VAR_<name>`
 * give secret vars only, in that order. A secret given with `--var` gets a warning on stderr.
 */
export function parseVars(
	runbook: Runbook,
	given: string[],
	sources: {varFile?: string | undefined; env?: NodeJS.ProcessEnv} = {},
): Record<string, string> {
	const known = new Map<string, string | undefined>(Object.entries(runbook.vars).map(([k, v]) => [k, v.pattern]));
	for (const step of allSteps(runbook)) if (step.ask) known.set(step.ask.var, step.ask.pattern);
	const secrets = secretNames(runbook).vars;
	const env = sources.env ?? process.env;
	const entries: Given[] = [
		...secrets.flatMap((name) => {
			const value = env[`${varEnvPrefix}${name}`];
			return value === undefined ? [] : [{name, value, origin: `${varEnvPrefix}${name}`}];
		}),
		...(sources.varFile === undefined ? [] : varFileEntries(sources.varFile, secrets)),
		...given.map(flagEntry),
	];
	const vars: Record<string, string> = {};
	for (const {name, value, origin} of entries) {
		if (!known.has(name))
			throw new UsageError(`${origin}: the runbook has no var \`${name}\`${didYouMean(name, [...known.keys()])}`);
		const isSecret = secrets.includes(name);
		const pattern = known.get(name);
		if (pattern !== undefined && !matchesPattern(pattern, value))
			throw new UsageError(`${origin}: ${isSecret ? 'the value' : `\`${value}\``} does not match \`${pattern}\``);
		if (isSecret && value.length < minSecretLength)
			throw new UsageError(
				`${origin}: a secret must be at least ${minSecretLength} characters; a shorter one cannot be masked safely`,
			);
		if (isSecret && origin.startsWith('--var '))
			process.stderr.write(
				`runbook: warning: ${origin} puts a secret in the process list, where every local user can read it; give it with ${varEnvPrefix}${name}, --var-file or at the prompt instead\n`,
			);
		vars[name] = value;
	}
	return vars;
}

function flagEntry(pair: string): Given {
	const eq = pair.indexOf('=');
	if (eq <= 0) throw new UsageError(`--var ${pair}: expected name=value`);
	const name = pair.slice(0, eq);
	return {name, value: pair.slice(eq + 1), origin: `--var ${name}`};
}

/** `name=value` lines; blank lines and `#` comments are skipped. A value is taken as it is, quotes included. */
function varFileEntries(file: string, secrets: string[]): Given[] {
	const read = readVarFile(file);
	if (!read.ok) throw new UsageError(`--var-file ${file} ${read.problem}`);
	const entries: Given[] = [];
	for (const [index, raw] of read.text.split('\n').entries()) {
		const line = raw.replace(/\r$/, '');
		if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
		const origin = `${file}:${index + 1}`;
		const eq = line.indexOf('=');
		if (eq <= 0) throw new UsageError(`${origin}:1: expected name=value`);
		const name = line.slice(0, eq).trim();
		if (!secrets.includes(name))
			throw new UsageError(
				`${origin}:1: \`${name}\` is not a secret var of the runbook; a var file gives secrets only (others go with --var)`,
			);
		entries.push({name, value: line.slice(eq + 1), origin});
	}
	return entries;
}
