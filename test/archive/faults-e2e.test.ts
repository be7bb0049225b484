// The archive's fault guarantees through the shipped path: the built `bin/runbook`, whose sender
// runs on a worker thread (under vitest the sender runs on the main thread, so streaming.test.ts
// does not cover it). PostgreSQL stops in the middle of a run with output flowing, or is down
// from the start: the run completes with exit 0, `archive push` catches up after a restart, the
// archive ends byte for byte equal to the local log, and `verify` is VALID both ways.
// Needs `npm run build`.
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect} from 'vitest';
import {Archive} from '../../src/store/archive/client.js';
import {binRunbook, runCli} from '../helpers/cli.js';
import {archiveClusterPerFile, itWithPostgres} from '../helpers/pg-cluster.js';

const fixture = archiveClusterPerFile();

/** One operator's machine: their own state (sessions) and settings (signing key) folders. */
function machine(name: string) {
	const home = mkdtempSync(path.join(os.tmpdir(), `runbook-fault-${name}-`));
	const env = {XDG_STATE_HOME: path.join(home, 'state'), XDG_CONFIG_HOME: path.join(home, 'config'), SSH_AUTH_SOCK: ''};
	return {home, env, sessions: path.join(env.XDG_STATE_HOME, 'runbook', 'sessions')};
}

/**
 * A runbook whose one step prints a line every 20 ms until `releaseFile` exists, then 100 more:
 * the test decides when the outage starts, and output still flows while the database is down.
 */
function floodingRunbook(home: string, releaseFile: string): string {
	const file = path.join(home, 'flood.yaml');
	const script =
		`i=0; while [ ! -e '${releaseFile}' ]; do i=$((i+1)); echo "before outage $i"; sleep 0.02; done; ` +
		`for j in $(seq 1 100); do echo "during outage $j"; sleep 0.01; done`;
	writeFileSync(
		file,
		'version: 1\nname: Flood\nphases:\n  - id: deploy\n    name: Deploy\n    steps:\n' +
			`      - id: flood\n        run: ${JSON.stringify(script)}\n`,
	);
	return file;
}

/** An operator whose flooding runbook ends on its own: its release file is there from the start. */
function releasedFlood(name: string) {
	const operator = machine(name);
	const release = path.join(operator.home, 'release');
	writeFileSync(release, '');
	return {operator, runbook: floodingRunbook(operator.home, release)};
}

type Finished = {code: number | null; stdout: string; stderr: string; elapsedMs: number};

