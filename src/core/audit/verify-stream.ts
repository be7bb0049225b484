// `verify` of a log passed through in chunks, never held whole: most lines are plain events whose
// canonical form their bytes alone prove (canonical-line.ts), so they are neither decoded nor
// parsed; every other line goes through the same checks as verify.ts. It vouches only for a sealed
// log with no problem: anything else (a bad line, a cut, a torn end) gives undefined, and the
// caller verifies the whole file with verifyLog for the exact report. Chunks in, a report or
// undefined out. Pure.
import {createHash, type Hash} from 'node:crypto';
import {isUtf8} from 'node:buffer';
import {hashLine} from './entry.js';
import {
	holdsControlByte,
	provePlainLine,
	proveShapedLine,
	type BackslashScan,
	type PlainHead,
} from './canonical-line.js';
import {lineProblem, withSession, type Trust, type VerifyReport} from './verify.js';
import {newChainState, type ChainState} from './verify-records.js';
import {isSshsigHash, parseSshsig, type SshsigHash} from './sshsig.js';
import {buildVerdict} from './verify-verdict.js';

const newline = Buffer.from('\n');

/**
 * Whether one line (UTF-8 bytes without their newline) is proved a plain event in canonical form
 * by its bytes alone, as the streaming verifier proves it; its common fields when it is.
 */
export function provenPlainEvent(line: Buffer): PlainHead | undefined {
	const bytes = Buffer.concat([line, newline]);
	const head: PlainHead = {seq: 0, t: 0, type: '', prevAt: 0};
	if (line.includes(0x0a) || !isUtf8(line) || holdsControlByte(bytes, 0, line.length)) return undefined;
	if (!provePlainLine(bytes, 0, line.length, head, {nextBackslash: -1})) return undefined;
	return /^[0-9a-f]{64}$/.test(bytes.toString('latin1', head.prevAt, head.prevAt + 64)) ? head : undefined;
}

/**
 * The hash a `.sig` names, which the file is streamed through to check it: SHA-512 when it names
 * none or cannot be read (the verdict then fails the check, and the log is verified whole).
 */
function wholeHashOf(sigText: string | undefined): SshsigHash {
	if (sigText === undefined) return 'sha512';
	try {
		const {hashAlgorithm} = parseSshsig(sigText);
		return isSshsigHash(hashAlgorithm) ? hashAlgorithm : 'sha512';
	} catch {
		return 'sha512';
	}
}

/** Feed with `push`, in order, then `finish`. */
export class StreamingVerifier {
	private chain: ChainState | undefined;
	private readonly wholeHashAlgorithm: SshsigHash;
	private readonly wholeHash: Hash;
	private carry: Buffer[] = [];
	private offset = 0;
	private index = 0;
	private isGivenUp = false;
	private readonly head: PlainHead = {seq: 0, t: 0, type: '', prevAt: 0};
	/** Lines their bytes proved canonical, neither decoded nor parsed. */
	provenByPattern = 0;

