// A step's command with its vars filled in: the script that runs, and the text that is shown
// and recorded, where secret values are masked. A secret value never appears in the script: it
// becomes a reference to an environment variable of the step, so it stays out of every argv and
// every file the script is written to. Pure.
import type {Step} from '../runbook/model.js';
import {renderShell, renderText} from '../runbook/template.js';

export type ResolvedCommand = {script: string; display: string; env: Record<string, string>; cwd?: string};

export const mask = '••••••';

/** The environment variable a secret var's value reaches the step's script in. */
export function secretEnvName(name: string): string {
	return `RUNBOOK_SECRET_${name}`;
}

/** `values` holds every var, secret ones too; `secretNames` says which to mask in `display` and pass through `env`. */
export function resolveCommand(
	step: Step,
	values: Record<string, string>,
	secretNames: readonly string[],
): ResolvedCommand {
	const text = step.kind === 'poll' ? step.poll!.run : (step.run ?? '');
	const lookup = (name: string) => values[name];
	const isSecret = (name: string) => secretNames.includes(name) && name in values;
	const masked = (name: string) => (isSecret(name) ? mask : values[name]);
	const referenced = (name: string) => (isSecret(name) ? {envName: secretEnvName(name)} : values[name]);
	const env = Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, renderText(v, lookup)]));
	for (const name of secretNames) if (name in values) env[secretEnvName(name)] = values[name]!;
	return {
		script: renderShell(text, referenced),
		display: renderShell(text, masked),
		env,
		...(step.cwd ? {cwd: renderText(step.cwd, lookup)} : {}),
	};
}
