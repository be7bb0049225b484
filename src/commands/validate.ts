// `runbook validate`: checks runbook files without running them; every problem as file:line:col.
import {terminalText} from '../core/text/sanitize.js';
import {loadRunbook} from './load-runbook.js';
import {UsageError} from './usage-error.js';

/** One line per file: valid with its size, or its problems on stderr. Exit 2 when any is not valid. */
export function validateCommand(files: string[]): number {
	if (files.length === 0) throw new UsageError('`runbook validate` needs at least one FILE');
	let isAllValid = true;
	for (const file of files) {
		try {
			const {runbook} = loadRunbook(file);
			const steps = runbook.phases.reduce((count, phase) => count + phase.steps.length, 0);
			process.stdout.write(`${file}: valid (${runbook.phases.length} phases, ${steps} steps)\n`);
		} catch (error) {
			if (!(error instanceof UsageError)) throw error;
			isAllValid = false;
			process.stderr.write(`${terminalText(error.message)}\n`);
		}
	}
	return isAllValid ? 0 : 2;
}
