// Verifies a session log: every line canonical and chained, the header attested by the identity,
// every checkpoint and the seal signed, the whole-file signature, and whether the signer is
// trusted. Bytes in, a verdict out. Pure. The line reader is verify-lines.ts, the checker of each
// kind of record verify-records.ts, and the verdict builder verify-verdict.ts.
import {LineReader, parseLogRecord} from './verify-lines.js';
import {checkRecord, newChainState, type ChainState} from './verify-records.js';
import {buildVerdict} from './verify-verdict.js';
import {invalidReport, type Trust, type VerifyReport} from './verify-report.js';

export {
	verdictExitCodes,
	type ApproverReport,
	type SignerReport,
	type Trust,
	type Verdict,
	type VerifyReport,
} from './verify-report.js';

/**
 * `sigText`: session.jsonl.sig beside the log, when there is one. `expectedSession`: the session
 * id the log was asked for (its id or directory), which its header must name.
 */
export function verifyLog(
	bytes: Uint8Array,
	sigText: string | undefined,
	trust: Trust,
	options: {expectedSession?: string} = {},
): VerifyReport {
	return withSession(
		verifyBytes(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), sigText, trust, options),
	);
}

/** The report's one line names the session, when the log says which. */
export function withSession(report: VerifyReport): VerifyReport {
	return report.session === undefined ? report : {...report, summary: `${report.summary} · session ${report.session}`};
}

function verifyBytes(
	data: Buffer,
	sigText: string | undefined,
	trust: Trust,
	options: {expectedSession?: string},
): VerifyReport {
	// Cut at byte 0 with no seal beside it: the writer stopped between creating the file and writing its header.
	if (data.length === 0 && sigText === undefined)
		return {
			verdict: 'INCOMPLETE',
			summary: 'INCOMPLETE: the log is empty; the session stopped as it began, before anything was recorded',
			lines: 0,
			isSealed: false,
			warnings: [],
		};
	if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf)
		return invalidReport(newChainState(data), {line: 0, offset: 0, reason: 'a byte-order mark before the header'});
	const chain = newChainState(data);
	const reader = new LineReader(data);
	for (let line = reader.next(); line !== undefined; line = reader.next()) {
		const problem = lineProblem(chain, line);
		if (problem) return invalidReport(chain, problem);
	}
	return buildVerdict(chain, reader.tornAtOffset, sigText, trust, options.expectedSession);
}

/** Why the next line is bad, with where; undefined when it is good (and now part of the chain). */
export function lineProblem(
	chain: ChainState,
	line: NonNullable<ReturnType<LineReader['next']>>,
): {line: number; offset: number; reason: string} | undefined {
	const at = {line: line.index, offset: line.offset};
	if (chain.isSealed) return {...at, reason: 'a line after the seal'};
	if ('reason' in line) return {...at, reason: line.reason};
	const parsed = parseLogRecord(line);
	if ('reason' in parsed) return {...at, reason: parsed.reason};
	const problem = checkRecord(chain, line, parsed.record);
	return problem && {...at, ...problem};
}
