// A local log against the team archive's copy of it: every line both hold must be the same
// bytes, and the archive must not hold more. A log shorter than what the archive already
// received was cut after the fact, not by a crash: that is INVALID, whatever the file says. Pure.
import type {Problem, VerifyReport} from './verify-report.js';

/** The first way the local log disagrees with the archive's lines, if any. */
export function compareWithArchive(local: Buffer, archived: Buffer[]): Problem | undefined {
	let offset = 0;
	let index = 0;
	for (; index < archived.length; index++) {
		const end = local.indexOf(0x0a, offset);
		// A torn last line (no newline) is no line: the archive only ever receives whole ones.
		if (end === -1) break;
		if (!local.subarray(offset, end).equals(archived[index]!))
			return {line: index, offset, reason: `line ${index} differs from the archive's copy`};
		offset = end + 1;
	}
	if (index >= archived.length) return undefined;
	return {line: index, offset, reason: beyondEnd(archived, index)};
}

function beyondEnd(archived: Buffer[], from: number): string {
	for (let index = from; index < archived.length; index++) {
		const type = typeOf(archived[index]!);
		if (type === 'checkpoint') return `the archive holds checkpoint ${index} beyond the end of this file`;
		if (type === 'seal') return `the archive holds the seal (line ${index}) beyond the end of this file`;
	}
	const last = archived.length - 1;
	return `the archive holds ${last === from ? `line ${from}` : `lines ${from}–${last}`} beyond the end of this file`;
}

/** The record type of an encoded line, without parsing its (possibly large) text. */
function typeOf(line: Buffer): string | undefined {
	return /"type":"([a-z-]+)"/.exec(line.subarray(0, 200).toString('utf8'))?.[1];
}

/** The report of `verify --archive`: the archive's finding, when it has one, outranks the file's own verdict. */
export function withArchiveFinding(report: VerifyReport, problem: Problem | undefined): VerifyReport {
	if (!problem) return report;
	const session = report.session ? ` · session ${report.session}` : '';
	return {
		...report,
		verdict: 'INVALID',
		summary: `INVALID: line ${problem.line} (byte ${problem.offset}): ${problem.reason}${session}`,
		problem,
		isSealed: false,
	};
}
