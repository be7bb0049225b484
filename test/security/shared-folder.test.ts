// Actor: a member of the shared deploy group, played by a second, unprivileged user this test
// creates (root only). Promise 1: a sealed log stands for the run that wrote it. A group member
// who renames a live session's directory must not redirect the runner (its `.sig` and spool
// go into the directory it made, the old name is never made again), and one who swaps an
// older session's files into a newer session's directory must not get a VALID for the wrong run.
import {spawn, spawnSync} from 'node:child_process';
import {writeFile} from 'node:fs/promises';
import {
	chmodSync,
	chownSync,
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	renameSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect} from 'vitest';
import {binRunbook, isolatedEnv, runCli} from '../helpers/cli.js';
import {skipUnless} from '../helpers/skip.js';

type Member = {user: string; group: string; uid: number; gid: number};

/** A throwaway group and a member of it with no home and no other groups; or why there is none. */
function createGroupMember(): Member | string {
	if (process.getuid?.() !== 0) return 'not root, so no second user can be created (useradd)';
	const group = `rbgrp${process.pid}`;
	const user = `rbmember${process.pid}`;
	for (const [command, ...args] of [
		['groupadd', group],
		['useradd', '-M', '-N', '-g', group, '-s', '/usr/sbin/nologin', user],
	] as const) {
		const made = spawnSync(command, args, {encoding: 'utf8'});
		if (made.status !== 0) return `${command} failed: ${(made.stderr || made.error?.message || '').trim()}`;
	}
	const id = (flag: string) => Number(spawnSync('id', [flag, user], {encoding: 'utf8'}).stdout.trim());
	return {user, group, uid: id('-u'), gid: id('-g')};
}

const member = createGroupMember();
const asMemberIt = skipUnless(typeof member !== 'string', typeof member === 'string' ? member : '');

afterAll(() => {
	if (typeof member === 'string') return;
	spawnSync('userdel', [member.user]);
	spawnSync('groupdel', [member.group]);
});

/** `mv` as the group member: the attack itself, with the member's rights only. */
function moveAsMember(from: string, to: string) {
	const {uid, gid} = member as Member;
	return spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', 'mv', '-T', from, to], {
		encoding: 'utf8',
	});
}

/** A shared sessions folder as the README sets it up (`mode`: 3770 documented, 2770 the old advice). */
function sharedFolder(mode: number): string {
	const base = mkdtempSync(path.join(os.tmpdir(), 'runbook-shared-'));
	chmodSync(base, 0o755);
	const folder = path.join(base, 'sessions');
	mkdirSync(folder);
	chownSync(folder, 0, (member as Member).gid);
	chmodSync(folder, mode);
	return folder;
}

/** A runbook whose first step waits for the test to open a gate (a FIFO), then one more step. */
function gatedRunbook(): {file: string; gate: string} {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-gated-'));
	const gate = path.join(dir, 'gate');
	spawnSync('mkfifo', [gate]);
	const file = path.join(dir, 'gated.yaml');
	writeFileSync(
		file,
		`version: 1\nname: Gated\nphases:\n  - id: only\n    steps:\n      - id: wait\n        run: cat "$GATE"\n      - id: after\n        run: echo after-the-rename\n`,
	);
	return {file, gate};
}

