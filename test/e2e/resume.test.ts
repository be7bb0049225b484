// The SSH drop and the crash, end to end in real pseudo-terminals: the runner goes away in the
// middle of a step, the step goes on, and `runbook resume` picks it up.
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {binRunbook, runCli} from '../helpers/cli.js';
import {isAlive} from '../helpers/procs.js';
import {closedAfterEachTest, type Tui} from '../helpers/tmux.js';

type Fixture = {dir: string; logDir: string; runbook: string; go: string; after: string; env: string};

/** A migration that prints, waits for the test to say go (a file), prints its result; then a step after it. */
function fixture(): Fixture {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-resume-'));
	const runbook = path.join(dir, 'migrate.yaml');
	const go = path.join(dir, 'go');
	const after = path.join(dir, 'after-ran');
	writeFileSync(
		runbook,
		[
			'version: 1',
			'name: Migrate',
			'phases:',
			'  - id: deploy',
			'    steps:',
			'      - id: migrate',
			'        run: echo "migrating"; while [ ! -e "$GO" ]; do sleep 0.05; done; echo "migrated 42 rows"',
			'      - id: after',
			'        run: touch "$AFTER"; echo "after ran"',
			'        confirm: true',
			'',
		].join('\n'),
	);
	return {dir, logDir: path.join(dir, 'sessions'), runbook, go, after, env: `GO=${go} AFTER=${after}`};
}

