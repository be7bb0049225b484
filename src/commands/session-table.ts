// The table `runbook sessions` prints, local or from the archive: a module of its own so that
// `sessions --archive` loads only this, the archive client and its query.
import {clock} from '../core/time.js';
import {terminalText} from '../core/text/sanitize.js';

export type SessionRow = {
	id: string;
	runbook: string;
	operator: string;
	start: string;
	durationMs: number;
	outcome: string;
	verdict: string;
	log: string;
};

/** The rows as aligned columns, safe for a terminal. */
export function sessionTable(rows: SessionRow[]): string {
	const table = [
		['SESSION', 'STARTED', 'DURATION', 'OUTCOME', 'VERDICT', 'OPERATOR', 'RUNBOOK'],
		// Names and messages come from the logs: shown, never passed to the terminal.
		...rows.map((r) =>
			[
				r.id,
				r.start.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
				clock(r.durationMs * 1000),
				r.outcome,
				r.verdict,
				r.operator,
				r.runbook,
			].map((cell) => terminalText(cell).replace(/\n/g, ' ')),
		),
	];
	const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
	return `${table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}
