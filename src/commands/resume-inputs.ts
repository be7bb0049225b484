// What a resume needs from the person before it takes over: the inputs the session lacks, and a
// look at a recorded runbook that no file on disk can vouch for.
import {stringify} from 'yaml';
import {hasVar} from '../core/run/next.js';
import {rollbackOnlyVars, stepVarNames} from '../core/run/var-use.js';
import {findStep, secretNames, type Runbook} from '../core/runbook/model.js';
import {terminalText} from '../core/text/sanitize.js';
import {askLine} from '../ui/ask-line.js';
import type {ResumePlan} from './resume-plan.js';
import {UsageError} from './usage-error.js';

/**
 * What the session lacks to go on, said as the end of "session ID …"; undefined when nothing.
 * A declared secret environment variable must be set (unset, its value could not be masked);
 * without a terminal, every var must have a value: given now, recorded, or a default (but one only
 * the rollback uses, which the run asks when a rollback needs it).
 */
export function missingResumeInputs(
	plan: ResumePlan,
	runbook: Runbook,
	vars: Record<string, string>,
	options: {isInteractive: boolean; env?: NodeJS.ProcessEnv},
): string | undefined {
	const env = options.env ?? process.env;
	const unsetEnv = secretNames(runbook).env.filter((name) => !env[name]);
	if (unsetEnv.length > 0)
		return `needs the secret environment variable ${names(unsetEnv)}, which ${unsetEnv.length === 1 ? 'is' : 'are'} not set; set ${unsetEnv.length === 1 ? 'it' : 'them'} in the environment (secrets are never stored, and an unset one could not be masked)`;
	if (options.isInteractive) return undefined;
	const reask = plan.reask.filter((name) => vars[name] === undefined);
	if (reask.length > 0)
		return `needs ${names(reask)} again (secrets are never stored); give ${reask.length === 1 ? 'it' : 'them'} with --var, or resume in a terminal`;
	// A var only the rollback uses is asked when a rollback needs it; the run says so then, if it must.
	const rollbackOnly = rollbackOnlyVars(runbook);
	const unset = Object.entries(runbook.vars)
		.filter(
			([name, spec]) =>
				!hasVar(plan.state, name) &&
				!rollbackOnly.includes(name) &&
				vars[name] === undefined &&
				spec.default === undefined,
		)
		.map(([name]) => name);
	if (unset.length > 0)
		return `stopped before it recorded ${names(unset)}; give ${unset.length === 1 ? 'it' : 'them'} with ${unset.map((n) => `--var ${n}=...`).join(' ')}, or resume in a terminal`;
	// Mid-rollback, refused here rather than by the run: a run that stops for it would seal the session.
	const rollback = plan.state.rollback;
	const ahead = rollback
		? rollback.steps.slice(rollback.done).flatMap((id) => stepVarNames(findStep(runbook, id)!))
		: [];
	const needed = rollbackOnly.filter(
		(name) =>
			ahead.includes(name) &&
			!hasVar(plan.state, name) &&
			vars[name] === undefined &&
			runbook.vars[name]?.default === undefined,
	);
	if (needed.length > 0)
		return `is rolling back, and its rollback needs ${names(needed)}; give ${needed.length === 1 ? 'it' : 'them'} with ${needed.map((n) => `--var ${n}=...`).join(' ')}, or resume in a terminal`;
	return undefined;
}

/**
 * The runbook file cannot vouch for the recorded runbook (it is gone or unreadable), so the person
 * resuming reads all of it and types a confirmation. Never under `--yes` or without a terminal.
 */
export async function confirmUnverifiedRunbook(
	plan: ResumePlan,
	isPreApproved: boolean,
	isInteractive: boolean,
): Promise<boolean> {
	const id = plan.read.header.session;
	const why = `${plan.fileNote}, so no file with its SHA-256 vouches for the runbook recorded in session ${id}`;
	if (isPreApproved) throw new UsageError(`${why}; --yes never runs it: resume in a terminal to read it and confirm`);
	if (!isInteractive) throw new UsageError(`${why}; resume in a terminal to read it and confirm`);
	process.stdout.write(
		`${terminalText(why)}. This is what it runs:\n\n${terminalText(stringify(plan.state.runbook))}\n`,
	);
	return (
		(await askLine('Type `run recorded` to go on with the recorded runbook (anything else stops): ')) === 'run recorded'
	);
}

const names = (list: string[]) => list.map((name) => `\`${name}\``).join(', ');
