// The archive's rules, against a real PostgreSQL: the writer appends and reads but changes
// nothing, not even the owner rewrites history, a re-send is a no-op, a changed line and a gap
// are refused, the reader only reads.
import {afterAll, beforeAll, describe, expect} from 'vitest';
import {Archive, ArchiveError} from '../../src/store/archive/client.js';
import {itWithPostgres, TestCluster} from '../helpers/pg-cluster.js';

let cluster: TestCluster | undefined;
let owner: Archive;
let writer: Archive;
let reader: Archive;

const header = (session: string) =>
	Buffer.from(
		JSON.stringify({
			seq: 0,
			t: 0,
			type: 'header',
			session,
			wall: '2026-11-30T09:00:00.000Z',
			runbook: {path: 'deploy.yaml', sha256: 'x'},
			operator: {user: 'alice', host: 'jump1'},
		}),
	);
const line = (seq: number, text: string) => Buffer.from(JSON.stringify({seq, t: seq, type: 'note', text}));

beforeAll(async () => {
	cluster = TestCluster.start();
	if (!cluster) return;
	owner = await Archive.connect(cluster.url);
	await owner.init();
	await owner.init(); // idempotent: a second admin, or an upgrade
	await owner.query('CREATE ROLE alice LOGIN IN ROLE runbook_writer; CREATE ROLE rita LOGIN IN ROLE runbook_reader');
	writer = await Archive.connect(cluster.urlFor('alice'));
	reader = await Archive.connect(cluster.urlFor('rita'));
	await writer.append('s1', 0, [header('s1'), line(1, 'one'), line(2, 'two')]);
}, 60_000);

afterAll(async () => {
	await Promise.all([owner?.close(), writer?.close(), reader?.close()]);
	cluster?.destroy();
});

async function refusal(promise: Promise<unknown>): Promise<ArchiveError> {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(ArchiveError);
	return error as ArchiveError;
}

