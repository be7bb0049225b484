// A runbook file, read and checked: what `run` and `validate` start from.
import type {Runbook} from '../core/runbook/model.js';
import {parseRunbook, type LocatedProblem} from '../core/runbook/parse.js';
import {readRunbookFile} from '../store/runbook-file.js';
import {UsageError} from './usage-error.js';

/** Loads and checks a runbook, or throws a UsageError listing every problem as file:line:col. */
export function loadRunbook(file: string): {runbook: Runbook; sha256: string} {
	const read = readRunbookFile(file);
	if (!read.ok) throw new UsageError(`${file}: ${read.problem}`);
	const parsed = parseRunbook(read.text);
	if (!parsed.ok) throw new UsageError(formatProblems(file, parsed.problems));
	return {runbook: parsed.runbook, sha256: read.sha256};
}

/** One `file:line:col: message` line per problem, as editors expect. */
export function formatProblems(file: string, problems: LocatedProblem[]): string {
	return problems.map((p) => `${file}:${p.line}:${p.col}: ${p.message}`).join('\n');
}
