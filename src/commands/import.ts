// `runbook import CHECKLIST.md [-o FILE]`: the draft as YAML, checked by the same loader as any
// runbook; what was made and every guess on stderr.
import path from 'node:path';
import {stringify} from 'yaml';
import {importChecklist, type ImportReport} from '../core/import/checklist.js';
import {parseRunbook} from '../core/runbook/parse.js';
import {readTextFile} from '../store/runbook-file.js';
import {writeOutputFile} from '../store/output-file.js';
import {UsageError} from './usage-error.js';

export function importCommand(options: {file: string; output?: string}): number {
	const read = readTextFile(options.file, {what: 'checklist', kind: 'Markdown checklist'});
	if (!read.ok) throw new UsageError(`${options.file}: ${read.problem}`);
	const imported = importChecklist(read.text, {
		fallbackName: path.basename(options.file, path.extname(options.file)),
	});
	if (!imported.ok) throw new UsageError(`${options.file}: ${imported.problem}`);
	const {runbook, report} = imported;
	const yaml = `# Imported from ${path.basename(options.file)} by \`runbook import\`. Review it: the guesses are listed on stderr.\n${stringify(runbook, {lineWidth: 0, blockQuote: 'literal'})}`;
	const parsed = parseRunbook(yaml);
	// The importer's own output must load; if not, that is a bug in runbook, not in the checklist.
	if (!parsed.ok)
		throw new Error(
			`the imported runbook does not load: ${parsed.problems.map((p) => `${p.line}:${p.col}: ${p.message}`).join('; ')}`,
		);
	if (options.output !== undefined) {
		const written = writeOutputFile(options.output, yaml, {isNew: true});
		if (!written.ok) throw new UsageError(`-o ${options.output}: ${written.problem}`);
	} else process.stdout.write(yaml);
	process.stderr.write(summary(options.file, options.output, report));
	return 0;
}

function summary(file: string, output: string | undefined, report: ImportReport): string {
	const kinds = Object.entries(report.steps)
		.map(([kind, n]) => `${n} ${kind}`)
		.join(', ');
	return [
		`runbook: imported ${file}${output ? ` into ${output}` : ''}: ${report.phases} phases; steps: ${kinds}; ${report.vars} vars, ${report.env} env preconditions, ${report.rollback} rollback steps, ${report.signoff} sign-off roles${report.mojibakeRepaired > 0 ? `; repaired ${report.mojibakeRepaired} garbled characters (UTF-8 read as Mac Roman)` : ''}`,
		`  safety: ${report.typed} typed confirmations, ${report.interactive} interactive, ${report.follows} bounded by \`for\`; target ${report.target ? `\`${report.target}\`` : 'none (typed confirmations ask for the step id)'}; first step that changes things: ${report.firstChange ? `\`${report.firstChange}\`` : 'none found'}; ${report.guesses.length} guesses to review`,
		...report.guesses.map((g) => `  guess: ${g}`),
		'',
	].join('\n');
}