/** Starts `runbook run` without a terminal; `finished` settles on exit (or kills it after `limitMs`). */
function startRun(args: string[], env: Record<string, string>, limitMs = 30_000) {
	const started = performance.now();
	const child = spawn(process.execPath, [binRunbook, ...args], {
		env: {...process.env, ...env},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
	child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
	const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
	const finished = new Promise<Finished>((resolve) =>
		child.on('close', (code) => {
			clearTimeout(killer);
			resolve({code, stdout, stderr, elapsedMs: performance.now() - started});
		}),
	);
	return {finished};
}

/** Polls `check` until it is truthy (every 25 ms, at most `limitMs`); for events with no callback to await. */
async function until<T>(what: string, check: () => T | Promise<T>, limitMs = 15_000): Promise<NonNullable<T>> {
	const deadline = performance.now() + limitMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

/**
 * A flooding run streaming to the archive, once its output reaches the archive; the step goes on
 * until `release` exists (made here when the wait fails, so the run always ends).
 */
async function startArchivedFlood(name: string) {
	const operator = machine(name);
	const release = path.join(operator.home, 'release');
	const runbook = floodingRunbook(operator.home, release);
	const run = startRun(['run', runbook, '--yes', '--archive', fixture.cluster!.url], operator.env);
	try {
		const id = await until('the session folder', () =>
			existsSync(operator.sessions) ? readdirSync(operator.sessions)[0] : undefined,
		);
		// Lines reached the archive through the worker: the header, the start and some output.
		await until('output in the archive', async () => (await fixture.admin.lastSeq(id)) >= 8);
		return {operator, release, run, id};
	} catch (error) {
		writeFileSync(release, '');
		throw error;
	}
}

/** Reopens the owner's client after a restart (the old connection died with the server). */
async function restartPostgres(): Promise<void> {
	fixture.cluster!.restart();
	await fixture.admin.close().catch(() => {});
	fixture.admin = await Archive.connect(fixture.cluster!.url);
}

/** `archive push`, then: the archive equals the local log byte for byte, and `verify` is VALID both ways. */
async function expectCaughtUp(operator: ReturnType<typeof machine>, id: string): Promise<void> {
	const url = fixture.cluster!.url;
	const local = path.join(operator.sessions, id, 'session.jsonl');
	const beforePush = await fixture.admin.sessionBytes(id);
	expect(beforePush.length, 'the outage left lines pending').toBeLessThan(readFileSync(local).length);

	const pushed = runCli(['archive', 'push', id, '--archive', url], {env: operator.env});
	expect(pushed.stdout).toMatch(new RegExp(`^${id}: archived \\(\\d+ lines\\)$`, 'm'));
	expect(pushed.code).toBe(0);

	const archived = await fixture.admin.sessionBytes(id);
	expect(archived.length).toBe(readFileSync(local).length);
	expect(archived.equals(readFileSync(local)), 'archive equals session.jsonl byte for byte').toBe(true);
	expect(await fixture.admin.signature(id)).toBe(readFileSync(`${local}.sig`, 'utf8'));

	// The local log, compared with the archive's copy.
	const compared = runCli(['verify', id, '--archive', url], {env: operator.env});
	expect(compared.stdout).toMatch(/^VALID: /m);
	expect(compared.code).toBe(0);
	// The archive's copy alone, on a machine with no local files (same operator, same key).
	const elsewhere = {...machine('elsewhere').env, XDG_CONFIG_HOME: operator.env.XDG_CONFIG_HOME};
	const fromArchive = runCli(['verify', id, '--archive', url], {env: elsewhere});
	expect(fromArchive.stdout).toMatch(new RegExp(`^archive:${id} `, 'm'));
	expect(fromArchive.stdout).toMatch(/^VALID: /m);
	expect(fromArchive.code).toBe(0);
}

describe('archive faults through the built runner (sender on its worker thread)', () => {
	itWithPostgres(
		'PostgreSQL stops mid-run with output flowing: the run completes, and push catches up byte for byte',
		async () => {
			const {operator, release, run, id} = await startArchivedFlood('mid');
			try {
				fixture.cluster!.stop();
			} finally {
				// The step ends on its own once released, even when the test fails above.
				writeFileSync(release, '');
			}
			const finished = await run.finished;
			expect(finished.stderr).toMatch(/archive: \d+ events? behind.*`runbook archive push /);
			expect(finished.code, finished.stderr).toBe(0);
			expect(finished.stdout).toMatch(/completed/i);
			// Never a hang: the runner waits at most its 5 s for the archive, then ends.
			expect(finished.elapsedMs).toBeLessThan(20_000);
			const local = readFileSync(path.join(operator.sessions, id, 'session.jsonl'), 'utf8');
			expect(local).toContain('during outage 100');

			await restartPostgres();
			await expectCaughtUp(operator, id);
		},
		90_000,
	);

	itWithPostgres(
		'PostgreSQL is down when the run starts: the run completes, and push catches up byte for byte',
		async () => {
			const {operator, runbook} = releasedFlood('start');
			fixture.cluster!.stop();

			const finished = await startRun(['run', runbook, '--yes', '--archive', fixture.cluster!.url], operator.env)
				.finished;
			expect(finished.stderr).toMatch(/archive: \d+ events? behind.*`runbook archive push /);
			expect(finished.code, finished.stderr).toBe(0);
			expect(finished.elapsedMs).toBeLessThan(20_000);
			const id = readdirSync(operator.sessions)[0]!;
			expect(readFileSync(path.join(operator.sessions, id, 'session.jsonl'), 'utf8')).toContain('during outage 100');

			await restartPostgres();
			expect(await fixture.admin.lastSeq(id)).toBeLessThan(0);
			await expectCaughtUp(operator, id);
		},
		90_000,
	);

	itWithPostgres(
		'the signature is held up at the end: the run says the lines are archived but not the signature, and push sends it',
		async () => {
			const {operator, runbook} = releasedFlood('sig');
			const url = fixture.cluster!.url;
			// Another session holds the signatures table against writes (reads go on) for the whole run.
			const locker = await Archive.connect(url);
			await locker.client.query('BEGIN');
			await locker.client.query('LOCK TABLE runbook.signatures IN SHARE MODE');
			let finished: Finished;
			let held: string | undefined;
			try {
				finished = await startRun(['run', runbook, '--yes', '--archive', url], operator.env).finished;
				// Read while still held: the runner's insert, left waiting on the lock, lands once it goes.
				held = await fixture.admin.signature(readdirSync(operator.sessions)[0]!);
			} finally {
				await locker.client.query('ROLLBACK');
				await locker.close();
			}
			expect(finished.stderr).toMatch(/the log's signature is not archived yet.*`runbook archive push /);
			expect(finished.stderr).not.toMatch(/events? behind/);
			expect(finished.code, finished.stderr).toBe(0);
			expect(finished.elapsedMs).toBeLessThan(20_000);
			const id = readdirSync(operator.sessions)[0]!;
			const local = path.join(operator.sessions, id, 'session.jsonl');
			expect((await fixture.admin.sessionBytes(id)).equals(readFileSync(local)), 'every line archived').toBe(true);
			expect(held).toBeUndefined();

			const pushed = runCli(['archive', 'push', id, '--archive', url], {env: operator.env});
			expect(pushed.code, pushed.stderr).toBe(0);
			expect(await fixture.admin.signature(id)).toBe(readFileSync(`${local}.sig`, 'utf8'));
		},
		90_000,
	);

	itWithPostgres(
		'the session directory is renamed while the run streams: every line and the signature still reach the archive',
		async () => {
			const {operator, release, run, id} = await startArchivedFlood('moved');
			try {
				renameSync(path.join(operator.sessions, id), path.join(operator.sessions, `${id}-moved`));
			} finally {
				writeFileSync(release, '');
			}
			const finished = await run.finished;
			expect(finished.code, finished.stderr).toBe(0);
			expect(finished.stderr).toContain(`the session directory was moved while the session ran`);
			expect(finished.stderr).not.toMatch(/not archived yet|events? behind/);
			const local = path.join(operator.sessions, `${id}-moved`, 'session.jsonl');
			expect((await fixture.admin.sessionBytes(id)).equals(readFileSync(local)), 'every line archived').toBe(true);
			expect(await fixture.admin.signature(id)).toBe(readFileSync(`${local}.sig`, 'utf8'));
			// Its marker went with it: a push from the new place has nothing left to send.
			expect(
				JSON.parse(readFileSync(path.join(operator.sessions, `${id}-moved`, 'archive.json'), 'utf8')),
			).toMatchObject({
				hasSig: true,
			});
		},
		90_000,
	);
});
