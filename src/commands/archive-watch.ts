// `watch --archive`: the archived lines are judged as they arrive, as a local watch judges the
// file it follows. Opened only when the archive holds the session and its runner is yours or an
// allowed signer's; then every line must chain to the one before it (seq and prev) and pass
// verify's checks of its record (a checkpoint's signature, an approval request's chain head),
// every identity that takes the session over must be trusted too, and at the seal the whole copy
// is verified. The first line that fails stops the following, with why. Anyone who may write to
// the archive can append a line that keeps the chain without a key, so an end is shown only once
// the seal after it has verified: a planted `session-ended` never reads as the session's end.
import type {LogHeader} from '../core/audit/entry.js';
import type {ReadLog} from '../core/audit/read-log.js';
import {readLogEvents} from '../core/audit/read-log.js';
import {lineProblem, withSession} from '../core/audit/verify.js';
import {buildVerdict} from '../core/audit/verify-verdict.js';
import {newChainState, type ChainState} from '../core/audit/verify-records.js';
import {terminalText} from '../core/text/sanitize.js';
import type {ArchiveTail, LineSource} from '../store/archive/tail.js';
import {requireTrusted, untrustedKey, type SessionTrust} from './session-trust.js';
import {UsageError} from './usage-error.js';

/** How long to wait for the header's attestation when only the header has arrived. */
const attestationWaitMs = 3000;

export class CheckedArchiveLines implements LineSource {
	/** Why no more lines can be trusted; WatchSession stops there and says it. */
	broken: string | undefined;
	/** Lines taken so far: only their count and the chain's state are kept, never the lines. */
	private lineCount = 0;
	private header: LogHeader | undefined;
	/** Lines read while opening, handed on at the first readLines. */
	private pending: string[] = [];
	/** What verify's line checks have established so far. */
	private chain: ChainState | undefined;
	private offset = 0;
	/** From a `session-ended` on, the lines wait for the seal to verify before they are handed on. */
	private held: string[] = [];
	private isEnding = false;
	private lastType: unknown;

	private constructor(
		private readonly tail: ArchiveTail,
		private readonly trust: SessionTrust,
	) {}

	/**
	 * Checks what the archive holds of the session so far; a session it does not hold, or one
	 * signed by a stranger, is a usage error (exit 2) as it is for a local log.
	 */
	static async open(tail: ArchiveTail, trust: SessionTrust): Promise<CheckedArchiveLines> {
		const checked = new CheckedArchiveLines(tail, trust);
		let held = tail.readLines();
		if (held.length === 0) {
			tail.close();
			throw new UsageError(
				`the archive holds no session \`${tail.session}\` (a session is there from its runner's first batch on; \`runbook sessions --archive\` lists them)`,
			);
		}
		// The header and its attestation are written back to back; a batch may have caught only the first.
		for (const deadline = Date.now() + attestationWaitMs; held.length < 2 && Date.now() < deadline;) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			await tail.fetchNow();
			held = [...held, ...tail.readLines()];
		}
		const bytes = Buffer.from(held.map((line) => `${line}\n`).join(''));
		try {
			requireTrusted(readLogEvents(bytes), {bytes}, trust);
		} catch (error) {
			tail.close();
			if (error instanceof UsageError) throw error;
			throw new UsageError(`archive:${tail.session}: ${(error as Error).message}`);
		}
		checked.pending = held;
		return checked;
	}

	readLines(): string[] {
		const arrived = [...this.pending, ...this.tail.readLines()];
		this.pending = [];
		const taken: string[] = [];
		for (const line of arrived) {
			if (this.broken) break;
			this.broken = this.check(line);
			if (this.broken) break;
			this.held.push(line);
			if (this.lastType === 'session-ended') this.isEnding = true;
			if (!this.isEnding || this.lastType === 'seal') taken.push(...this.held.splice(0));
		}
		return taken;
	}

	follow(onGrow: () => void, pollMs?: number): void {
		this.tail.follow(onGrow, pollMs);
	}

	close(): void {
		this.tail.close();
	}

	/** Why `line` cannot be trusted after the lines before it, or undefined. */
	private check(line: string): string | undefined {
		const index = this.lineCount;
		let record: {seq?: unknown; prev?: unknown; type?: unknown; identity?: {key?: unknown}};
		try {
			record = JSON.parse(line) as typeof record;
		} catch {
			return `line ${index} of the archived session is not a log line; stopped following (\`runbook verify SESSION --archive\` says more)`;
		}
		if (index === 0) this.header = record as unknown as LogHeader;
		else if (record.seq !== index || record.prev !== this.chain?.prev)
			return `line ${index} of the archived session does not follow from line ${index - 1}; stopped following (\`runbook verify SESSION --archive\` says more)`;
		const bytes = Buffer.from(line);
		if (index === 0) this.chain = newChainState(Buffer.from(`${line}\n`));
		const problem = lineProblem(this.chain!, {
			index,
			offset: this.offset,
			end: this.offset + bytes.length,
			bytes,
			text: line,
		});
		if (problem) return `line ${index} of the archived session: ${terminalText(problem.reason)}; stopped following`;
		this.offset += bytes.length + 1;
		this.lastType = record.type;
		this.lineCount++;
		if (record.type === 'resume' && typeof record.identity?.key === 'string') {
			const takenOver = {header: this.header, runnerKeys: [record.identity.key]} as ReadLog;
			const reason = untrustedKey(takenOver, this.trust);
			if (reason) return `taken over at line ${index}: ${reason}; stopped following`;
		}
		if (record.type === 'seal') return this.sealVerdict();
		return undefined;
	}

	/** At the seal: the whole archived copy's verdict, from the chain checked line by line; anything but INVALID lets the seal show. */
	private sealVerdict(): string | undefined {
		const trust =
			this.trust.allowedSigners.length > 0
				? {allowedSigners: this.trust.allowedSigners}
				: {ownKeys: this.trust.ownKeys};
		const report = withSession(buildVerdict(this.chain!, undefined, undefined, trust, this.tail.session));
		if (report.verdict !== 'INVALID') return undefined;
		return `the archived session does not verify at its seal: ${report.summary}`;
	}
}