const sessionDir = (f: Fixture) => path.join(f.logDir, readdirSync(f.logDir)[0]!);
const records = (f: Fixture) =>
	readFileSync(path.join(sessionDir(f), 'session.jsonl'), 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((l) => JSON.parse(l) as Record<string, unknown>);
const runnerPid = (f: Fixture) => records(f)[0]!.pid as number;

const tui = closedAfterEachTest();

/**
 * Until the step has printed: its output is in the log. 'migrating' on the screen alone proves
 * nothing, since the step's command (shown from its start on) contains the word too.
 */
async function untilStepPrinted(f: Fixture, t: Tui): Promise<void> {
	await t.waitFor('Ctrl-C cancel step');
	await expect
		.poll(() => records(f).some((r) => r.type === 'output-recorded' && r.step === 'migrate'), {timeout: 10_000})
		.toBe(true);
}

async function startMigration(f: Fixture, options = ''): Promise<Tui> {
	const t = tui(`${f.env} ${binRunbook} run ${f.runbook}${options} --log-dir ${f.logDir}`);
	await untilStepPrinted(f, t);
	return t;
}

describe('runbook resume after the runner went away mid-step', () => {
	it('kill -9: the step keeps running; resume reattaches, streams the rest, and carries on', async () => {
		const f = fixture();
		const first = await startMigration(f);
		const pid = runnerPid(f);
		process.kill(pid, 'SIGKILL');
		expect(await first.exitCode()).toBe(137);
		const spawned = records(f).find((r) => r.type === 'command-spawned')!;
		expect(isAlive(spawned.pid as number)).toBe(true);

		const second = tui(`${f.env} ${binRunbook} resume --log-dir ${f.logDir}`);
		// The output recorded before the crash is on the screen again, and the rest streams in.
		expect(await second.waitFor('`migrate` was still running: reattached')).toContain('migrating');
		writeFileSync(f.go, '');
		await second.waitFor('Run `after`?');
		second.keys('Enter');
		await second.waitFor(/Completed/);
		expect(await second.exitCode()).toBe(0);
		expect(existsSync(f.after)).toBe(true);
		const types = records(f).map((r) => r.type);
		expect(types).toContain('resume');
		expect(types.filter((t) => t === 'command-started' && true).length).toBe(2);
		expect(records(f).find((r) => r.type === 'command-recovered')).toMatchObject({step: 'migrate', how: 'reattached'});
		expect(records(f).find((r) => r.type === 'command-exited' && r.step === 'migrate')).toMatchObject({code: 0});
		expect(
			records(f)
				.filter((r) => r.type === 'output-recorded' && r.step === 'migrate')
				.map((r) => r.text)
				.join(''),
		).toBe('migrating\nmigrated 42 rows\n');
		expect(runCli(['verify', sessionDir(f)]).stdout).toMatch(/^VALID: .*resumed once/m);
		expect(readdirSync(path.join(sessionDir(f), 'spool'))).toEqual([]);
	});

	it('SIGHUP (the terminal closed): the step finishes on its own; resume shows its output and exit code and carries on', async () => {
		const f = fixture();
		const first = await startMigration(f);
		const pid = runnerPid(f);
		// Closing the terminal is what an SSH drop does: the kernel sends SIGHUP to the runner.
		first.kill();
		await expect.poll(() => isAlive(pid), {timeout: 10_000}).toBe(false);
		expect(records(f).at(-2)).toMatchObject({type: 'session-detached', step: 'migrate'});
		writeFileSync(f.go, '');
		// The step was not killed with the runner: it ends by itself and leaves its exit status.
		await expect
			.poll(() => existsSync(path.join(sessionDir(f), 'spool', 'migrate.1.status')), {timeout: 10_000})
			.toBe(true);
		expect(existsSync(f.after)).toBe(false);
		expect(runCli(['verify', sessionDir(f)]).code).toBe(3);

		const second = tui(`${f.env} ${binRunbook} resume --log-dir ${f.logDir}`);
		await second.waitFor('`migrate` ended while no runner watched: result collected');
		const waiting = await second.waitFor('Run `after`?');
		expect(waiting).toContain('migrated 42 rows');
		expect(waiting).toMatch(/✓ migrate +exit 0/);
		second.keys('Enter');
		await second.waitFor(/Completed/);
		expect(await second.exitCode()).toBe(0);
		expect(existsSync(f.after)).toBe(true);
		expect(records(f).find((r) => r.type === 'command-recovered')).toMatchObject({how: 'collected'});
		const output = records(f)
			.filter((r) => r.type === 'output-recorded' && r.step === 'migrate')
			.map((r) => r.text)
			.join('');
		expect(output).toBe('migrating\nmigrated 42 rows\n');
		expect(runCli(['verify', sessionDir(f)]).stdout).toMatch(/^VALID/m);
		const timeline = runCli(['export', sessionDir(f), '--format', 'md']).stdout;
		expect(timeline).toMatch(
			// A write to the closed terminal may fail (EIO) before its SIGHUP arrives; either detaches.
			/⚡ \*\*runner detached\*\* at .*: (received SIGHUP: )?the terminal closed; `migrate` left running/,
		);
		expect(timeline).toMatch(/↻ \*\*resumed\*\* by \S+ at /);
		expect(timeline).toContain('ended while no runner watched; result collected');
	});

	it('a step that vanished without a trace is never run again silently: the operator marks it done with a reason', async () => {
		const f = fixture();
		const first = await startMigration(f);
		const spawned = records(f).find((r) => r.type === 'command-spawned')!;
		process.kill(runnerPid(f), 'SIGKILL');
		expect(await first.exitCode()).toBe(137);
		process.kill(-(spawned.pid as number), 'SIGKILL');
		await expect.poll(() => isAlive(spawned.pid as number), {timeout: 5000}).toBe(false);

		const second = tui(`${f.env} ${binRunbook} resume --log-dir ${f.logDir}`);
		await second.waitFor('Check by hand whether it ran');
		expect(second.screen()).toMatch(/r run again · d mark done · s skip · a abort/);
		second.keys('d');
		await second.waitFor('How do you know it is done?');
		second.type('row count checked in psql');
		second.keys('Enter');
		await second.waitFor('Run `after`?');
		second.keys('Enter');
		await second.waitFor(/Completed/);
		expect(await second.exitCode()).toBe(0);
		expect(records(f).find((r) => r.type === 'command-lost')).toMatchObject({step: 'migrate'});
		expect(records(f).find((r) => r.type === 'step-succeeded' && r.step === 'migrate')).toMatchObject({
			reason: 'row count checked in psql',
		});
		expect(runCli(['verify', sessionDir(f)]).stdout).toMatch(/^VALID/m);
	});
});

describe('what resume refuses, with the reason and exit 2', () => {
	it('a changed runbook under --strict, listing what changed; then a typed confirmation goes on with it', async () => {
		const f = fixture();
		const first = await startMigration(f);
		process.kill(runnerPid(f), 'SIGKILL');
		expect(await first.exitCode()).toBe(137);
		writeFileSync(f.runbook, readFileSync(f.runbook, 'utf8').replace('echo "after ran"', 'echo "after ran, changed"'));
		const refused = runCli(['resume', '--strict', '--log-dir', f.logDir]);
		expect(refused.code).toBe(2);
		expect(refused.stderr).toContain('changed since session');
		expect(refused.stderr).toContain('step `after`: command changed');

		const second = tui(`${f.env} ${binRunbook} resume --log-dir ${f.logDir}`);
		await second.waitFor('Type `resume` to go on');
		second.type('resume');
		second.keys('Enter');
		await second.waitFor('reattached');
		writeFileSync(f.go, '');
		await second.waitFor('Run `after`?');
		second.keys('Enter');
		await second.waitFor(/Completed/);
		expect(records(f).find((r) => r.type === 'session-resumed')).toMatchObject({
			changes: ['step `after`: command changed'],
		});
		expect(
			records(f)
				.filter((r) => r.type === 'output-recorded')
				.map((r) => r.text)
				.join(''),
		).toContain('after ran, changed');
	});

	it('a sealed session, a session still running, and no session at all', async () => {
		const f = fixture();
		writeFileSync(f.go, '');
		expect(
			runCli(['run', f.runbook, '--yes', '--log-dir', f.logDir], {env: {CI: 'true', GO: f.go, AFTER: f.after}}).code,
		).toBe(0);
		const sealed = runCli(['resume', readdirSync(f.logDir)[0]!, '--log-dir', f.logDir]);
		expect(sealed).toMatchObject({code: 2});
		expect(sealed.stderr).toMatch(/^runbook: session \S+ is sealed/);
		const none = runCli(['resume', '--log-dir', f.logDir]);
		expect(none.code).toBe(2);
		expect(none.stderr).toMatch(/no interrupted session of yours to resume/);

		const g = fixture();
		const running = await startMigration(g);
		const busy = runCli(['resume', '--log-dir', g.logDir]);
		expect(busy.code).toBe(2);
		expect(busy.stderr).toMatch(/no interrupted session|is still running/);
		const named = runCli(['resume', readdirSync(g.logDir)[0]!, '--log-dir', g.logDir]);
		// Its runner holds the session's lock: named with its pid, user and since when.
		expect(named.stderr).toMatch(/has a runner already: pid \d+ \(\S+@\S+, since \S+\); follow it with `runbook watch/);
		writeFileSync(g.go, '');
		await running.waitFor('Run `after`?');
		running.keys('Enter');
		await running.waitFor(/Completed/);
	});

	it('secrets are asked for again, never stored: without a terminal they must be given with --var', async () => {
		const f = fixture();
		writeFileSync(
			f.runbook,
			readFileSync(f.runbook, 'utf8')
				.replace('phases:', 'vars:\n  token: {secret: true}\nphases:')
				.replace('echo "after ran"', 'echo "after ran with $TOKEN"\n        env: {TOKEN: "{{ token }}"}'),
		);
		const first = await startMigration(f, ' --var token=s3cr3t-t0ken-value');
		process.kill(runnerPid(f), 'SIGKILL');
		expect(await first.exitCode()).toBe(137);
		const missing = runCli(['resume', '--log-dir', f.logDir], {env: {CI: 'true', GO: f.go, AFTER: f.after}});
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain('needs `token` again (secrets are never stored)');
		writeFileSync(f.go, '');
		const given = runCli(['resume', '--yes', '--var', 'token=s3cr3t-t0ken-value', '--log-dir', f.logDir], {
			env: {CI: 'true', GO: f.go, AFTER: f.after},
		});
		expect(given.code, `resume said:\n${given.stderr}${given.stdout}`).toBe(0);
		expect(given.stdout).toContain('after ran with [REDACTED:token]');
		const log = readFileSync(path.join(sessionDir(f), 'session.jsonl'), 'utf8');
		expect(log).not.toContain('s3cr3t-t0ken-value');
		expect(runCli(['verify', sessionDir(f)]).stdout).toMatch(/^VALID/m);
	});
});