	/** `sigText`: the `.sig` beside the log (undefined when there is none); its hash is the one the file is streamed through. */
	constructor(sigText: string | undefined) {
		this.wholeHashAlgorithm = wholeHashOf(sigText);
		this.wholeHash = createHash(this.wholeHashAlgorithm);
	}

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
			// With its newline: the proof of a line stops at it.
			const line = Buffer.concat([...this.carry, chunk.subarray(0, end + 1)]);
			this.carry = [];
			if (!this.takeLines(line, 0, line.length - 1)) return this.giveUp();
			start = end + 1;
		}
		const lastEnd = chunk.lastIndexOf(0x0a);
		if (lastEnd >= start && !this.takeLines(chunk, start, lastEnd)) return this.giveUp();
		start = Math.max(start, lastEnd + 1);
		if (start < chunk.length) this.carry.push(Buffer.from(chunk.subarray(start)));
	}

	/** The report of a sealed log with nothing wrong; undefined for any other, to be verified whole. */
	finish(sigText: string | undefined, trust: Trust, expectedSession?: string): VerifyReport | undefined {
		const {chain} = this;
		if (this.isGivenUp || this.carry.length > 0 || !chain?.isSealed) return undefined;
		chain.wholeDigest = {hashAlgorithm: this.wholeHashAlgorithm, bytes: this.wholeHash.digest()};
		const report = buildVerdict(chain, undefined, sigText, trust, expectedSession);
		return report.verdict === 'INVALID' ? undefined : withSession(report);
	}

	private giveUp(): void {
		this.isGivenUp = true;
		this.carry = [];
	}

	/** The whole lines of `bytes[start, lastEnd]`, the last ending at the newline at `lastEnd`; false when one is not good. */
	private takeLines(bytes: Buffer, start: number, lastEnd: number): boolean {
		// Lines end at an ASCII byte, so the run of whole lines is UTF-8 exactly when each line is.
		if (!isUtf8(bytes.subarray(start, lastEnd)) || holdsControlByte(bytes, start, lastEnd)) return false;
		const scan: BackslashScan = {nextBackslash: -1};
		for (let lineStart = this.takeShapedLines(bytes, start, lastEnd, scan); lineStart <= lastEnd;) {
			const end = bytes.indexOf(0x0a, lineStart);
			if (!this.takeLine(bytes, lineStart, end, scan)) return false;
			lineStart = this.takeShapedLines(bytes, end + 1, lastEnd, scan);
		}
		return true;
	}

	/**
	 * Takes the lines from `start` on while each is a plain event with the shape of the last one
	 * proved in full and its place in the chain; where the first other line starts (after `lastEnd`
	 * when there is none). Every other line is left to takeLine: this loop, which V8 optimizes
	 * while it runs, holds nothing that runs only now and then (a checkpoint would throw that code
	 * away, measured).
	 */
	private takeShapedLines(bytes: Buffer, start: number, lastEnd: number, scan: BackslashScan): number {
		const {chain, head} = this;
		if (!chain || this.index < 2) return start;
		let lineStart = start;
		for (let end = bytes.indexOf(0x0a, lineStart); end !== -1 && end <= lastEnd; end = bytes.indexOf(0x0a, lineStart)) {
			if (
				chain.isSealed ||
				!proveShapedLine(bytes, lineStart, end, head, scan) ||
				!this.isInPlace(chain, bytes, head, this.index)
			)
				return lineStart;
			chain.lastT = head.t;
			chain.prev = hashLine(bytes.subarray(lineStart, end));
			chain.previousOffset = this.offset;
			chain.lines = ++this.index;
			this.offset += end - lineStart + 1;
			this.provenByPattern++;
			lineStart = end + 1;
		}
		return lineStart;
	}

	/** Checks the complete line `bytes[start, end)`; false when it is not good. */
	private takeLine(bytes: Buffer, start: number, end: number, scan: BackslashScan): boolean {
		const offset = this.offset;
		const index = this.index++;
		this.offset += end - start + 1;
		const chain = this.chain;
		if (chain && index >= 2 && !chain.isSealed && this.isPlainEventInPlace(chain, bytes, start, end, scan, index)) {
			chain.prev = hashLine(bytes.subarray(start, end));
			chain.previousOffset = offset;
			chain.lines = index + 1;
			this.provenByPattern++;
			return true;
		}
		const line = bytes.subarray(start, end);
		if (index === 0) {
			if (line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) return false;
			this.chain = newChainState(Buffer.concat([line, newline]));
		}
		const checked = {index, offset, end: offset + line.length, bytes: line, text: line.toString('utf8')};
		return lineProblem(this.chain!, checked) === undefined;
	}

	/** A plain event, canonical, with its `seq`, a `t` not before the last and `prev` the chain head. */
	private isPlainEventInPlace(
		chain: ChainState,
		bytes: Buffer,
		start: number,
		end: number,
		scan: BackslashScan,
		index: number,
	): boolean {
		const {head} = this;
		if (!provePlainLine(bytes, start, end, head, scan) || !this.isInPlace(chain, bytes, head, index)) return false;
		chain.lastT = head.t;
		return true;
	}

	/** Whether the proved line `head` is the next in the chain: its `seq`, a `t` not before the last, `prev` the chain head. */
	private isInPlace(chain: ChainState, bytes: Buffer, head: PlainHead, index: number): boolean {
		return (
			head.seq === index &&
			head.t >= chain.lastT &&
			bytes.toString('latin1', head.prevAt, head.prevAt + 64) === chain.prev
		);
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
	const streaming = new StreamingVerifier(sigText);
	for (let start = 0; start < bytes.length; start += options.chunkBytes)
		streaming.push(bytes.subarray(start, start + options.chunkBytes));
	return streaming.finish(sigText, trust, options.expectedSession);
}
