// `verify` of a log passed through in chunks, never held whole: most lines are plain events whose
// canonical form a pattern over their bytes proves, so they are neither decoded nor parsed; every
// other line goes through the same checks as verify.ts. It vouches only for a sealed log with no
// problem: anything else (a bad line, a cut, a torn end) gives undefined, and the caller verifies
// the whole file with verifyLog for the exact report. Chunks in, a report or undefined out. Pure.
import {createHash, type Hash} from 'node:crypto';
import {isUtf8} from 'node:buffer';
import {hashLine} from './entry.js';
import {eventTypes} from '../run/events.js';
import {lineProblem, withSession, type Trust, type VerifyReport} from './verify.js';
import {newChainState, type ChainState} from './verify-records.js';
import {buildVerdict} from './verify-verdict.js';

const newline = Buffer.from('\n');

/** Plain events: no check beyond the common one (the checkers' `default`). */
const plainTypes: ReadonlySet<string> = new Set(
	eventTypes.filter((type) => !['approval-requested', 'approval-given', 'approval-rejected'].includes(type)),
);

// What JSON.stringify makes of a flat object of strings, safe integers, booleans and null, the
// four common keys first. A string with an escape JSON.stringify would not write (`\u…`, `\/`)
// does not match, and neither do nested values, fractions or keys that look like indices: those
// lines are parsed and re-encoded instead.
const stringBody = String.raw`[^"\\\x00-\x1f]*(?:\\["\\bfnrt][^"\\\x00-\x1f]*)*`;
const commonHead = /^\{"seq":(0|[1-9]\d{0,14}),"t":(0|[1-9]\d{0,14}),"type":"([a-z-]+)","prev":"([0-9a-f]{64})"/y;
const flatField = new RegExp(
	String.raw`,"([A-Za-z_][A-Za-z0-9_]*)":(?:"${stringBody}"|0|-?[1-9]\d{0,14}|true|false|null)`,
	'y',
);

/**
 * The common fields of a line (bytes read as Latin-1) that is a plain event in exactly the form
 * JSON.stringify gives it, the common keys first; undefined when the pattern cannot prove that.
 */
export function provenPlainEvent(text: string): {seq: number; t: number; type: string; prev: string} | undefined {
	commonHead.lastIndex = 0;
	const head = commonHead.exec(text);
	if (!head || !plainTypes.has(head[3]!)) return undefined;
	const keys = ['seq', 't', 'type', 'prev'];
	let position = commonHead.lastIndex;
	while (position < text.length - 1) {
		flatField.lastIndex = position;
		const field = flatField.exec(text);
		if (!field || keys.includes(field[1]!)) return undefined;
		keys.push(field[1]!);
		position = flatField.lastIndex;
	}
	if (position !== text.length - 1 || text.charCodeAt(position) !== 0x7d) return undefined;
	return {seq: Number(head[1]), t: Number(head[2]), type: head[3]!, prev: head[4]!};
}

/** Feed with `push`, in order, then `finish`. */
export class StreamingVerifier {
	private chain: ChainState | undefined;
	private readonly wholeHash: Hash = createHash('sha512');
	private carry: Buffer[] = [];
	private offset = 0;
	private index = 0;
	private isGivenUp = false;
	/** Lines the pattern proved canonical, neither decoded nor parsed. */
	provenByPattern = 0;

	push(chunk: Buffer): void {
		if (this.isGivenUp) return;
		this.wholeHash.update(chunk);
		let start = 0;
		if (this.carry.length > 0) {
			const end = chunk.indexOf(0x0a);
			if (end === -1) {
				this.carry.push(Buffer.from(chunk));
				return;
			}
			const line = Buffer.concat([...this.carry, chunk.subarray(0, end)]);
			this.carry = [];
			if (!isUtf8(line) || !this.takeLine(line)) return this.giveUp();
			start = end + 1;
		}
		const lastEnd = chunk.lastIndexOf(0x0a);
		if (lastEnd >= start) {
			// Lines end at an ASCII byte, so the run of whole lines is UTF-8 exactly when each line is.
			if (!isUtf8(chunk.subarray(start, lastEnd))) return this.giveUp();
			for (let end = chunk.indexOf(0x0a, start); end !== -1 && end <= lastEnd; end = chunk.indexOf(0x0a, start)) {
				if (!this.takeLine(chunk.subarray(start, end))) return this.giveUp();
				start = end + 1;
			}
		}
		if (start < chunk.length) this.carry.push(Buffer.from(chunk.subarray(start)));
	}

	/** The report of a sealed log with nothing wrong; undefined for any other, to be verified whole. */
	finish(sigText: string | undefined, trust: Trust, expectedSession?: string): VerifyReport | undefined {
		const {chain} = this;
		if (this.isGivenUp || this.carry.length > 0 || !chain?.isSealed) return undefined;
		chain.wholeSha512 = this.wholeHash.digest();
		const report = buildVerdict(chain, undefined, sigText, trust, expectedSession);
		return report.verdict === 'INVALID' ? undefined : withSession(report);
	}

	private giveUp(): void {
		this.isGivenUp = true;
		this.carry = [];
	}

	/** Checks one complete line; false when it is not good. */
	private takeLine(bytes: Buffer): boolean {
		const offset = this.offset;
		const index = this.index++;
		this.offset += bytes.length + 1;
		if (index === 0) {
			if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return false;
			this.chain = newChainState(Buffer.concat([bytes, newline]));
		}
		const chain = this.chain!;
		if (index >= 2 && !chain.isSealed && this.isPlainEventInPlace(chain, bytes, index)) {
			chain.prev = hashLine(bytes);
			chain.previousOffset = offset;
			chain.lines = index + 1;
			this.provenByPattern++;
			return true;
		}
		const line = {index, offset, end: offset + bytes.length, bytes, text: bytes.toString('utf8')};
		return lineProblem(chain, line) === undefined;
	}

	/** A plain event, canonical, with its `seq`, a `t` not before the last and `prev` the chain head. */
	private isPlainEventInPlace(chain: ChainState, bytes: Buffer, index: number): boolean {
		const common = provenPlainEvent(bytes.toString('latin1'));
		if (!common || common.seq !== index || common.prev !== chain.prev || common.t < chain.lastT) return false;
		chain.lastT = common.t;
		return true;
	}
}

/**
 * The streamed report of `bytes` passed through in `chunkBytes` pieces, or undefined where the
 * streaming verifier leaves the log to verifyLog.
 */
export function verifyStreamed(
	bytes: Buffer,
	sigText: string | undefined,
	trust: Trust,
	options: {expectedSession?: string; chunkBytes: number},
): VerifyReport | undefined {
	const streaming = new StreamingVerifier();
	for (let start = 0; start < bytes.length; start += options.chunkBytes)
		streaming.push(bytes.subarray(start, start + options.chunkBytes));
	return streaming.finish(sigText, trust, options.expectedSession);
}
