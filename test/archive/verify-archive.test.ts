// `verify --archive` and `sessions --archive` against a real PostgreSQL: a log cut after its
// lines reached the archive is INVALID and the checkpoint is named; without the local file the
// archive's copy verifies on its own; a thousand sessions list newest first, filtered.
import {mkdtempSync, readFileSync, rmSync, truncateSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, vi} from 'vitest';
import {ed25519Blob} from '../../src/core/audit/ssh-wire.js';
import type {RunEvent} from '../../src/core/run/events.js';
import {verifyArchivedCommand, verifyWithArchive} from '../../src/commands/archive-read.js';
import {Archive} from '../../src/store/archive/client.js';
import {ArchiveSender} from '../../src/store/archive/sender.js';
import {listArchivedSessions, verdictCell} from '../../src/store/archive/sessions.js';
import {itWithPostgres, TestCluster} from '../helpers/pg-cluster.js';
import {identityKey, writeLog} from '../helpers/signed-log.js';

const session = '20261122T090000Z-golden';
const trust = {ownKeys: [ed25519Blob(identityKey)]};
let cluster: TestCluster | undefined;
let admin: Archive;
let sessions: string;
let logFile: string;

// Output over 30 s of a step: a checkpoint is signed at least every 5 s of it.
const events: RunEvent[] = [
	{type: 'step-started', t: 1, step: 'migrate'},
	...Array.from({length: 8}, (_, index): RunEvent => ({
		type: 'output-recorded',
		t: 1 + (index + 1) * 6_000_000,
		step: 'migrate',
		stream: 'out',
		text: `batch ${index}\n`,
	})),
];

beforeAll(async () => {
	cluster = TestCluster.start();
	if (!cluster) return;
	admin = await Archive.connect(cluster.url);
	await admin.init();
	sessions = mkdtempSync(path.join(os.tmpdir(), 'runbook-sessions-'));
	const dir = path.join(sessions, session);
	logFile = (await writeLog(events, {dir})).file;
	const sender = new ArchiveSender({url: cluster.url, dir, session, batchMs: 5}).start();
	expect(await sender.drain(10_000)).toBe(true);
	await sender.close();
}, 60_000);

afterAll(async () => {
	await admin?.close();
	cluster?.destroy();
});

describe('verify --archive', () => {
	itWithPostgres('is VALID when the log and the archive agree', async () => {
		const {report, archivedLines} = await verifyWithArchive(admin, {session, sessions, trust});
		expect(report.verdict).toBe('VALID');
		expect(archivedLines).toBe(readFileSync(logFile, 'utf8').split('\n').length - 1);
	});

	itWithPostgres('names the checkpoint the archive holds beyond the end of a log cut short', async () => {
		const whole = readFileSync(logFile);
		const lines = whole.toString('utf8').split('\n').slice(0, -1);
		// Cut just after the third output line: the checkpoint signed after it is gone from the file.
		const cutAfter = lines.findIndex((line) => line.includes('batch 2'));
		const checkpoint = lines.findIndex((line, index) => index > cutAfter && line.includes('"type":"checkpoint"'));
		const cutBytes = lines.slice(0, cutAfter + 1).join('\n').length + 1;
		truncateSync(logFile, cutBytes);
		rmSync(`${logFile}.sig`);
		try {
			const {report} = await verifyWithArchive(admin, {session, sessions, trust});
			expect(report.verdict).toBe('INVALID');
			expect(report.summary).toBe(
				`INVALID: line ${cutAfter + 1} (byte ${cutBytes}): the archive holds checkpoint ${checkpoint} beyond the end of this file · session ${session}`,
			);
		} finally {
			const {writeFileSync} = await import('node:fs');
			writeFileSync(logFile, whole);
		}
	});

	itWithPostgres('verifies the archive copy alone when there is no local file', async () => {
		const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'runbook-empty-'));
		const {report, file} = await verifyWithArchive(admin, {session, sessions: elsewhere, trust});
		expect(file).toBe(`archive:${session}`);
		expect(report.verdict).toBe('VALID');
		expect(report.warnings).toEqual([]);
	});
});

