// Replay and watch read a log once, in chunks, a line at a time: what they show must be what the
// whole log holds, wherever a chunk happens to end, and a late watcher follows from where that
// reading stopped, showing each event once.
import {appendFileSync, readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {LogEventReader} from '../../src/core/audit/read-log.js';
import type {RunEvent} from '../../src/core/run/events.js';
import {foldEvents} from '../../src/core/run/reduce.js';
import {WatchSession} from '../../src/session/watch.js';
import {tourWithSlowOutput} from '../helpers/replay-events.js';
import {writeLog} from '../helpers/signed-log.js';

/** The tour, with output that holds characters of two, three and four bytes. */
function tourWithWideOutput(): RunEvent[] {
	return tourWithSlowOutput().map((event, index) =>
		event.type === 'output-recorded' ? {...event, text: `é ✓ 🚀 ${index}\n${event.text}`} : event,
	);
}

function readInChunks(bytes: Buffer, chunkBytes: number): LogEventReader {
	const reader = new LogEventReader();
	// One reused buffer, as the store's streaming read hands them over.
	const reused = Buffer.alloc(chunkBytes);
	for (let start = 0; start < bytes.length; start += chunkBytes) {
		const length = bytes.copy(reused, 0, start, start + chunkBytes);
		reader.push(reused.subarray(0, length));
	}
	return reader;
}

describe('a log read in chunks', () => {
	it('gives every event as recorded, wherever a chunk ends (inside a line, inside a character)', async () => {
		const events = tourWithWideOutput();
		const {bytes} = await writeLog(events);
		for (const chunkBytes of [1, 7, 100, 4096, bytes.length]) {
			const read = readInChunks(bytes, chunkBytes).finish();
			expect(read.events).toEqual(events);
			expect(read.isSealed).toBe(true);
			expect(read.isTorn).toBe(false);
		}
	});

	it('stops at the last whole line of a log cut short, and says how far that is', async () => {
		const {bytes} = await writeLog(tourWithWideOutput(), {isSealed: false});
		const cut = bytes.length - 10;
		const reader = readInChunks(bytes.subarray(0, cut), 33);
		const read = reader.finish();
		expect(read.isTorn).toBe(true);
		expect(reader.wholeBytes).toBe(bytes.lastIndexOf(0x0a, cut - 1) + 1);
		expect(reader.linesRead).toBe(bytes.subarray(0, reader.wholeBytes).toString('utf8').split('\n').length - 1);
	});
});

describe('a watcher joining late', () => {
	it('shows what was read already once, then what the runner writes after', async () => {
		const events = tourWithWideOutput();
		const ended = events.findIndex((event) => event.type === 'session-ended');
		const {file, bytes} = await writeLog(events.slice(0, ended), {isSealed: false});
		const reader = readInChunks(bytes, 1000);
		const read = reader.finish();
		const watch = new WatchSession(file, Date.now, {
			header: read.header,
			events: read.events,
			state: foldEvents(read.events),
			isSealed: read.isSealed,
			wholeBytes: reader.wholeBytes,
			lines: reader.linesRead,
		});
		const seen: RunEvent[] = [];
		watch.onEvent((event) => seen.push(event));
		watch.start();
		expect(seen).toEqual(events.slice(0, ended));
		expect(watch.snapshot().state.ended).toBeUndefined();
		// The runner goes on: a line it writes after the watcher joined is followed.
		const lastLine = JSON.stringify({seq: 9999, ...events[ended]!, prev: '0'.repeat(64)});
		appendFileSync(file, `${lastLine}\n`);
		await new Promise<void>((resolve) => watch.subscribe(() => resolve()));
		watch.stop();
		expect(seen.at(-1)).toMatchObject({type: 'session-ended'});
		expect(seen).toHaveLength(ended + 1);
		expect(watch.snapshot().state.ended).toBeDefined();
		expect(readFileSync(file).length).toBeGreaterThan(bytes.length);
	});
});
