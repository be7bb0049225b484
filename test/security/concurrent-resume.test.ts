// Actor: the operator (or two colleagues) resuming the same interrupted session at the same
// moment. Promise 5: one runner per session, a step runs once, and the log stays whole.
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {binRunbook, isolatedEnv, repoRoot, runCli} from '../helpers/cli.js';

const resumers = 20;

/** Runs the built CLI without waiting: its exit code and what it wrote. */
function started(args: string[], env: Record<string, string>) {
	const child = spawn(process.execPath, [binRunbook, ...args], {
		cwd: repoRoot,
		env: {...process.env, ...isolatedEnv, CI: 'true', ...env},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
	child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
	const exited = new Promise<{code: number | null; stdout: string; stderr: string}>((resolve) =>
		child.on('exit', (code) => resolve({code, stdout, stderr})),
	);
	return {child, exited};
}

async function until(condition: () => boolean, timeoutMs = 20_000) {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('timed out waiting');
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

describe('resume --yes started 20 times together', () => {
	it('exactly one takes over; the others exit 2 naming it; no step runs twice; the log verifies', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-concurrent-'));
		const mark = path.join(dir, 'mark');
		const go = path.join(dir, 'go');
		const runbook = path.join(dir, 'hold.yaml');
		writeFileSync(
			runbook,
			[
				'version: 1',
				'name: Hold',
				'phases:',
				'  - id: p',
				'    steps:',
				'      - id: first',
				'        run: echo first >> "$MARK"',
				'      - id: held',
				'        run: echo held-start >> "$MARK"; while [ ! -e "$GO" ]; do sleep 0.05; done; echo held >> "$MARK"',
				'      - id: last',
				'        run: echo last >> "$MARK"',
				'',
			].join('\n'),
		);
		const logDir = path.join(dir, 'sessions');
		const env = {MARK: mark, GO: go};
		// The first runner dies (kill -9) while `held` waits: a detached session whose step still runs.
		const first = started(['run', runbook, '--yes', '--log-dir', logDir], env);
		await until(() => existsSync(mark) && readFileSync(mark, 'utf8').includes('held-start'));
		first.child.kill('SIGKILL');
		await first.exited;
		const id = readdirSync(logDir)[0]!;

		const all = Array.from({length: resumers}, () => started(['resume', '--yes', id, '--log-dir', logDir], env));
		const losers: Array<{code: number | null; stderr: string}> = [];
		const outcomes = all.map((one) => one.exited.then((outcome) => (outcome.code === 2 ? losers.push(outcome) : 0)));
		await until(() => losers.length === resumers - 1, 60_000);
		writeFileSync(go, '');
		await Promise.all(outcomes);
		const results = await Promise.all(all.map((one) => one.exited));

		expect(results.filter((r) => r.code === 0)).toHaveLength(1);
		for (const loser of losers) {
			expect(loser.stderr.trim().split('\n')).toHaveLength(1);
			expect(loser.stderr).toMatch(
				new RegExp(`session ${id} has a runner already: pid \\d+ \\(\\S+@\\S+, since \\d{4}-`),
			);
		}
		expect(readFileSync(mark, 'utf8')).toBe('first\nheld-start\nheld\nlast\n');
		const records = readFileSync(path.join(logDir, id, 'session.jsonl'), 'utf8')
			.split('\n')
			.filter(Boolean)
			.map((line) => JSON.parse(line) as {type: string; step?: string});
		expect(records.filter((r) => r.type === 'resume')).toHaveLength(1);
		for (const step of ['first', 'held', 'last'])
			expect(records.filter((r) => r.type === 'command-started' && r.step === step)).toHaveLength(1);
		const verify = runCli(['verify', id, '--log-dir', logDir]);
		expect(verify.stdout).toMatch(/^VALID/m);
		expect(verify.code).toBe(0);
	}, 120_000);
});
