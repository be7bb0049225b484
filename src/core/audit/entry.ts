// One session-log line per event: canonical compact JSON with `seq`, `t`, `type`, `prev` first,
// where `prev` is the SHA-256 of the previous line's bytes. Strings in, strings out.
import {createHash} from 'node:crypto';
import type {RunEvent} from '../run/events.js';

export const logFormat = 'runbook-session/1';

/** Line 0 of a session log. */
export type LogHeader = {
	format: typeof logFormat;
	session: string;
	tool: {name: 'runbook'; version: string};
	/** Wall-clock start, as the operator's machine claims it. */
	wall: string;
	runbook: {path: string; sha256: string};
	operator: {user: string; host: string};
	term: {cols: number; rows: number};
	pid: number;
};

export function encodeHeader(header: LogHeader): string {
	const {format, session, tool, wall, runbook, operator, term, pid} = header;
	return JSON.stringify({seq: 0, t: 0, type: 'header', format, session, tool, wall, runbook, operator, term, pid});
}

/** The line for an event: its fields keep the order the event was built in, after the four common ones. */
export function encodeEvent(seq: number, prev: string, event: RunEvent): string {
	const {type, t, ...fields} = event;
	return JSON.stringify({seq, t, type, prev, ...fields});
}

export function hashLine(line: string | Uint8Array): string {
	return createHash('sha256').update(line).digest('hex');
}

export type DecodedLine = {seq: number; prev: string; event: RunEvent};

/** Reads an event line back; undefined for the header. Throws on a line that is not an object. */
export function decodeEvent(line: string): DecodedLine | undefined {
	const {seq, prev, type, ...rest} = JSON.parse(line) as {seq: number; prev: string; type: string; t: number};
	if (type === 'header') return undefined;
	return {seq, prev, event: {type, ...rest} as RunEvent};
}
