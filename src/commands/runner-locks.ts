// The runner locks `run` and `resume` hold for their life: one on the session directory (one
// runner per session) and one per runbook file for this user on this host (one live run of a
// file unless `--concurrent`). The loser says who holds the lock, exit 2.
import {createHash} from 'node:crypto';
import path from 'node:path';
import {describeHolder, LockKeeper, userLockDir} from '../store/runner-lock.js';
import {UsageError} from './usage-error.js';

/**
 * The one child that holds this process's locks, started by the first: held until the process
 * ends, since a lock that went out of reach could be collected and let go. The screen commands'
 * script takes this module from the CLI (scripts/screen-script.mjs), so both share it.
 */
let keeper: LockKeeper | undefined;

/** Takes the lock on `file` for the rest of this process, or says who holds it (a UsageError). */
export async function holdRunnerLock(file: string, what: string, hint = ''): Promise<void> {
	keeper ??= LockKeeper.start();
	const got = await keeper.acquire(file, what);
	if (got.ok) return;
	if (got.problem !== undefined) throw new UsageError(got.problem);
	throw new UsageError(`${what} has a runner already: ${describeHolder(got.holder)}${hint}`);
}

/** The lock for runs of the runbook at `file` (its absolute path) by this user on this host. */
export async function holdRunbookLock(file: string): Promise<void> {
	const absolute = path.resolve(file);
	const dir = userLockDir();
	if (!dir.ok) throw new UsageError(`${dir.problem}; give --concurrent to run without it`);
	const key = createHash('sha256').update(absolute).digest('hex').slice(0, 32);
	await holdRunnerLock(
		path.join(dir.path, `${key}.lock`),
		`a run of ${absolute}`,
		'; give --concurrent to run it a second time anyway',
	);
}
