// The session's step spawner ends with its runner, however the runner goes: a runner killed
// between asking for a step and reading its pid once left the spawner waiting for ever (one
// idle bash per killed run), and the step must not run when no runner can record its start.
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {spawnerScript} from '../../src/exec/step-spawner.js';
import {commandFate} from '../../src/exec/run-command.js';

function startSpawner() {
	const pipeDir = mkdtempSync(path.join(os.tmpdir(), 'runbook-spawner-test-'));
	const spoolDir = mkdtempSync(path.join(os.tmpdir(), 'runbook-spawner-spool-'));
	writeFileSync(path.join(spoolDir, 's1.sh'), 'grep SigIgn /proc/self/status\n');
	const child = spawn('bash', ['--noprofile', '--norc', '-c', spawnerScript, 'runbook-spawner', pipeDir], {
		stdio: ['pipe', 'pipe', 'ignore'],
		detached: true,
	});
	const ended = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	const request = `${[spoolDir, 's1', '/', '1', '0'].join('\0')}\0`;
	const requestOf = (base: string) => `${[spoolDir, base, '/', '1', '0'].join('\0')}\0`;
	return {child, ended, request, requestOf, spoolDir};
}

/** The spawner's exit, or 'still running' after `ms` (a bound on a hang, not a wait for an event). */
const within = (ended: Promise<number | null>, ms: number) =>
	Promise.race([ended, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), ms))]);

describe('the step spawner', () => {
	it('ends, and does not run the step, when its runner is gone before it reads the pid', async () => {
		const spawner = startSpawner();
		spawner.child.stdout!.destroy();
		spawner.child.stdin!.end(spawner.request);
		expect(await within(spawner.ended, 5000)).toBe(0);
		expect(existsSync(path.join(spawner.spoolDir, 's1.status'))).toBe(false);
	});

	it('runs a step with SIGPIPE at its default, and ends when its runner closes the pipe', async () => {
		const spawner = startSpawner();
		let replies = '';
		spawner.child.stdout!.on('data', (chunk: Buffer) => (replies += chunk.toString()));
		spawner.child.stdin!.write(`${spawner.request}g`);
		const status = path.join(spawner.spoolDir, 's1.status');
		await expect.poll(() => existsSync(status), {timeout: 5000, interval: 20}).toBe(true);
		expect(replies).toMatch(/^\d+\n$/);
		expect(readFileSync(path.join(spawner.spoolDir, 's1.out'), 'utf8')).toMatch(/^SigIgn:\s+0+\n$/);
		spawner.child.stdin!.end();
		expect(await within(spawner.ended, 5000)).toBe(0);
	});

	it('does not run a step told no (a cancel before its start was on disk), and goes on to the next', async () => {
		const spawner = startSpawner();
		writeFileSync(path.join(spawner.spoolDir, 's2.sh'), 'echo ran\n');
		let replies = '';
		spawner.child.stdout!.on('data', (chunk: Buffer) => (replies += chunk.toString()));
		spawner.child.stdin!.write(`${spawner.request}x`);
		const status = path.join(spawner.spoolDir, 's1.status');
		await expect.poll(() => existsSync(status), {timeout: 5000, interval: 20}).toBe(true);
		expect(readFileSync(status, 'utf8')).toBe('143\n');
		expect(readFileSync(path.join(spawner.spoolDir, 's1.out'), 'utf8')).toBe('');
		spawner.child.stdin!.write(`${spawner.requestOf('s2')}g`);
		await expect
			.poll(() => existsSync(path.join(spawner.spoolDir, 's2.status')), {timeout: 5000, interval: 20})
			.toBe(true);
		expect(readFileSync(path.join(spawner.spoolDir, 's2.out'), 'utf8')).toBe('ran\n');
		expect(replies).toMatch(/^\d+\n\d+\n$/);
		spawner.child.stdin!.end();
		expect(await within(spawner.ended, 5000)).toBe(0);
	});

	it('does not run a step whose runner is gone after reading its pid but before saying go', async () => {
		const spawner = startSpawner();
		let replies = '';
		spawner.child.stdout!.on('data', (chunk: Buffer) => (replies += chunk.toString()));
		spawner.child.stdin!.write(spawner.request);
		await expect.poll(() => replies, {timeout: 5000, interval: 20}).toMatch(/^\d+\n$/);
		spawner.child.stdin!.end();
		expect(await within(spawner.ended, 5000)).toBe(0);
		// The wrapper is a process of its own: gone, it has run the step or not.
		await expect.poll(() => existsSync(`/proc/${parseInt(replies)}`), {timeout: 5000, interval: 20}).toBe(false);
		expect(existsSync(path.join(spawner.spoolDir, 's1.status'))).toBe(false);
		expect(readFileSync(path.join(spawner.spoolDir, 's1.out'), 'utf8')).toBe('');
		// It says so, for the resume: the step never ran, though its wrapper had started.
		const spool = {
			out: path.join(spawner.spoolDir, 's1.out'),
			err: path.join(spawner.spoolDir, 's1.err'),
			status: path.join(spawner.spoolDir, 's1.status'),
		};
		expect(commandFate(spool, {pid: parseInt(replies)})).toBe('never-started');
	});
});
