import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {isAlive} from '../helpers/procs.js';
import {binRunbook, isolatedEnv, runCli} from '../helpers/cli.js';

describe('a signal ends the run as aborted, stops the running step and records why', () => {
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		it(signal, async () => {
			const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-signal-'));
			const pidFile = path.join(dir, 'step.pid');
			const file = path.join(dir, 'slow.yaml');
			writeFileSync(
				file,
				`version: 1\nname: Slow\nphases:\n  - id: p\n    steps:\n      - id: slow\n        run: echo $$ > ${pidFile}; sleep 60\n      - id: never\n        run: touch ${dir}/never\n`,
			);
			const child = spawn(process.execPath, [binRunbook, 'run', file, '--log-dir', path.join(dir, 'sessions')], {
				stdio: ['ignore', 'pipe', 'pipe'],
				env: {...process.env, ...isolatedEnv, CI: 'true'},
			});
			let out = '';
			child.stdout.on('data', (d) => (out += d));
			await expect
				.poll(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', {timeout: 10_000})
				.toBe(true);
			const stepPid = Number(readFileSync(pidFile, 'utf8'));
			child.kill(signal);
			const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
			expect(code).toBe(1);
			expect(out).toContain(`== aborted: received ${signal}`);
			expect(isAlive(stepPid)).toBe(false);
			expect(existsSync(path.join(dir, 'never'))).toBe(false);
			const [id] = readdirSync(path.join(dir, 'sessions'));
			const types = readFileSync(path.join(dir, 'sessions', id!, 'session.jsonl'), 'utf8')
				.trim()
				.split('\n')
				.map((l) => JSON.parse(l).type)
				.filter((type) => type !== 'checkpoint');
			expect(types.slice(-4)).toEqual(['command-cancel-requested', 'command-exited', 'session-ended', 'seal']);
			const verified = runCli(['verify', path.join(dir, 'sessions', id!)]);
			expect(verified.stdout).toMatch(/^VALID/m);
		});
	}
});

describe('SIGHUP (the terminal closed) leaves the running step running', () => {
	it('records the detach, exits 129, and the log is INCOMPLETE for `runbook resume`', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-hup-'));
		const pidFile = path.join(dir, 'step.pid');
		const file = path.join(dir, 'slow.yaml');
		writeFileSync(
			file,
			`version: 1\nname: Slow\nphases:\n  - id: p\n    steps:\n      - id: slow\n        run: echo $$ > ${pidFile}; sleep 60\n      - id: never\n        run: touch ${dir}/never\n`,
		);
		const child = spawn(process.execPath, [binRunbook, 'run', file, '--log-dir', path.join(dir, 'sessions')], {
			stdio: ['ignore', 'pipe', 'pipe'],
			env: {...process.env, ...isolatedEnv, CI: 'true'},
		});
		await expect
			.poll(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', {timeout: 10_000})
			.toBe(true);
		const stepPid = Number(readFileSync(pidFile, 'utf8'));
		child.kill('SIGHUP');
		const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
		expect(code).toBe(129);
		expect(isAlive(stepPid)).toBe(true);
		process.kill(stepPid, 'SIGKILL');
		const [id] = readdirSync(path.join(dir, 'sessions'));
		const records = readFileSync(path.join(dir, 'sessions', id!, 'session.jsonl'), 'utf8')
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(records.at(-2)).toMatchObject({
			type: 'session-detached',
			reason: 'received SIGHUP: the terminal closed',
			step: 'slow',
		});
		expect(records.at(-1).type).toBe('checkpoint');
		expect(runCli(['verify', path.join(dir, 'sessions', id!)]).code).toBe(3);
	});
});
