// One live run of a runbook file per user and host: a second is refused with who holds it, and a
// file with a problem is still reported as such first (the lock is taken early, while `run` loads).
import {spawn} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {binRunbook, isolatedEnv, repoRoot, runCli} from '../helpers/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-lock-'));
const file = path.join(dir, 'hold.yaml');
writeFileSync(
	file,
	'version: 1\nname: Held\nphases:\n  - id: p\n    steps:\n      - id: hold\n        run: echo holding; sleep 30\n',
);
const holder = spawn(process.execPath, [binRunbook, 'run', file, '--yes', '--log-dir', path.join(dir, 'sessions')], {
	cwd: repoRoot,
	env: {...process.env, ...isolatedEnv, CI: 'true'},
	stdio: ['ignore', 'pipe', 'pipe'],
});
const holding = new Promise<void>((resolve, reject) => {
	let seen = '';
	holder.stdout.on('data', (chunk: Buffer) => {
		seen += chunk.toString('utf8');
		if (seen.includes('holding')) resolve();
	});
	holder.on('exit', (code) => reject(new Error(`the first run ended early (${code}): ${seen}`)));
});
afterAll(() => {
	holder.kill('SIGTERM');
});

describe('the lock on runs of one runbook file', () => {
	it('refuses a second run of the file while the first is live, and names the first', async () => {
		await holding;
		const second = runCli(['run', file, '--yes', '--log-dir', path.join(dir, 'sessions')], {env: {CI: 'true'}});
		expect(second.code).toBe(2);
		expect(second.stderr).toMatch(
			new RegExp(
				`a run of ${file} has a runner already: pid ${holder.pid} .*give --concurrent to run it a second time`,
			),
		);
	});

	it('reports a problem in the file before the lock', async () => {
		await holding;
		writeFileSync(file, 'version: 1\nname: Held\nphases: 7\n');
		const second = runCli(['run', file, '--yes', '--log-dir', path.join(dir, 'sessions')], {env: {CI: 'true'}});
		expect(second.code).toBe(2);
		expect(second.stderr).not.toContain('has a runner already');
		expect(second.stderr).toContain(file);
	});
});
