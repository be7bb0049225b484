// Actor: the operator (or a colleague) starting two runners at once. Promise 5: one runner per
// session; a lock never outlives the process that holds it.
import {spawn} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {buildSync} from 'esbuild';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {describeHolder, LockKeeper} from '../../src/store/runner-lock.js';

/** One lock taken by a keeper of its own, as a runner takes its first: the keeper is the lock to release. */
async function takeAlone(file: string, what: string) {
	const keeper = LockKeeper.start();
	const got = await keeper.acquire(file, what);
	if (got.ok) return {ok: true as const, lock: keeper};
	keeper.release();
	return got;
}

/** The lock module as plain JavaScript, for a separate node process to import. */
function builtLockModule(): string {
	const entry = fileURLToPath(new URL('../../src/store/runner-lock.ts', import.meta.url));
	const built = buildSync({entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', write: false});
	const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rb-lock-js-')), 'runner-lock.mjs');
	writeFileSync(file, built.outputFiles[0]!.text);
	return file;
}

function lockFile() {
	return path.join(mkdtempSync(path.join(os.tmpdir(), 'rb-lock-')), 'runner.lock');
}

/** A separate process that takes the locks (through one keeper), says what it got, and holds them until killed. */
function holderProcess(file: string, ...more: string[]) {
	const script = `import {LockKeeper} from ${JSON.stringify(builtLockModule())};
const keeper = LockKeeper.start();
const got = [];
for (const file of ${JSON.stringify([file, ...more])}) got.push(await keeper.acquire(file, 'test'));
console.log(got.every((one) => one.ok) ? 'won' : 'lost');
setInterval(() => {}, 1000);`;
	const child = spawn(process.execPath, ['--input-type=module', '-e', script], {stdio: ['ignore', 'pipe', 'inherit']});
	const said = new Promise<string>((resolve) =>
		child.stdout.once('data', (data: Buffer) => resolve(data.toString().trim())),
	);
	return {child, said};
}

describe('the runner lock', () => {
	it('a second taker is refused and told who holds it; after release it can take it', async () => {
		const file = lockFile();
		const first = await takeAlone(file, 'session one');
		expect(first.ok).toBe(true);
		const second = await takeAlone(file, 'session one');
		expect(second.ok).toBe(false);
		if (second.ok) return;
		expect(second.holder).toMatchObject({pid: process.pid, user: os.userInfo().username, what: 'session one'});
		expect(describeHolder(second.holder)).toMatch(new RegExp(`^pid ${process.pid} \\(.+@.+, since \\d{4}-`));
		if (first.ok) first.lock.release();
		await expect
			.poll(async () => {
				const third = await takeAlone(file, 'session one');
				if (third.ok) third.lock.release();
				return third.ok;
			})
			.toBe(true);
	});

	it('a holder killed with SIGKILL lets the lock go', async () => {
		const file = lockFile();
		const holder = holderProcess(file);
		expect(await holder.said).toBe('won');
		const whileHeld = await takeAlone(file, 'x');
		expect(whileHeld.ok).toBe(false);
		holder.child.kill('SIGKILL');
		await new Promise((resolve) => holder.child.once('exit', resolve));
		await expect
			.poll(async () => {
				const after = await takeAlone(file, 'x');
				if (after.ok) after.lock.release();
				return after.ok;
			})
			.toBe(true);
	});

	it('of 20 takers started together, exactly one wins', async () => {
		const file = lockFile();
		const results = await Promise.all(Array.from({length: 20}, () => takeAlone(file, 'race')));
		expect(results.filter((r) => r.ok)).toHaveLength(1);
		for (const r of results) if (r.ok) r.lock.release();
	});

	it('one keeper holds several locks, refuses a file it holds already, and a holder killed with SIGKILL lets all go', async () => {
		const [first, second] = [lockFile(), lockFile()];
		const own = LockKeeper.start();
		const taken = await own.acquire(first, 'mine');
		expect(taken).toEqual({ok: true});
		const again = await own.acquire(first, 'mine again');
		expect(again.ok).toBe(false);
		if (!again.ok) expect(again.holder).toMatchObject({pid: process.pid, what: 'mine'});
		const holder = holderProcess(lockFile(), second);
		expect(await holder.said).toBe('won');
		expect((await takeAlone(second, 'x')).ok).toBe(false);
		expect((await own.acquire(second, 'x')).ok).toBe(false);
		holder.child.kill('SIGKILL');
		await new Promise((resolve) => holder.child.once('exit', resolve));
		await expect.poll(async () => (await own.acquire(second, 'x')).ok).toBe(true);
	});
});
