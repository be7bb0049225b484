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
	const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
	const complete = text.slice(0, text.lastIndexOf('\n') + 1);
	const lines = complete.split('\n').filter((line) => line !== '');
	const header = readLogHeader(lines[0] ?? '');
	const events: RunEvent[] = [];
	let isSealed = false;
	let runnerPid = header.pid;
	/** The identities that ran the session: the first, then each that took over. */
	const runnerKeys = [header.identity?.key];
	for (const [index, line] of lines.slice(1).entries()) {
		let record: LogRecord & {seq?: number; prev?: string};
		try {
			record = JSON.parse(line) as LogRecord & {seq?: number; prev?: string};
		} catch {
			break;
		}
		if (record.type === 'seal') isSealed = true;
		if (record.type === 'resume') {
			runnerPid = record.pid;
			runnerKeys.push(record.identity?.key);
		}
		if (auditTypes.has(record.type)) continue;
		if (record.type === 'session-started' && !isRunbookShaped((record as {runbook?: unknown}).runbook))
			throw new Error(`line ${index + 1}: its session-started records no runbook`);
		const {seq: _seq, prev: _prev, ...event} = record;
		events.push(event as RunEvent);
	}
	return {
		header,
		events,
		isSealed,
		isTorn: complete.length < text.length,
		runnerPid,
		runnerKeys: runnerKeys.filter((k): k is string => typeof k === 'string'),
	};
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
