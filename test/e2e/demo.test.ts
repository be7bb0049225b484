import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {binRunbook, repoRoot, runCli} from '../helpers/cli.js';
import {startTui, type Tui} from '../helpers/tmux.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'runbook-e2e-'));

/**
 * The run's events in the one session log under a --log-dir (the header, attestation,
 * checkpoints and seal left out), after checking that `runbook verify` calls it VALID.
 */
function readLog(logDir: string) {
	const [id] = readdirSync(logDir);
	const file = path.join(logDir, id!, 'session.jsonl');
	const verified = runCli(['verify', file]);
	expect(verified.stdout, verified.stderr).toMatch(/^VALID: \d+ lines, sealed/m);
	expect(verified.code).toBe(0);
	const lines = readFileSync(file, 'utf8')
		.trimEnd()
		.split('\n')
		.map((l) => JSON.parse(l) as Record<string, unknown> & {type: string});
	expect(lines.at(-1)?.type).toBe('seal');
	return lines.filter((l) => !['header', 'attest', 'checkpoint', 'seal'].includes(l.type));
}

let tui: Tui | undefined;
afterEach(() => tui?.kill());

describe('the demo in a real terminal, typed as an operator would', () => {
	it('runs start to finish, leaves the summary on screen, exits 0 and logs every decision', async () => {
		const logDir = tmp();
		const work = tmp();
		tui = startTui(`node ${binRunbook} run runbooks/demo.yaml --log-dir ${logDir} --var workdir=${work}`, {
			cwd: repoRoot,
		});
		await tui.waitFor('Release to deploy:');
		tui.keys('Enter');
		await tui.waitFor('Tell the team in #deploys');
		tui.keys('Enter');
		await tui.waitFor('Run `backup`?');
		tui.keys('Enter');
		await tui.waitFor('☐ The on-call engineer knows a deploy is starting');
		tui.keys('p');
		await tui.waitFor('☐ No incident is open');
		tui.keys('p');
		await tui.waitFor('Type `demo` to run it.');
		tui.type('demo');
		await tui.waitFor('> demo');
		tui.keys('Enter');
		await tui.waitFor(/Waiting: 00:\d\d left/, 20_000);
		const midRun = tui.screen();
		expect(midRun).toMatch(/✓ migrate\s+Migrate the database\s+exit 0/);
		expect(midRun).toMatch(/✓ health\s+Wait until the service is healthy\s+exit 0/);
		expect(midRun).toMatch(/Phase 3\/3 · Post-deploy monitoring\s+00:0\d \/ 00:45/);
		tui.keys('x');
		await tui.waitFor('Why end the wait early?');
		tui.type('graphs flat');
		await tui.waitFor('early? graphs flat');
		tui.keys('Enter');
		await tui.waitFor('Who owns the follow-up ticket?');
		tui.type('Ada');
		await tui.waitFor('ticket?: Ada');
		tui.keys('Enter');
		await tui.waitFor('Sign-off: Operator');
		tui.type('Ada');
		await tui.waitFor('Your name: Ada');
		tui.keys('Enter');
		await tui.waitFor('Sign-off: Reviewer');
		tui.type('Grace');
		await tui.waitFor('Your name: Grace');
		tui.keys('Enter');
		expect(await tui.exitCode()).toBe(0);
		const final = tui.screen();
		expect(final).toMatch(/✓ Completed in \d\d:\d\d · 14 done/);
		expect(final).toContain('signed off: Reviewer — Grace');

		const log = readLog(logDir);
		const [id] = readdirSync(logDir);
		const header = JSON.parse(readFileSync(path.join(logDir, id!, 'session.jsonl'), 'utf8').split('\n')[0]!);
		expect(header).toMatchObject({
			type: 'header',
			format: 'runbook-session/1',
			operator: {user: os.userInfo().username},
			identity: {source: 'local'},
			term: {cols: 80, rows: 24},
		});
		expect(log.find((e) => e.type === 'step-confirmed' && e.step === 'migrate')).toMatchObject({how: 'typed'});
		expect(log.find((e) => e.type === 'wait-ended')).toMatchObject({isEarly: true, reason: 'graphs flat'});
		expect(log.find((e) => e.type === 'var-captured')).toMatchObject({var: 'live_version', value: 'v2.4.1'});
		expect(log.at(-1)).toMatchObject({type: 'session-ended', status: 'completed'});
		// Write-ahead: every command's start is recorded before its output and its exit.
		const migrate = log.filter((e) => e.step === 'migrate').map((e) => e.type);
		expect(migrate.indexOf('command-started')).toBeLessThan(migrate.indexOf('output-recorded'));
		expect(migrate.indexOf('output-recorded')).toBeLessThan(migrate.indexOf('command-exited'));
	}, 60_000);

	it('Ctrl-C asks before cancelling a running step; the cancel is recorded before the exit', async () => {
		const logDir = tmp();
		const file = path.join(tmp(), 'slow.yaml');
		writeFileSync(
			file,
			'version: 1\nname: Slow\nphases:\n  - id: p\n    steps:\n      - id: slow\n        run: echo started; sleep 30\n',
		);
		tui = startTui(`node ${binRunbook} run ${file} --log-dir ${logDir}`);
		await tui.waitFor('│ started');
		tui.keys('C-c');
		await tui.waitFor('Cancel the running step?');
		tui.keys('n');
		await tui.waitFor('Ctrl-C cancel step');
		tui.keys('C-c');
		await tui.waitFor('Cancel the running step?');
		tui.keys('y');
		await tui.waitFor('cancelled by the operator');
		expect(tui.screen()).toContain('r retry · s skip · a abort');
		tui.keys('a');
		await tui.waitFor('Why abort the run?');
		tui.type('wrong box');
		await tui.waitFor('Why abort the run? wrong box');
		tui.keys('Enter');
		expect(await tui.exitCode()).toBe(1);
		expect(tui.screen()).toContain('✗ Aborted');
		const types = readLog(logDir).map((e) => e.type);
		expect(types.indexOf('command-cancel-requested')).toBeGreaterThan(0);
		expect(types.indexOf('command-cancel-requested')).toBeLessThan(types.indexOf('command-exited'));
		expect(types.at(-1)).toBe('session-ended');
	}, 30_000);
});

