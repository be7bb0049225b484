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

/** "pid 4242 (alice@box, since 2026-11-30T08:00:00.000Z)": for the loser's message. */
export function describeHolder(holder: LockHolder | undefined): string {
	if (!holder) return 'another runner (it left no name)';
	return `pid ${holder.pid} (${holder.user}@${holder.host}, since ${holder.sinceWall})`;
}

/** What acquiring a lock came to: held, or who holds it (as far as its file says), or why it could not be tried. */
export type LockOutcome = {ok: true} | {ok: false; holder: LockHolder | undefined; problem?: string};

/** Creates the lock file here, so its mode is ours (flock would create it with the umask's); why not, when it cannot. */
function createLockFile(file: string, mode: number): (LockOutcome & {ok: false}) | undefined {
	try {
		closeSync(openSync(file, constants.O_CREAT | constants.O_RDONLY | constants.O_NOFOLLOW, mode));
		return undefined;
	} catch (error) {
		return {
			ok: false,
			holder: undefined,
			problem: `cannot open the lock ${file}: ${(error as NodeJS.ErrnoException).code}`,
		};
	}
}

/** Writes who we are into a lock we hold. A lock file someone else made and we cannot write to still locks; it only names no one. */
function nameHolder(file: string, what: string) {
	tryWriteHolder(file, {
		pid: process.pid,
		user: os.userInfo().username,
		host: os.hostname(),
		sinceWall: new Date().toISOString(),
		what,
	});
}

/**
 * Reads lock file names from stdin, one a line; opens each on a descriptor of its own (3 to 9)
 * and flocks it without waiting; answers `locked`, `busy` or `failed`. The descriptors, and so the
 * locks, stay with the shell until its stdin closes: until the runner ends, in any way.
 */
const keeperScript = `n=3
while IFS= read -r file; do
	if [ "$n" -gt 9 ]; then echo failed; continue; fi
	if eval "command exec $n<\\"\\$file\\"" 2>/dev/null; then
		flock -n -E ${conflictStatus} "$n"
		case $? in
			0) echo locked; n=$((n + 1));;
			${conflictStatus}) eval "exec $n<&-"; echo busy;;
			*) eval "exec $n<&-"; echo failed;;
		esac
	else
		echo failed
	fi
done`;

/**
 * One child that holds every runner lock this process takes, on descriptors of its own: a child
 * per lock cost the main thread ~8 ms to fork and the first frame ~20 ms of waiting for it. The
 * locks go when our side of the child's stdin closes: when the runner ends in any way, or on release.
 */
export class LockKeeper {
	private readonly answers: Array<(answer: string) => void> = [];
	private unread = '';
	private ended: string | undefined;

	private constructor(private readonly child: ChildProcess) {
		child.stdout!.setEncoding('utf8');
		child.stdout!.on('data', (text: string) => {
			this.unread += text;
			for (let newline = this.unread.indexOf('\n'); newline >= 0; newline = this.unread.indexOf('\n')) {
				const answer = this.unread.slice(0, newline);
				this.unread = this.unread.slice(newline + 1);
				this.answers.shift()?.(answer);
				this.holdRunnerWhileWaiting();
			}
		});
		const end = (why: string) => {
			this.ended ??= why;
			for (const answer of this.answers.splice(0)) answer('failed');
			this.holdRunnerWhileWaiting();
		};
		child.once('exit', (code) => end(`the lock keeper exited with ${code}`));
		child.once('error', (error) => end(error.message));
		this.holdRunnerWhileWaiting();
	}

	/** Starts the child; it holds nothing until asked. */
	static start(): LockKeeper {
		return new LockKeeper(spawn('sh', ['-c', keeperScript], {stdio: ['pipe', 'pipe', 'ignore']}));
	}

	/**
	 * Takes the lock on `file` (created if missing, with `mode`) without waiting, and writes `what`
	 * and who we are into it. When another runner holds it: who that is, as far as its file says.
	 */
	async acquire(file: string, what: string, mode = 0o640): Promise<LockOutcome> {
		const unopenable = createLockFile(file, mode);
		if (unopenable) return unopenable;
		if (file.includes('\n'))
			return {ok: false, holder: undefined, problem: `cannot lock ${file}: a newline in its name`};
		const answer =
			this.ended === undefined
				? await new Promise<string>((resolve) => {
						this.answers.push(resolve);
						this.holdRunnerWhileWaiting();
						this.child.stdin!.write(`${file}\n`);
					})
				: 'failed';
		if (answer === 'busy') return {ok: false, holder: readHolder(file)};
		if (answer !== 'locked')
			return {ok: false, holder: undefined, problem: `cannot lock ${file}: ${this.ended ?? 'flock failed'}`};
		nameHolder(file, what);
		return {ok: true};
	}

	/** Lets every lock it holds go now (they also go by themselves when the process ends). */
	release(): void {
		this.child.stdin?.end();
	}

	/** The child keeps the runner alive only while an answer is awaited; it ends with the runner. */
	private holdRunnerWhileWaiting() {
		const handles = [this.child, this.child.stdout, this.child.stdin] as unknown as Array<{ref(): void; unref(): void}>;
		for (const handle of handles) {
			if (this.answers.length > 0) handle.ref();
			else handle.unref();
		}
	}
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
