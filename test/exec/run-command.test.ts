import {mkdtempSync, readFileSync, existsSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {isAlive} from '../helpers/procs.js';
import {runCommand} from '../../src/exec/run-command.js';

function run(script: string, options: {timeoutMs?: number; graceMs?: number; keepStdoutBytes?: number; cwd?: string} = {}) {
	const chunks: Array<[string, string]> = [];
	const command = runCommand({script, cwd: options.cwd ?? os.tmpdir(), env: process.env, onOutput: (stream, text) => chunks.push([stream, text]), ...options});
	const text = (stream: 'out' | 'err') => chunks.filter(([s]) => s === stream).map(([, t]) => t).join('');
	return {command, chunks, text};
}


describe('running a step command', () => {
	it('reports the exit code and both streams, separately and in full', async () => {
		const r = run('echo to-out; echo to-err >&2; exit 3');
		const result = await r.command.done;
		expect(result).toMatchObject({code: 3, signal: null, isTimedOut: false, isCancelled: false, bytes: [7, 7]});
		expect(r.text('out')).toBe('to-out\n');
		expect(r.text('err')).toBe('to-err\n');
	});

	it('runs bash with -e and pipefail: the first failing command stops the step', async () => {
		const r = run('false | cat\necho never');
		expect((await r.command.done).code).toBe(1);
		expect(r.text('out')).toBe('');
	});

	it('says 127 for a missing command and names a missing working directory', async () => {
		expect((await run('no-such-command-xyz').command.done).code).toBe(127);
		const missing = await run('true', {cwd: '/definitely/not/here'}).command.done;
		expect(missing.error).toBe('working directory `/definitely/not/here` does not exist');
	});

	it('keeps standard output for capture only up to its cap', async () => {
		expect((await run('echo "  v2.4.1  "', {keepStdoutBytes: 1024}).command.done).stdout).toBe('  v2.4.1  \n');
		expect((await run('seq 1 1000', {keepStdoutBytes: 100}).command.done).stdout).toBeUndefined();
	});

	it('never splits a multi-byte character across chunks', async () => {
		const r = run(`node -e 'const b = Buffer.from("é€😀".repeat(3000)); for (let i = 0; i < b.length; i += 7) process.stdout.write(b.subarray(i, i + 7));'`);
		await r.command.done;
		expect(r.text('out')).toBe('é€😀'.repeat(3000));
		expect(r.chunks.every(([, t]) => !t.includes('\uFFFD'))).toBe(true);
	});

	it('a timeout stops the command and is marked as a timeout', async () => {
		const result = await run('sleep 30', {timeoutMs: 200}).command.done;
		expect(result).toMatchObject({isTimedOut: true, code: null, signal: 'SIGTERM'});
		expect(result.durationMs).toBeLessThan(5000);
	});

	it('a child that ignores SIGTERM is killed after the grace period', async () => {
		const result = await run('trap "" TERM; echo ready; sleep 30 & wait', {timeoutMs: 300, graceMs: 300}).command.done;
		expect(result).toMatchObject({isTimedOut: true, signal: 'SIGKILL'});
	});

	it('cancel kills the whole tree, grandchildren included', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-exec-'));
		const pids = path.join(dir, 'pids');
		const r = run(`bash -c 'sleep 60 & echo $! >> ${pids}; sleep 61 & echo $! >> ${pids}; wait' & echo $! >> ${pids}; echo started; wait`);
		await new Promise<void>((resolve) => {
			const poll = setInterval(() => {
				if (r.text('out').includes('started') && existsSync(pids) && readFileSync(pids, 'utf8').trim().split('\n').length === 3) {
					clearInterval(poll);
					resolve();
				}
			}, 10);
		});
		const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
		expect(started.every(isAlive)).toBe(true);
		r.command.cancel();
		const result = await r.command.done;
		expect(result.isCancelled).toBe(true);
		await expect.poll(() => started.filter(isAlive), {timeout: 5000}).toEqual([]);
	});
});

describe('a value substituted into a command is one word, never shell syntax', () => {
	const hostile = ['x; touch pwned', '$(touch pwned)', '`touch pwned`', "it's \"quoted\"", 'line one\nline two; touch pwned', '$HOME \\ ${PATH} !! *', "'; touch pwned; '", '"; touch pwned; "'];
	const contexts = {
		plain: 'printf "%s|" {{ v }}',
		'double quotes': 'printf "%s|" "value={{ v }}"',
		'single quotes': "printf '%s|' 'value={{ v }}'",
		'command substitution': 'printf "%s|" "$(printf "%s" {{ v }})"',
	};
	for (const [context, template] of Object.entries(contexts)) {
		it(`inside ${context}`, async () => {
			const {renderShell} = await import('../../src/core/runbook/template.js');
			for (const value of hostile) {
				const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-inject-'));
				const r = run(renderShell(template, () => value), {cwd: dir});
				const result = await r.command.done;
				expect(result.code, `${context}: ${value}`).toBe(0);
				expect(existsSync(path.join(dir, 'pwned')), `${context}: ${value}`).toBe(false);
				const expected = context === 'plain' || context === 'command substitution' ? value : `value=${value}`;
				expect(r.text('out')).toBe(`${expected}|`);
			}
		});
	}
});
