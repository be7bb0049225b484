// The pager's reader: a step's output read back from the log, a page at a time.
import {appendFileSync, mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {encodeEvent} from '../../src/core/audit/entry.js';
import {LogOutputIndex} from '../../src/store/output-index.js';

type Out = {step: string; stream: 'out' | 'err' | 'tty'; text: string};

function logWith(records: Out[]): string {
	const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'runbook-pager-')), 'session.jsonl');
	writeFileSync(file, `${JSON.stringify({type: 'header', session: 's'})}\n`);
	appendLog(file, records, 1);
	return file;
}

function appendLog(file: string, records: Out[], firstSeq: number) {
	const lines = records.map((record, at) =>
		encodeEvent(firstSeq + at, 'ab'.repeat(32), {type: 'output-recorded', t: at, ...record, spoolBytes: 10}),
	);
	appendFileSync(file, `${lines.join('\n')}\n`);
}

describe('LogOutputIndex', () => {
	it('reads the last page of a big output, spread over many records, without reading the rest', () => {
		const chunk = (first: number) =>
			Array.from({length: 1000}, (_, at) => `line ${String(first + at).padStart(7, '0')}`).join('\n') + '\n';
		const records: Out[] = [];
		for (let first = 0; first < 200_000; first += 1000)
			records.push({step: 'flood', stream: 'out', text: chunk(first)});
		records.splice(50, 0, {step: 'other', stream: 'out', text: 'not mine\n'});
		const index = new LogOutputIndex(logWith(records));
		expect(index.lineCount('flood')).toBe(200_000);
		expect(index.lines('flood', 199_998, 24).map((l) => l.text)).toEqual(['line 0199998', 'line 0199999']);
		expect(index.lines('flood', 1234, 2).map((l) => l.text)).toEqual(['line 0001234', 'line 0001235']);
		expect(index.lines('other', 0, 5)).toEqual([{text: 'not mine', stream: 'out'}]);
		index.close();
	});

	it('marks stderr lines, and a partial line ends where the other stream begins', () => {
		const index = new LogOutputIndex(
			logWith([
				{step: 's', stream: 'out', text: 'building\nhalf a li'},
				{step: 's', stream: 'err', text: 'warning: disk 91%\n'},
				{step: 's', stream: 'out', text: 'done\n'},
			]),
		);
		expect(index.lines('s', 0, 10)).toEqual([
			{text: 'building', stream: 'out'},
			{text: 'half a li', stream: 'out'},
			{text: 'warning: disk 91%', stream: 'err'},
			{text: 'done', stream: 'out'},
		]);
		index.close();
	});

	it('finds text split across two records, wraps around, and matches what the terminal shows', () => {
		const index = new LogOutputIndex(
			logWith([
				{step: 's', stream: 'out', text: 'alpha\nmigrat'},
				{step: 's', stream: 'out', text: 'ion applied\nbeta "quoted" \\ back\n'},
				{step: 's', stream: 'out', text: 'progress 10%\rprogress 100%\n'},
				{step: 's', stream: 'err', text: 'ERROR: Migration failed\n'},
			]),
		);
		expect(index.lineCount('s')).toBe(5);
		expect(index.lines('s', 1, 1)[0]!.text).toBe('migration applied');
		expect(index.find('s', 'migration')).toBe(1);
		expect(index.find('s', 'migration', 1)).toBe(4);
		expect(index.find('s', 'migration', 4)).toBe(1);
		expect(index.find('s', 'Migration')).toBe(4);
		expect(index.find('s', '"quoted" \\')).toBe(2);
		expect(index.find('s', '10%')).toBeUndefined();
		expect(index.find('s', 'nowhere')).toBeUndefined();
		index.close();
	});

	it('follows a log that grows, and waits for an unfinished last line', () => {
		const file = logWith([{step: 's', stream: 'out', text: 'one\n'}]);
		const index = new LogOutputIndex(file);
		appendLog(file, [{step: 's', stream: 'out', text: 'two\n'}], 2);
		appendFileSync(file, '{"seq":3,"t":5,"type":"output-recorded"');
		index.refresh();
		expect(index.lines('s', 0, 10).map((l) => l.text)).toEqual(['one', 'two']);
		appendFileSync(file, `,"step":"s","stream":"out","text":"three\\n"}\n`);
		index.refresh();
		expect(index.lines('s', 0, 10).map((l) => l.text)).toEqual(['one', 'two', 'three']);
		index.close();
	});

	it("starts a retry's output on a line of its own, after an attempt that ended mid-line", () => {
		const file = logWith([{step: 's', stream: 'out', text: 'connecting... '}]);
		appendFileSync(
			file,
			`${encodeEvent(2, 'ab'.repeat(32), {type: 'command-started', t: 9, step: 's', attempt: 2, command: 'x', cwd: '/'})}\n`,
		);
		appendLog(file, [{step: 's', stream: 'out', text: 'connected\n'}], 3);
		const index = new LogOutputIndex(file);
		expect(index.lines('s', 0, 10).map((l) => l.text)).toEqual(['connecting... ', 'connected']);
		index.close();
	});
});
