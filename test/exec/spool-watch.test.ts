// The spool directory's watcher is shared by the steps that follow one another: each step hears
// the changes made while it listens, and none after it stopped.
import {mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {watchSpoolDirectory} from '../../src/exec/spool-watch.js';

const changeHeard = (dir: string, file: string) =>
	new Promise<() => void>((resolve) => {
		const stop = watchSpoolDirectory(dir, () => resolve(stop!));
		expect(stop).toBeDefined();
		writeFileSync(path.join(dir, file), 'output\n');
	});

describe('the spool directory watch', () => {
	it('a step after another hears its own changes; the one that stopped hears none', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-spool-watch-'));
		const stopFirst = await changeHeard(dir, 's1.1.out');
		stopFirst();
		let isFirstCalledAgain = false;
		const stopStale = watchSpoolDirectory(dir, () => (isFirstCalledAgain = true));
		stopStale!();
		const stopSecond = await changeHeard(dir, 's2.1.out');
		stopSecond();
		expect(isFirstCalledAgain).toBe(false);
	});

	it('a directory that cannot be watched says so, and the step polls alone', () => {
		expect(watchSpoolDirectory(path.join(os.tmpdir(), 'runbook-no-such-spool', 'spool'), () => {})).toBeUndefined();
	});
});
