// A session log's events read one line at a time from its bytes, each time the events are
// walked: a document written from a log with 50 MB of output never holds that output as
// strings all at once. Same reading as read-log.ts (a torn or unparsable line ends the events);
// `verify` is what judges the log. Pure.
import type {LogHeader} from './entry.js';
import {isRunbookShaped, readLogHeader} from './read-log.js';
import {auditTypes, type LogRecord} from './records.js';
import type {RunEvent} from '../run/events.js';

/** The header, read now (a plain Error with a one-line reason when it is not a log); the events, read on each walk. */
export function streamLogEvents(bytes: Uint8Array): {header: LogHeader; events: Iterable<RunEvent>} {
	const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const firstEnd = buffer.indexOf(0x0a);
	const header = readLogHeader(firstEnd === -1 ? '' : buffer.toString('utf8', 0, firstEnd));
	return {
		header,
		events: {
			*[Symbol.iterator]() {
				let lineNumber = 0;
				for (let start = firstEnd + 1, end = buffer.indexOf(0x0a, start); end !== -1;) {
					lineNumber++;
					let record: LogRecord & {seq?: number; prev?: string};
					try {
						record = JSON.parse(buffer.toString('utf8', start, end)) as LogRecord & {seq?: number; prev?: string};
					} catch {
						return;
					}
					start = end + 1;
					end = buffer.indexOf(0x0a, start);
					if (auditTypes.has(record.type)) continue;
					if (record.type === 'session-started' && !isRunbookShaped((record as {runbook?: unknown}).runbook))
						throw new Error(`line ${lineNumber}: its session-started records no runbook`);
					const {seq: _seq, prev: _prev, ...event} = record;
					yield event as RunEvent;
				}
			},
		},
	};
}
