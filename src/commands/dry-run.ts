// `runbook run --dry-run`, and what a run starts from: the runbook file read and checked, with the
// vars and secrets given from outside. The dry run draws nothing, so it loads no Ink: it is
// one of the quiet commands, and prints its listing in one write.
import {dryRunLines} from '../core/run/dry-run.js';
import type {Runbook} from '../core/runbook/model.js';
import {didYouMean} from '../core/runbook/shape.js';
import {terminalText} from '../core/text/sanitize.js';
import {loadRunbook} from './load-runbook.js';
import {parseVars, secretEnvValues} from './run-inputs.js';
import {UsageError} from './usage-error.js';

export type RunInputOptions = {
	file: string;
	/** `--var NAME=VALUE`, as given. */
	vars: string[];
	/** `--var-file`: secret vars, one `name=value` a line. */
	varFile?: string;
	/** `--from STEP`. */
	from?: string;
};

/** The runbook, its hash, the vars given and the secret env values, each checked; or a UsageError. */
export function loadRunInputs(options: RunInputOptions) {
	const {file, from} = options;
	const {runbook, sha256} = loadRunbook(file);
	const vars = parseVars(runbook, options.vars, {varFile: options.varFile});
	const secrets = secretEnvValues(runbook);
	if (from !== undefined) checkFrom(runbook, from, file);
	return {runbook, sha256, vars, secrets};
}

/** Prints every step as it would run; runs nothing, records nothing. */
export function dryRunCommand(options: RunInputOptions): number {
	const {runbook, vars} = loadRunInputs(options);
	process.stdout.write(`${terminalText(dryRunLines(runbook, vars, options.from).join('\n'))}\n`);
	return 0;
}

/** `--from` names a step of the runbook. */
function checkFrom(runbook: Runbook, from: string, file: string): void {
	const stepIds = runbook.phases.flatMap((phase) => phase.steps.map((step) => step.id));
	if (!stepIds.includes(from))
		throw new UsageError(`--from: no step \`${from}\` in ${file}${didYouMean(from, stepIds)}`);
}