describe('sessions --archive', () => {
	itWithPostgres(
		'lists a thousand sessions newest first, and filters them',
		async () => {
			const header = (index: number) =>
				Buffer.from(
					JSON.stringify({
						seq: 0,
						t: 0,
						type: 'header',
						session: `s${index}`,
						wall: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
						runbook: {path: index % 2 ? 'deploy.yaml' : 'rollback.yaml'},
						operator: {user: index % 3 ? 'alice' : 'bob', host: 'jump1'},
					}),
				);
			const ended = (index: number) =>
				Buffer.from(
					`{"seq":1,"t":${index * 1000},"type":"session-ended","status":"${index % 4 ? 'completed' : 'failed'}"}`,
				);
			await admin.query('BEGIN');
			for (let index = 0; index < 1000; index++) await admin.append(`s${index}`, 0, [header(index), ended(index)]);
			await admin.query('COMMIT');

			// The golden session of the tests above started later, in November.
			const all = (await listArchivedSessions(admin)).filter((row) => row.session !== session);
			expect(all).toHaveLength(1000);
			expect(all[0]).toMatchObject({session: 's999', operator: 'bob', outcome: 'completed', endedUs: 999_000});
			const bob = await listArchivedSessions(admin, {operator: 'bob'});
			expect(bob).toHaveLength(334);
			const failedRollbacks = await listArchivedSessions(admin, {runbook: 'rollback', outcome: 'failed'});
			expect(failedRollbacks).toHaveLength(250);
			const recent = await listArchivedSessions(admin, {since: new Date(Date.UTC(2026, 0, 1) + 990 * 60_000)});
			expect(recent.map((row) => row.session)).toEqual([session, ...Array.from({length: 10}, (_, i) => `s${999 - i}`)]);
		},
		60_000,
	);
});

describe('the verdict column of sessions --archive', () => {
	const owner = () => new URL(cluster!.url).username;
	itWithPostgres('shows the verdict verify --archive recorded, stamped with who ran it', async () => {
		const before = (await listArchivedSessions(admin)).find((row) => row.session === session)!;
		expect(verdictCell(before)).toBe('unverified: sealed');
		const printed = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
		let output: string;
		try {
			expect(await verifyArchivedCommand({session, sessions, isJson: false, archive: cluster!.url}, trust)).toBe(0);
			output = printed.mock.calls.map(([chunk]) => String(chunk)).join('');
		} finally {
			printed.mockRestore();
		}
		expect(output).toMatch(/recorded in the archive: VALID over \d+ lines, trusting the verifier's own keys/);
		// A client cannot claim another's name or time: the archive stamps them.
		await admin.query(
			"INSERT INTO runbook.verdicts (session_id, lines, verdict, trust, verified_by, verified_at) VALUES ($1, 1, 'VALID', 'x', 'mallory', '2020-01-01')",
			['s0'],
		);
		const rows = await listArchivedSessions(admin);
		const after = rows.find((row) => row.session === session)!;
		expect(after.verified).toMatchObject({verdict: 'VALID', lines: after.lines, verifiedBy: owner()});
		expect(verdictCell(after)).toMatch(new RegExp(`^VALID \\(${owner()} \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\)$`));
		const forged = rows.find((row) => row.session === 's0')!;
		expect(forged.verified?.verifiedBy).toBe(owner());
		expect(forged.verified!.verifiedAt.getFullYear()).toBeGreaterThan(2020);
	});

	itWithPostgres('says a verdict no longer covers lines archived after it', () => {
		const row = {
			session: 'x',
			runbook: 'r',
			operator: 'o',
			host: 'h',
			startedAt: new Date(),
			outcome: 'unfinished',
			isSealed: false,
			lines: 12,
		};
		const verified = {
			verdict: 'VALID' as const,
			lines: 10,
			trust: 't',
			verifiedBy: 'bob',
			verifiedAt: new Date(Date.UTC(2026, 10, 30, 10, 2)),
		};
		expect(verdictCell({...row, verified})).toBe('unverified: 2 lines since VALID (bob 2026-11-30 10:02)');
		expect(verdictCell(row)).toBe('unverified: running or cut');
	});
});