describe('without a terminal: one plain line per event', () => {
	it('piped with --yes, a runbook without human-only steps completes', () => {
		const logDir = tmp();
		const {code, stdout} = runCli(['run', 'test/fixtures/plain.yaml', '--yes', '--concurrent', '--log-dir', logDir]);
		expect(code).toBe(0);
		expect(stdout).toMatch(/\[00:00\] -> say/);
		expect(stdout).toMatch(/confirmed by .* \(pre-approved\)/);
		expect(stdout).toContain('   | hello from the runbook');
		expect(stdout).toContain('   ! to stderr');
		expect(stdout).toMatch(/== completed/);
		expect(stdout).not.toMatch(/\u001B\[/);
		expect(readLog(logDir).at(-1)).toMatchObject({type: 'session-ended', status: 'completed'});
	});

	it('with CI set and no --yes, a confirmation stops the run with how to pre-approve, exit 2', () => {
		const logDir = tmp();
		const {code, stdout} = runCli(['run', 'test/fixtures/plain.yaml', '--concurrent', '--log-dir', logDir], {
			env: {CI: 'true'},
		});
		expect(code).toBe(2);
		expect(stdout).toContain(
			'needs-operator: step `say` needs a confirmation; run with --yes to approve plain confirmations in advance',
		);
		expect(readLog(logDir).at(-1)).toMatchObject({type: 'session-ended', status: 'needs-operator'});
	});

	it('the demo with CI set and --yes runs until the first manual check, then says so', () => {
		const {code, stdout} = runCli(
			['run', 'runbooks/demo.yaml', '--yes', '--concurrent', '--log-dir', tmp(), '--var', `workdir=${tmp()}`],
			{env: {CI: 'true'}},
		);
		expect(code).toBe(2);
		expect(stdout).toContain('ok backup');
		expect(stdout).toContain('step `preflight` is a manual check; run it in a terminal');
	});

	it('--dry-run shows every resolved command and runs nothing', () => {
		const work = tmp();
		const {code, stdout} = runCli(['run', 'runbooks/demo.yaml', '--dry-run', '--var', `workdir=${work}`]);
		expect(code).toBe(0);
		expect(stdout).toContain(`$ mkdir -p '${work}'/db`);
		expect(stdout).toContain(
			'migrate — Migrate the database  [run, confirm: type "demo", timeout 30s, rollback: restore-db]',
		);
		expect(readdirSync(work)).toEqual([]);
	});
});