function startRun(runbook: string, folder: string, gate: string) {
	const child = spawn(process.execPath, [binRunbook, 'run', runbook, '--yes', '--log-dir', folder], {
		env: {...process.env, ...isolatedEnv, CI: 'true', GATE: gate},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stderr = '';
	child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
	const ended = new Promise<{code: number | null; stderr: string}>((resolve) =>
		child.on('close', (code) => resolve({code, stderr})),
	);
	return {child, ended};
}

/** The one session directory in `folder`, once its first step is running (its spool exists). */
async function runningSession(folder: string): Promise<string> {
	await expect
		.poll(() => readdirSync(folder).some((id) => existsSync(path.join(folder, id, 'spool', 'wait.1.out'))), {
			timeout: 10_000,
		})
		.toBe(true);
	return readdirSync(folder)[0]!;
}

describe('the shared sessions folder, attacked by a group member', () => {
	asMemberIt(
		"a live session's directory renamed mid-run: the runner seals it where it is, never makes the old name again, and says where it is",
		async () => {
			// The old advice (2770, no sticky bit) lets the member rename it; the runner warns of that.
			const folder = sharedFolder(0o2770);
			const {file, gate} = gatedRunbook();
			const run = startRun(file, folder, gate);
			const id = await runningSession(folder);
			const moved = path.join(folder, `${id}-moved`);
			expect(moveAsMember(path.join(folder, id), moved).status).toBe(0);
			await writeFile(gate, 'go\n');
			const {code, stderr} = await run.ended;

			expect(code).toBe(0);
			expect(existsSync(path.join(folder, id))).toBe(false);
			expect(readdirSync(folder)).toEqual([`${id}-moved`]);
			expect(existsSync(path.join(moved, 'session.jsonl.sig'))).toBe(true);
			expect(stderr).toContain(`the sessions folder ${folder} is writable by its group without the sticky bit`);
			expect(stderr).toContain(`its log and signature are in ${moved}`);
			const log = readFileSync(path.join(moved, 'session.jsonl'), 'utf8');
			expect(log).toContain('after-the-rename');
			const verified = runCli(['verify', moved]);
			expect(verified.stdout).toMatch(new RegExp(`^VALID: .* · session ${id}$`, 'm'));
			expect(verified.code).toBe(0);
		},
		30_000,
	);

	asMemberIt(
		"under the documented mode 3770 the member can neither rename nor swap another's session",
		async () => {
			const folder = sharedFolder(0o3770);
			const {file, gate} = gatedRunbook();
			const run = startRun(file, folder, gate);
			const id = await runningSession(folder);
			const refused = moveAsMember(path.join(folder, id), path.join(folder, `${id}-moved`));
			await writeFile(gate, 'go\n');
			const {code, stderr} = await run.ended;

			expect(refused.status).not.toBe(0);
			expect(refused.stderr).toMatch(/Operation not permitted/);
			expect(code).toBe(0);
			expect(stderr).not.toMatch(/sticky bit|was moved/);
			expect(statSync(folder).mode & 0o7777).toBe(0o3770);
			expect(runCli(['verify', path.join(folder, id)]).code).toBe(0);
		},
		30_000,
	);

	asMemberIt(
		"an older session's files swapped into a newer session's directory are never VALID for the newer run",
		async () => {
			const folder = sharedFolder(0o2770);
			const ids: string[] = [];
			for (const name of ['older', 'newer']) {
				const {file, gate} = gatedRunbook();
				const run = startRun(file, folder, gate);
				await expect.poll(() => readdirSync(folder).length, {timeout: 10_000}).toBe(ids.length + 1);
				await writeFile(gate, `${name}\n`);
				expect((await run.ended).code).toBe(0);
				ids.push(readdirSync(folder).find((id) => !ids.includes(id))!);
			}
			const [older, newer] = ids as [string, string];
			// The member puts the newer run aside and the older one's files in its place.
			expect(moveAsMember(path.join(folder, newer), path.join(folder, 'aside')).status).toBe(0);
			expect(moveAsMember(path.join(folder, older), path.join(folder, newer)).status).toBe(0);

			for (const given of [path.join(folder, newer), newer, path.join(folder, newer, 'session.jsonl')]) {
				const verified = runCli(['verify', given, '--log-dir', folder]);
				expect(verified.stdout).not.toMatch(/^VALID/m);
				expect(verified.code).toBe(1);
				expect(verified.stdout).toContain(`the header is of session \`${older}\`, not \`${newer}\``);
			}
			// A copy under a name that claims no session still names the run it really is.
			const copy = path.join(mkdtempSync(path.join(os.tmpdir(), 'runbook-copy-')), 'evidence');
			cpSync(path.join(folder, newer), copy, {recursive: true});
			renameSync(copy, `${copy}-2`);
			expect(runCli(['verify', `${copy}-2`]).stdout).toMatch(new RegExp(`^VALID: .* · session ${older}$`, 'm'));
		},
		30_000,
	);
});
