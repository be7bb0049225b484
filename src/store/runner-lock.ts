// One runner per session (and per runbook file on a host): an exclusive flock(2) held for the
// runner's life. Node has no flock, so util-linux's flock(1) holds it in a small child whose
// stdin is our pipe: when the runner ends in any way (exit, crash, kill -9, SSH drop), the
// pipe closes, the child exits and the kernel releases the lock. A stale lock cannot outlive
// its holder, and two runners started together cannot both win, which a pid file cannot promise.
import {spawn, type ChildProcess} from 'node:child_process';
import {closeSync, constants, lstatSync, mkdirSync, openSync, readFileSync, writeSync, ftruncateSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Who holds a lock, as its holder wrote it into the lock file. */
export type LockHolder = {pid: number; user: string; host: string; sinceWall: string; what: string};

/** flock's exit status when another process holds the lock (`--conflict-exit-code`). */
const conflictStatus = 75;

export class RunnerLock {
	private constructor(private readonly child: ChildProcess) {}

	/**
	 * Takes the lock on `file` (created if missing, with `mode`) without waiting, and writes
	 * `what` and who we are into it. When another runner holds it: who that is, as far as
	 * its file says.
	 */
	static async acquire(
		file: string,
		what: string,
		mode = 0o640,
	): Promise<{ok: true; lock: RunnerLock} | {ok: false; holder: LockHolder | undefined; problem?: string}> {
		// Created here, so its mode is ours (flock would create it with the umask's).
		try {
			closeSync(openSync(file, constants.O_CREAT | constants.O_RDONLY | constants.O_NOFOLLOW, mode));
		} catch (error) {
			return {
				ok: false,
				holder: undefined,
				problem: `cannot open the lock ${file}: ${(error as NodeJS.ErrnoException).code}`,
			};
		}
		const child = spawn(
			'flock',
			[
				'--nonblock',
				'--conflict-exit-code',
				String(conflictStatus),
				'--close',
				file,
				'sh',
				'-c',
				'echo locked; exec cat >/dev/null',
			],
			{stdio: ['pipe', 'pipe', 'ignore']},
		);
		const outcome = await new Promise<'locked' | number | Error>((resolve) => {
			child.stdout!.once('data', () => resolve('locked'));
			child.once('exit', (code) => resolve(code ?? -1));
			child.once('error', resolve);
		});
		if (outcome !== 'locked') {
			if (outcome === conflictStatus) return {ok: false, holder: readHolder(file)};
			const reason = outcome instanceof Error ? outcome.message : `flock exited with ${outcome}`;
			return {ok: false, holder: undefined, problem: `cannot lock ${file}: ${reason}`};
		}
		// The child must not keep the runner alive; it ends when our side of its stdin closes.
		child.unref();
		(child.stdout as unknown as {unref(): void}).unref();
		(child.stdin as unknown as {unref(): void}).unref();
		// A lock file someone else made and we cannot write to still locks; it only names no one.
		tryWriteHolder(file, {
			pid: process.pid,
			user: os.userInfo().username,
			host: os.hostname(),
			sinceWall: new Date().toISOString(),
			what,
		});
		return {ok: true, lock: new RunnerLock(child)};
	}

	/** Lets the lock go now (it also goes by itself when the process ends). */
	release(): void {
		this.child.stdin?.end();
	}
}

/** "pid 4242 (alice@box, since 2026-11-30T08:00:00.000Z)": for the loser's message. */
export function describeHolder(holder: LockHolder | undefined): string {
	if (!holder) return 'another runner (it left no name)';
	return `pid ${holder.pid} (${holder.user}@${holder.host}, since ${holder.sinceWall})`;
}

function tryWriteHolder(file: string, holder: LockHolder) {
	try {
		writeHolder(file, holder);
	} catch {
		// Named by no one: the loser is told "another runner".
	}
}

/**
 * This user's folder for host-wide runner locks: `<tmpdir>/runbook-locks-<uid>`, mode 0700. It is
 * per user, not shared, because another local user could pre-create a shared one and hold or swap
 * its files; one they pre-created under our name (not ours, a symlink, open to others) is refused.
 */
export function userLockDir(): {ok: true; path: string} | {ok: false; problem: string} {
	const uid = process.getuid?.() ?? 0;
	const dir = path.join(os.tmpdir(), `runbook-locks-${uid}`);
	try {
		mkdirSync(dir, {mode: 0o700});
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
			return {ok: false, problem: `cannot make the lock folder ${dir}: ${(error as NodeJS.ErrnoException).code}`};
	}
	const stat = lstatSync(dir);
	if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o077) !== 0)
		return {
			ok: false,
			problem: `the lock folder ${dir} is not a folder of yours that only you can use (someone else may have made it)`,
		};
	return {ok: true, path: dir};
}

function writeHolder(file: string, holder: LockHolder) {
	const fd = openSync(file, constants.O_WRONLY | constants.O_NOFOLLOW);
	try {
		ftruncateSync(fd, 0);
		writeSync(fd, `${JSON.stringify(holder)}\n`);
	} finally {
		closeSync(fd);
	}
}

function readHolder(file: string): LockHolder | undefined {
	try {
		const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
		if (typeof parsed.pid !== 'number' || typeof parsed.user !== 'string') return undefined;
		return {
			pid: parsed.pid,
			user: parsed.user,
			host: String(parsed.host),
			sinceWall: String(parsed.sinceWall),
			what: String(parsed.what),
		};
	} catch {
		return undefined;
	}
}
