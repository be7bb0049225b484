// The session's runner lock is taken while the screen is set up, not before: a run whose lock
// cannot be taken must still stop before its first step, say why, and exit 2.
import {existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCli} from '../helpers/cli.js';

describe('a run whose runner lock cannot be taken', () => {
	it('runs no step, says the lock failed and exits 2', () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'runner-lock-refused-'));
		// A PATH with the shells but without flock(1): the lock's keeper cannot lock anything.
		const bin = path.join(dir, 'bin');
		mkdirSync(bin);
		for (const shell of ['sh', 'bash']) symlinkSync(`/bin/${shell}`, path.join(bin, shell));
		const marker = path.join(dir, 'step-ran');
		const file = path.join(dir, 'one-step.yaml');
		writeFileSync(
			file,
			`version: 1\nname: Refused\nphases:\n  - id: p\n    steps:\n      - id: mark\n        run: echo ran > ${marker}\n`,
		);
		// --concurrent: no lock on runs of the file, so the session's own lock is the first one tried.
		const run = runCli(['run', file, '--yes', '--concurrent', '--log-dir', path.join(dir, 'sessions')], {
			env: {CI: 'true', PATH: bin},
		});
		expect(run.stderr).toMatch(/cannot lock .*runner\.lock/);
		expect(run.code).toBe(2);
		expect(existsSync(marker)).toBe(false);
	});
});