describe('the archive schema', () => {
	itWithPostgres('lets the writer append and read, and files the session from its header', async () => {
		expect(await writer.lastSeq('s1')).toBe(2);
		expect((await writer.linesAfter('s1', 0)).map((row) => row.line.toString())).toEqual([
			line(1, 'one').toString(),
			line(2, 'two').toString(),
		]);
		const session = await reader.query<{operator: string; host: string; runbook: string}>(
			"SELECT operator, host, runbook FROM runbook.sessions WHERE session_id = 's1'",
		);
		expect(session.rows).toEqual([{operator: 'alice', host: 'jump1', runbook: 'deploy.yaml'}]);
	});

	itWithPostgres('refuses UPDATE, DELETE and TRUNCATE to the writer: no privilege', async () => {
		const update = await refusal(writer.query("UPDATE runbook.events SET line = 'x' WHERE session_id = 's1'"));
		expect(update.code).toBe('42501');
		expect(update.message).toMatch(/permission denied for table events/);
		const remove = await refusal(writer.query("DELETE FROM runbook.events WHERE session_id = 's1'"));
		expect(remove.code).toBe('42501');
		expect((await refusal(writer.query('TRUNCATE runbook.events'))).code).toBe('42501');
		expect((await refusal(writer.query("DELETE FROM runbook.approvals WHERE session_id = 's1'"))).code).toBe('42501');
	});

	itWithPostgres('refuses UPDATE and DELETE even to the owner, through the trigger', async () => {
		const update = await refusal(owner.query("UPDATE runbook.events SET line = 'x' WHERE session_id = 's1'"));
		expect(update.message).toBe('runbook archive: UPDATE on runbook.events refused: the archive is append-only');
		const remove = await refusal(owner.query("DELETE FROM runbook.sessions WHERE session_id = 's1'"));
		expect(remove.message).toMatch(/DELETE on runbook.sessions refused/);
		expect((await refusal(owner.query('TRUNCATE runbook.events CASCADE'))).message).toMatch(/TRUNCATE/);
		expect(await owner.lastSeq('s1')).toBe(2);
	});

	itWithPostgres('takes the same lines again as a no-op, and refuses a changed one', async () => {
		expect(await writer.append('s1', 1, [line(1, 'one'), line(2, 'two'), line(3, 'three')])).toBe(3);
		expect(await writer.append('s1', 0, [header('s1'), line(1, 'one')])).toBe(3);
		const changed = await refusal(writer.append('s1', 2, [line(2, 'TWO'), line(3, 'three')]));
		expect(changed.message).toBe('runbook archive: session s1 line 2 differs from the archived line');
		expect((await writer.linesAfter('s1', 1, 1))[0]!.line.toString()).toBe(line(2, 'two').toString());
	});

	itWithPostgres('refuses a gap, through append and through a plain INSERT', async () => {
		const gap = await refusal(writer.append('s1', 9, [line(9, 'nine')]));
		expect(gap.message).toBe('runbook archive: session s1 holds lines up to 3; a batch from line 9 would leave a gap');
		const raw = await refusal(writer.query("INSERT INTO runbook.events (session_id, seq, line) VALUES ('s1', 7, 'x')"));
		expect(raw.message).toMatch(/session s1 line 7 would leave a gap: line 6 is not archived/);
		expect(await writer.lastSeq('s1')).toBe(3);
	});

	itWithPostgres('takes every byte value, long lines and a non-ASCII session id exactly as sent', async () => {
		const session = 'sé2';
		const everyByte = Buffer.from([...Array(256).keys()].filter((byte) => byte !== 0x0a));
		const long = Buffer.alloc(300_000, 'output ');
		const lines = [header(session), everyByte, long, line(3, 'three')];
		expect(await writer.append(session, 0, lines)).toBe(3);
		expect(await writer.append(session, 1, lines.slice(1))).toBe(3);
		expect(await reader.allLines(session)).toEqual(lines);
	});

	itWithPostgres('lets the reader read and nothing more', async () => {
		expect(await reader.lastSeq('s1')).toBe(3);
		expect((await refusal(reader.append('s1', 4, [line(4, 'four')]))).code).toBe('42501');
		expect((await refusal(reader.handInApproval('s1', {approve: true}))).code).toBe('42501');
	});

	itWithPostgres('notes how a session ended and that it was sealed', async () => {
		await writer.append('s1', 4, [
			Buffer.from('{"seq":4,"t":90,"type":"session-ended","status":"completed"}'),
			Buffer.from('{"seq":5,"t":91,"type":"seal","sig":"x"}'),
		]);
		const marks = await reader.query('SELECT seq, kind, status, t_us FROM runbook.marks ORDER BY seq');
		expect(marks.rows).toEqual([
			{seq: '4', kind: 'ended', status: 'completed', t_us: '90'},
			{seq: '5', kind: 'sealed', status: null, t_us: '91'},
		]);
	});

	itWithPostgres(
		'keeps marks and verdicts to what the lines say: no mark by hand, no verdict over lines to come',
		async () => {
			const planted = await refusal(
				writer.query("INSERT INTO runbook.marks VALUES ('s1', 3, 'ended', 'completed', 36000000)"),
			);
			expect(planted.code).toBe('42501');
			const ahead = await refusal(
				writer.query(
					"INSERT INTO runbook.verdicts (session_id, lines, verdict, trust) VALUES ('s1', 1000000, 'VALID', 'x')",
				),
			);
			expect(ahead.message).toMatch(/a verdict on session s1 over 1000000 lines, but the archive holds 6/);
			await writer.query(
				"INSERT INTO runbook.verdicts (session_id, lines, verdict, trust) VALUES ('s1', 6, 'VALID', 'x')",
			);
			const verdicts = await reader.query('SELECT lines, verified_by FROM runbook.verdicts');
			expect(verdicts.rows).toEqual([{lines: '6', verified_by: 'alice'}]);
		},
	);

	itWithPostgres('doctor says who is connected and what that role may do', async () => {
		const asWriter = await writer.doctor();
		expect(asWriter).toMatchObject({
			role: 'alice',
			hasSchema: true,
			hasAppendOnlyTrigger: true,
			memberOf: ['runbook_writer'],
			may: {SELECT: true, INSERT: true, UPDATE: false, DELETE: false, TRUNCATE: false},
		});
		expect((await reader.doctor()).may).toEqual({
			SELECT: true,
			INSERT: false,
			UPDATE: false,
			DELETE: false,
			TRUNCATE: false,
		});
	});
});
