// Where second approvers hand in their answers: `approvals/` in the session directory, writable
// by the session's group (setgid, so files keep the group; sticky, so nobody removes another's
// file). The log itself stays writable by its runner only.
import {randomBytes} from 'node:crypto';
import {
	chmodSync,
	closeSync,
	constants,
	fstatSync,
	mkdirSync,
	openSync,
	readdirSync,
	readSync,
	rmSync,
	watch,
	writeFileSync,
	type FSWatcher,
} from 'node:fs';
import path from 'node:path';

export function approvalsDir(sessionDir: string): string {
	return path.join(sessionDir, 'approvals');
}

/**
 * Makes the directory (once) with the group able to add files to it; inside an existing
 * session directory only, never with its parents (a renamed session is not made again).
 */
export function openApprovalsDir(sessionDir: string): string {
	const dir = approvalsDir(sessionDir);
	try {
		mkdirSync(dir);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
	}
	// The umask would take the group's write bit away: set the mode explicitly.
	chmodSync(dir, 0o3770);
	return dir;
}

/** Hands in an answer as a new file; never overwrites one. */
export function writeApprovalFile(sessionDir: string, content: unknown): string {
	const file = path.join(approvalsDir(sessionDir), `${Date.now()}-${randomBytes(4).toString('hex')}.json`);
	writeFileSync(file, `${JSON.stringify(content)}\n`, {flag: 'wx', mode: 0o640});
	return file;
}

export type HandedIn = {file: string; content: unknown};

/** An answer is a small JSON object; anything larger is not one, and is never read whole. */
export const maxApprovalFileBytes = 64 * 1024;

/**
 * Reads a handed-in answer without trusting what the group put there: a symlink is not followed
 * (the runner may be root), a FIFO or device does not block the runner (non-blocking open, then
 * fstat), and only a regular file of at most `maxApprovalFileBytes` is read.
 */
export function readHandedInFile(
	file: string,
): {kind: 'file'; text: string} | {kind: 'refused'; reason: string} | {kind: 'gone'} {
	let fd: number;
	try {
		fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return {kind: 'gone'};
		return {kind: 'refused', reason: code === 'ELOOP' ? 'a symbolic link' : `unreadable (${code})`};
	}
	try {
		const stat = fstatSync(fd);
		if (!stat.isFile()) return {kind: 'refused', reason: 'not a regular file'};
		if (stat.size > maxApprovalFileBytes) return {kind: 'refused', reason: `larger than ${maxApprovalFileBytes} bytes`};
		const buffer = Buffer.alloc(stat.size);
		let read = 0;
		while (read < stat.size) {
			const count = readSync(fd, buffer, read, stat.size - read, read);
			if (count === 0) break;
			read += count;
		}
		return {kind: 'file', text: buffer.subarray(0, read).toString('utf8')};
	} finally {
		closeSync(fd);
	}
}

/**
 * How often the directory is read: with change notifications only to catch one they missed (some
 * filesystems, NFS among them, drop them), so an approver waits at most a second more then and an
 * idle runner is not woken five times a second; without them, often enough to feel immediate.
 */
const watchedPollMs = 1000;
const unwatchedPollMs = 200;

/** Watches the directory and reports each whole file once; the runner removes what it has recorded. */
export class ApprovalInbox {
	private readonly seen = new Set<string>();
	private watcher: FSWatcher | undefined;
	private poller: NodeJS.Timeout;

	constructor(
		private readonly dir: string,
		private readonly onFiles: (files: HandedIn[]) => void,
	) {
		try {
			this.watcher = watch(dir, () => this.look());
			this.watcher.on('error', () => {
				this.watcher?.close();
				this.watcher = undefined;
				clearInterval(this.poller);
				this.poller = setInterval(() => this.look(), unwatchedPollMs);
			});
		} catch {
			this.watcher = undefined;
		}
		this.poller = setInterval(() => this.look(), this.watcher ? watchedPollMs : unwatchedPollMs);
		setImmediate(() => this.look());
	}

	close(): void {
		clearInterval(this.poller);
		this.watcher?.close();
	}

	remove(file: string): void {
		rmSync(file, {force: true});
	}

	private look() {
		let names: string[];
		try {
			names = readdirSync(this.dir)
				.filter((n) => n.endsWith('.json') && !this.seen.has(n))
				.sort();
		} catch {
			return;
		}
		const files: HandedIn[] = [];
		for (const name of names) {
			const file = path.join(this.dir, name);
			const handedIn = readHandedInFile(file);
			if (handedIn.kind === 'gone') continue;
			if (handedIn.kind === 'refused') {
				// Never an answer, whatever it becomes later: a FIFO or link is not looked at again.
				this.seen.add(name);
				continue;
			}
			const text = handedIn.text;
			// Written in one go by `runbook approve`; a file without its last newline is still being written.
			if (!text.endsWith('\n')) continue;
			this.seen.add(name);
			let content: unknown;
			try {
				content = JSON.parse(text);
			} catch {
				content = undefined;
			}
			files.push({file, content});
		}
		if (files.length > 0) this.onFiles(files);
	}
}
