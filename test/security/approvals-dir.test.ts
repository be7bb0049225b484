// Actor: a member of the shared deploy group, who may put anything in a session's `approvals/`.
// Promise: the runner reads only regular files there; nothing in it can freeze the runner or make it
// read another file (threat model, promises 3 and 6).
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {ApprovalInbox, maxApprovalFileBytes, readHandedInFile, type HandedIn} from '../../src/store/approvals-dir.js';

let inbox: ApprovalInbox | undefined;
afterEach(() => inbox?.close());

function plantedDir() {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'rb-approvals-'));
	const approvals = path.join(dir, 'approvals');
	mkdirSync(approvals);
	return {dir, approvals};
}

describe('approvals/ accepts regular files only', () => {
	it('a FIFO, a symlink and an oversized file are passed over; the real answer still arrives', async () => {
		const {dir, approvals} = plantedDir();
		execFileSync('mkfifo', [path.join(approvals, '1-fifo.json')]);
		const secret = path.join(dir, 'outside.json');
		writeFileSync(secret, '{"planted":"read through a link"}\n');
		symlinkSync(secret, path.join(approvals, '2-link.json'));
		writeFileSync(path.join(approvals, '3-huge.json'), `"${'x'.repeat(maxApprovalFileBytes)}"\n`);
		writeFileSync(path.join(approvals, '4-real.json'), '{"decision":"approve"}\n');

		const arrived = await new Promise<HandedIn[]>((resolve) => {
			inbox = new ApprovalInbox(approvals, resolve);
		});
		expect(arrived.map((a) => path.basename(a.file))).toEqual(['4-real.json']);
		expect(arrived[0]!.content).toEqual({decision: 'approve'});
	});

	it('says why each special file is refused, without blocking on the FIFO', () => {
		const {dir, approvals} = plantedDir();
		const fifo = path.join(approvals, 'fifo.json');
		execFileSync('mkfifo', [fifo]);
		const link = path.join(approvals, 'link.json');
		symlinkSync(path.join(dir, 'nowhere'), link);
		expect(readHandedInFile(fifo)).toEqual({kind: 'refused', reason: 'not a regular file'});
		expect(readHandedInFile(link)).toEqual({kind: 'refused', reason: 'a symbolic link'});
		expect(readHandedInFile(path.join(approvals, 'gone.json'))).toEqual({kind: 'gone'});
	});
});
