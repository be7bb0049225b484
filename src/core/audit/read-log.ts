// Reads a session log back into its header and the run's events, for replay, export and the
// session list. Tolerates a torn last line (a crash); `verify` is what judges the log. Pure.
import type {LogHeader} from './entry.js';
import {auditTypes, type LogRecord} from './records.js';
import type {RunEvent} from '../run/events.js';

/** `runnerPid`: the process of the runner that wrote last (the first, or the last to take over). */
export type ReadLog = {
	header: LogHeader;
	events: RunEvent[];
	isSealed: boolean;
	isTorn: boolean;
	runnerPid: number;
	runnerKeys: string[];
};

/** Throws a plain Error with a one-line reason when the bytes are not a session log at all. */
export function readLogEvents(bytes: Uint8Array): ReadLog {
	const reader = new LogEventReader();
	reader.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
	return reader.finish();
}

/**
 * The same reading as readLogEvents, fed in chunks as the log is read: a line is decoded and
 * parsed on its own, so the log is never held whole, as bytes or as one string (for a log of
 * 50 MB, holding it whole costs more than reading it). Feed with `push`, in order, then `finish`.
 */
export class LogEventReader {
	private carry: Buffer[] = [];
	private carryBytes = 0;
	private header: LogHeader | undefined;
	private readonly events: RunEvent[] = [];
	private isSealed = false;
	private runnerPid = 0;
	/** The identities that ran the session: the first, then each that took over. */
	private readonly runnerKeys: (string | undefined)[] = [];
	/** Non-empty lines after the header. */
	private lineNumber = 0;
	private problem: Error | undefined;
	/** Bytes up to the end of the last whole line: where a reader following the log goes on. */
	wholeBytes = 0;
	/** A line that is not JSON was met: nothing after it was read. */
	isBroken = false;

	/** The non-empty whole lines read, the header's included. */
	get linesRead(): number {
		return this.header ? this.lineNumber + 1 : 0;
	}

	push(chunk: Buffer): void {
		let start = 0;
		for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
			const line = chunk.subarray(start, end);
			this.wholeBytes += this.carryBytes + line.length + 1;
			if (this.carry.length > 0) {
				this.take(Buffer.concat([...this.carry, line]));
				this.carry = [];
				this.carryBytes = 0;
			} else this.take(line);
			start = end + 1;
		}
		if (start < chunk.length) {
			// The chunk may be a buffer its reader reuses: what is kept is copied.
			this.carry.push(Buffer.from(chunk.subarray(start)));
			this.carryBytes += chunk.length - start;
		}
	}

	/** Throws a plain Error with a one-line reason when the log is not a session log at all. */
	finish(): ReadLog {
		if (this.problem) throw this.problem;
		if (!this.header) throw new Error('not a session log: no complete header line');
		return {
			header: this.header,
			events: this.events,
			isSealed: this.isSealed,
			isTorn: this.carry.length > 0,
			runnerPid: this.runnerPid,
			runnerKeys: this.runnerKeys.filter((k): k is string => typeof k === 'string'),
		};
	}

	private take(line: Buffer): void {
		if (line.length === 0 || this.problem || this.isBroken) return;
		if (!this.header) {
			try {
				this.header = readLogHeader(line.toString('utf8'));
				this.runnerPid = this.header.pid;
				this.runnerKeys.push(this.header.identity?.key);
			} catch (error) {
				this.problem = error as Error;
			}
			return;
		}
		this.lineNumber++;
		let record: LogRecord & {seq?: number; prev?: string};
		try {
			record = JSON.parse(line.toString('utf8')) as LogRecord & {seq?: number; prev?: string};
		} catch {
			this.isBroken = true;
			return;
		}
		if (record.type === 'seal') this.isSealed = true;
		if (record.type === 'resume') {
			this.runnerPid = record.pid;
			this.runnerKeys.push(record.identity?.key);
		}
		if (auditTypes.has(record.type)) return;
		if (record.type === 'session-started' && !isRunbookShaped((record as {runbook?: unknown}).runbook)) {
			this.problem = new Error(`line ${this.lineNumber}: its session-started records no runbook`);
			return;
		}
		const {seq: _seq, prev: _prev, ...event} = record;
		this.events.push(event as RunEvent);
	}
}

/** The header line, or a plain Error with a one-line reason when it is not one. */
export function readLogHeader(line: string): LogHeader {
	if (line === '') throw new Error('not a session log: no complete header line');
	let header: LogHeader;
	try {
		header = JSON.parse(line) as LogHeader;
	} catch {
		throw new Error('not a session log: the first line is not JSON');
	}
	if ((header as {type?: string}).type !== 'header')
		throw new Error('not a session log: the first line is not a header');
	return header;
}

/** Enough of a runbook that replaying it cannot fail on a missing part: an object with a list of phases. */
export function isRunbookShaped(value: unknown): boolean {
	if (typeof value !== 'object' || value === null) return false;
	const {phases, rollback} = value as {phases?: unknown; rollback?: unknown};
	return Array.isArray(phases) && (rollback === undefined || Array.isArray(rollback));
}
