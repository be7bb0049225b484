// Vitest global setup: every temporary folder the tests make (and the CLI processes they start)
// goes under one folder of this run, removed at the end, instead of thousands left in /tmp.
// Mode 1777 like /tmp: the private PostgreSQL runs as an unprivileged user and makes its own
// folder in here, and the shared-folder tests expect /tmp's sticky bit on the parent.
import {chmodSync, mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
	const outer = os.tmpdir();
	const runDir = mkdtempSync(path.join(outer, 'rbt-'));
	chmodSync(runDir, 0o1777);
	process.env.TMPDIR = runDir;
	return () => {
		process.env.TMPDIR = outer;
		rmSync(runDir, {recursive: true, force: true, maxRetries: 3});
	};
}
