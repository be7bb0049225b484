// A step's command with its vars filled in: the script that runs, and the text that is shown
// and recorded, where secret values are masked. Pure.
import type {Step} from '../runbook/model.js';
import {renderShell, renderText} from '../runbook/template.js';

export type ResolvedCommand = {script: string; display: string; env: Record<string, string>; cwd?: string};

export const mask = '••••••';

/** `values` holds every var, secret ones too; `secretNames` says which to mask in `display`. */
export function resolveCommand(
	step: Step,
	values: Record<string, string>,
	secretNames: readonly string[],
): ResolvedCommand {
	const text = step.kind === 'poll' ? step.poll!.run : (step.run ?? '');
	const lookup = (name: string) => values[name];
	const masked = (name: string) => (secretNames.includes(name) && name in values ? mask : values[name]);
	const env = Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, renderText(v, lookup)]));
	return {
		script: renderShell(text, lookup),
		display: renderShell(text, masked),
		env,
		...(step.cwd ? {cwd: renderText(step.cwd, lookup)} : {}),
	};
}
