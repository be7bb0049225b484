// A session directory held by an open descriptor. In a shared sessions folder a group member
// may rename a live session's directory; every later file operation of the runner must still
// land in the directory it created, never in whatever now has its old name. Node has no
// openat(2), but on Linux `/proc/<pid>/fd/<fd>/name` resolves through the open directory
// itself, wherever it has been moved. Using our pid (not `self`) lets our children (flock(1),
// a step's wrapper starting up) resolve the same path while we live.
import {closeSync, constants, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readlinkSync} from 'node:fs';

export class HeldDir {
	private readonly base: string;
	private isClosed = false;

	private constructor(
		/** The path it was opened by: what the operator is shown. */
		readonly shownPath: string,
		private readonly fd: number,
	) {
		const proc = `/proc/${process.pid}/fd/${fd}`;
		// Without /proc (not Linux) the path is all there is.
		this.base = existsSync(proc) ? proc : shownPath;
	}

	/** Opens an existing directory; a symbolic link in its place is refused (ELOOP). */
	static open(dir: string): HeldDir {
		return new HeldDir(dir, openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW));
	}

	/** Makes a new directory (never over an existing one: EEXIST) and holds it. */
	static create(dir: string, mode: number): HeldDir {
		mkdirSync(dir, {mode});
		return HeldDir.open(dir);
	}

	/** A path to `name` inside the held directory (the directory itself without a name), for this process and its children. */
	at(name?: string): string {
		return name ? `${this.base}/${name}` : this.base;
	}

	/** Where the directory is now, when its path no longer names it (renamed, or replaced); undefined when it still does. */
	movedTo(): string | undefined {
		const held = fstatSync(this.fd);
		try {
			const named = lstatSync(this.shownPath);
			if (named.dev === held.dev && named.ino === held.ino) return undefined;
		} catch {
			// Nothing by that name any more.
		}
		try {
			return readlinkSync(`/proc/${process.pid}/fd/${this.fd}`);
		} catch {
			return '(somewhere runbook cannot name)';
		}
	}

	close(): void {
		if (this.isClosed) return;
		this.isClosed = true;
		closeSync(this.fd);
	}
}
