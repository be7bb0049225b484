// Where second approvers hand in their answers: `approvals/` in the session directory, writable
// by the session's group (setgid, so files keep the group; sticky, so nobody removes another's
// file). The log itself stays writable by its runner only.
import {randomBytes} from 'node:crypto';
import {chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, watch, writeFileSync, type FSWatcher} from 'node:fs';
import path from 'node:path';

export function approvalsDir(sessionDir: string): string {
	return path.join(sessionDir, 'approvals');
}

/** Makes the directory (once) with the group able to add files to it. */
export function openApprovalsDir(sessionDir: string): string {
	const dir = approvalsDir(sessionDir);
	mkdirSync(dir, {recursive: true});
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

/** Watches the directory and reports each whole file once; the runner removes what it has recorded. */
export class ApprovalInbox {
	private readonly seen = new Set<string>();
	private watcher: FSWatcher | undefined;
	private readonly poller: NodeJS.Timeout;

	constructor(
		private readonly dir: string,
		private readonly onFiles: (files: HandedIn[]) => void,
	) {
		try {
			this.watcher = watch(dir, () => this.look());
			this.watcher.on('error', () => this.watcher?.close());
		} catch {
			this.watcher = undefined;
		}
		this.poller = setInterval(() => this.look(), 200);
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
			let text: string;
			try {
				text = readFileSync(file, 'utf8');
			} catch {
				continue;
			}
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
