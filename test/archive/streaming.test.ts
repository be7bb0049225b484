// Live streaming to the archive: the log is appended at full speed whatever the database does;
// lines wait in the session folder while it is down and go when it is back; the archive ends
// byte for byte equal to the log.
import {existsSync, mkdtempSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect} from 'vitest';
import {Archive} from '../../src/store/archive/client.js';
import {ArchiveSender, readMarker} from '../../src/store/archive/sender.js';
import {archiveClusterPerFile, itWithPostgres} from '../helpers/pg-cluster.js';
import {openSignedLog} from '../helpers/signed-log.js';
import type {SessionLog} from '../../src/store/session-log.js';

const fixture = archiveClusterPerFile();

async function newLog(session: string) {
	const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'runbook-archive-')), session);
	const log = await openSignedLog(dir, {session, wall: '2026-11-30T09:00:00.000Z'});
	return {dir, log, file: path.join(dir, 'session.jsonl')};
}

const chunk = (index: number) => `line ${index} ${'x'.repeat(4000)}\n`;

function appendOutput(log: SessionLog, from: number, to: number): number {
	const started = performance.now();
	for (let index = from; index < to; index++)
		log.append({type: 'output-recorded', t: index * 1000, step: 'migrate', stream: 'out', text: chunk(index)});
	return performance.now() - started;
}

function sender(dir: string, session: string) {
	return new ArchiveSender({url: fixture.cluster!.url, dir, session, batchMs: 5, retryMs: 20, maxRetryMs: 200}).start();
}

describe('streaming to the archive', () => {
	itWithPostgres(
		'has the signature archived once a drain asked for after the seal says all is sent',
		async () => {
			// The seal's line reaches the archive before its .sig is on disk; a pass of the sender
			// that looked for the .sig then must not answer a drain asked for after the seal.
			for (let round = 0; round < 12; round++) {
				const session = `s-sig-${round}`;
				const {dir, log, file} = await newLog(session);
				const streaming = sender(dir, session);
				log.onWrite((seq) => streaming.poke(seq));
				appendOutput(log, 0, 3);
				await log.seal(9_000);
				log.close();
				expect(await streaming.drain(5_000)).toBe(true);
				expect(await fixture.admin.signature(session)).toBe(readFileSync(`${file}.sig`, 'utf8'));
				await streaming.close();
			}
		},
		60_000,
	);

	itWithPostgres(
		'goes on while PostgreSQL is stopped mid-run, and catches up byte for byte after it restarts',
		async () => {
			const {dir, log, file} = await newLog('s-fault');
			const streaming = sender(dir, 's-fault');
			log.onWrite((seq) => streaming.poke(seq));
			appendOutput(log, 0, 300);
			expect(await streaming.drain(10_000)).toBe(true);

			fixture.cluster!.stop();
			const whileDownMs = appendOutput(log, 300, 600);
			await log.seal(700_000);
			log.close();
			// The appends never waited for the database: 300 lines of 4 KB in well under a second.
			expect(whileDownMs).toBeLessThan(1000);
			expect(await streaming.drain(300)).toBe(false);
			const behind = streaming.status();
			expect(behind.written - behind.archived).toBeGreaterThanOrEqual(300);
			expect(behind.problem).toMatch(/cannot reach the archive|terminat|ECONNREFUSED/);

			fixture.cluster!.restart();
			await fixture.admin.close();
			fixture.admin = await Archive.connect(fixture.cluster!.url);
			expect(await streaming.drain(15_000)).toBe(true);
			await streaming.close();
			expect((await fixture.admin.sessionBytes('s-fault')).equals(readFileSync(file))).toBe(true);
			expect(readMarker(dir).archived).toBe(streaming.status().written);
		},
		60_000,
	);

	itWithPostgres(
		'leaves unsent lines pending in the session folder, for a later sender to push',
		async () => {
			const {dir, log, file} = await newLog('s-pending');
			const first = sender(dir, 's-pending');
			log.onWrite((seq) => first.poke(seq));
			appendOutput(log, 0, 50);
			expect(await first.drain(10_000)).toBe(true);
			await first.close();
			appendOutput(log, 50, 120);
			await log.seal(200_000);
			log.close();
			// Header, attestation, 50 lines of output and their checkpoints are archived; the rest waits.
			const pending = readMarker(dir);
			expect(await fixture.admin.lastSeq('s-pending')).toBe(pending.archived);
			const rest = readFileSync(file).subarray(pending.offset).toString();
			expect(rest.slice(0, rest.indexOf('\n'))).toMatch(/^\{"seq":\d+,.*"text":"line 50 x/);

			const push = sender(dir, 's-pending');
			expect(await push.drain(10_000)).toBe(true);
			await push.close();
			expect((await fixture.admin.sessionBytes('s-pending')).equals(readFileSync(file))).toBe(true);
			// Pushing again sends nothing new and is not an error.
			const again = sender(dir, 's-pending');
			expect(await again.drain(10_000)).toBe(true);
			expect(again.status().problem).toBeUndefined();
			await again.close();
		},
		60_000,
	);

	itWithPostgres(
		"keeps the server's memory between batches: 64 kB lines in 4 MiB batches cost its process few page faults",
		async () => {
			const archive = await Archive.connect(fixture.cluster!.url);
			try {
				const pid = (await archive.query<{pid: number}>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
				const statFile = `/proc/${pid}/stat`;
				if (!existsSync(statFile)) return; // Not Linux: nothing to count with.
				// minflt, the 10th field; the command name before it is in parentheses.
				const faults = () => Number(readFileSync(statFile, 'utf8').split(') ')[1]!.split(' ')[7]);
				const header = JSON.stringify({
					seq: 0,
					t: 0,
					type: 'header',
					session: 's-heap',
					wall: '2026-11-30T09:00:00Z',
					runbook: {path: 'deploy.yaml'},
					operator: {user: 'alice', host: 'jump'},
				});
				await archive.append('s-heap', 0, [Buffer.from(header)]);
				// Lines as a step's output records them: 64 kB of numbered lines, each a row of its own.
				const line = (seq: number) =>
					`{"seq":${seq},"type":"output-recorded","text":"${Array.from({length: 640}, (_, index) => String(seq * 640 + index).padStart(100, '0')).join('\\n')}"}`;
				let seq = 1;
				const sendBatch = async () => {
					const lines = Array.from({length: 64}, () => line(seq++));
					const chunk = Buffer.from(`${lines.join('\n')}\n`);
					const lineEnds: number[] = [];
					for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) lineEnds.push(at);
					await archive.appendChunk('s-heap', seq - 64, chunk, lineEnds);
				};
				await sendBatch();
				const before = faults();
				for (let batch = 0; batch < 4; batch++) await sendBatch();
				// A process that gives its heap back after each batch faults on every page of the next
				// (about 1,000 a batch); one that keeps it faults only on new pages of the table.
				expect((faults() - before) / 4).toBeLessThan(300);
				expect(await archive.lastSeq('s-heap')).toBe(seq - 1);
			} finally {
				await archive.close();
			}
		},
		60_000,
	);
});
