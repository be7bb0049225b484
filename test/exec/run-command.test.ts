import {mkdtempSync, readFileSync, existsSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {isAlive} from '../helpers/procs.js';
import {reattachCommand, runCommand, StepSpawner} from '../../src/exec/run-command.js';
import {readExitStatus, spoolPaths} from '../../src/exec/step-spool.js';
import {writeFileSync} from 'node:fs';

const spoolDir = mkdtempSync(path.join(os.tmpdir(), 'runbook-spool-'));
let attempt = 0;

function run(
	script: string,
	options: {timeoutMs?: number; graceMs?: number; keepStdoutBytes?: number; cwd?: string} = {},
) {
	const chunks: Array<[string, string]> = [];
	const command = runCommand({
		script,
		cwd: options.cwd ?? os.tmpdir(),
		env: process.env,
		spool: spoolPaths(spoolDir, 'step', ++attempt),
		onOutput: (stream, text) => chunks.push([stream, text]),
		...options,
	});
	const text = (stream: 'out' | 'err') =>
		chunks
			.filter(([s]) => s === stream)
			.map(([, t]) => t)
			.join('');
	return {command, chunks, text};
}

describe('running a step command', () => {
	it('reports an error printed after a burst of output after all of that output', async () => {
		// Two spool files: a slow reader of stdout used to let the stderr line overtake the stdout
		// lines written before it (about half the runs, and most after the reads grew).
		for (let round = 0; round < 10; round++) {
			const r = run('for i in $(seq 1 300); do echo "row $i of the build"; done; echo "warning: disk almost full" >&2');
			await r.command.done;
			expect(r.chunks.at(-1), `round ${round}`).toEqual(['err', 'warning: disk almost full\n']);
			expect(r.text('out').split('\n')).toHaveLength(301);
		}
	});

	it('reports the exit code and both streams, separately and in full', async () => {
		const r = run('echo to-out; echo to-err >&2; exit 3');
		const result = await r.command.done;
		expect(result).toMatchObject({code: 3, signal: null, isTimedOut: false, isCancelled: false, bytes: [7, 7]});
		expect(r.text('out')).toBe('to-out\n');
		expect(r.text('err')).toBe('to-err\n');
	});

	it('runs bash with -e and pipefail: the first failing command stops the step', async () => {
		const r = run('false | cat\necho never');
		expect((await r.command.done).code).toBe(1);
		expect(r.text('out')).toBe('');
	});

	it('says 127 for a missing command and names a missing working directory', async () => {
		expect((await run('no-such-command-xyz').command.done).code).toBe(127);
		const missing = await run('true', {cwd: '/definitely/not/here'}).command.done;
		expect(missing.error).toBe('working directory `/definitely/not/here` does not exist');
	});

	it('keeps standard output for capture only up to its cap', async () => {
		expect((await run('echo "  v2.4.1  "', {keepStdoutBytes: 1024}).command.done).stdout).toBe('  v2.4.1  \n');
		expect((await run('seq 1 1000', {keepStdoutBytes: 100}).command.done).stdout).toBeUndefined();
	});

	it('never splits a multi-byte character across chunks', async () => {
		const r = run(
			`node -e 'const b = Buffer.from("é€😀".repeat(3000)); for (let i = 0; i < b.length; i += 7) process.stdout.write(b.subarray(i, i + 7));'`,
		);
		await r.command.done;
		expect(r.text('out')).toBe('é€😀'.repeat(3000));
		expect(r.chunks.every(([, t]) => !t.includes('\uFFFD'))).toBe(true);
	});

	it('reports a spool read back in pieces of whole lines, and a line longer than a read whole', async () => {
		// Pieces that end where lines end leave the redactor nothing to hold back and join to the
		// next. A spool written whole before it is read (a reattached step) makes every read full.
		const spool = spoolPaths(spoolDir, 'whole', ++attempt);
		const lines = Array.from({length: 20000}, (_, i) => `${String(i + 1).padStart(100, '0')}\n`).join('');
		const out = `${lines}${'x'.repeat(1_500_000)}\nend`;
		writeFileSync(spool.out, out);
		writeFileSync(spool.err, '');
		writeFileSync(spool.status, '0\n');
		const pieces: Array<{text: string; end: number}> = [];
		const result = await reattachCommand({
			pid: 2 ** 22 + 1,
			spool,
			from: [0, 0],
			elapsedMs: 0,
			onOutput: (_, text, end) => pieces.push({text, end}),
		}).done;
		expect(result).toMatchObject({code: 0, bytes: [out.length, 0]});
		expect(pieces.map((piece) => piece.text).join('')).toBe(out);
		let before = 0;
		for (const piece of pieces) expect(piece.end).toBe((before += piece.text.length));
		expect(pieces.filter((piece) => piece.end <= lines.length && !piece.text.endsWith('\n'))).toEqual([]);
	});

	it('reports a flood on both streams whole, each piece with the spool byte it reaches', async () => {
		// More than one read of the spool and many decoded pieces, a character split at every
		// boundary: a later runner goes on from the byte each piece reports, so each must be exact.
		const ends: Record<'out' | 'err', {text: string; end: number}> = {out: {text: '', end: 0}, err: {text: '', end: 0}};
		let isExact = true;
		const command = runCommand({
			script: `node -e 'const b = Buffer.from("aé€😀\\n".repeat(60000)); process.stdout.write(b); process.stderr.write(b);'`,
			cwd: os.tmpdir(),
			env: process.env,
			spool: spoolPaths(spoolDir, 'step', ++attempt),
			onOutput: (stream, text, end) => {
				const seen = ends[stream as 'out' | 'err'];
				seen.text += text;
				if (end !== Buffer.byteLength(seen.text)) isExact = false;
				seen.end = end;
			},
		});
		const result = await command.done;
		const expected = 'aé€😀\n'.repeat(60000);
		expect(ends.out.text).toBe(expected);
		expect(ends.err.text).toBe(expected);
		expect(isExact).toBe(true);
		expect(result.bytes).toEqual([Buffer.byteLength(expected), Buffer.byteLength(expected)]);
	});

	it('a timeout stops the command and is marked as a timeout', async () => {
		const result = await run('sleep 30', {timeoutMs: 200}).command.done;
		expect(result).toMatchObject({isTimedOut: true, code: null, signal: 'SIGTERM'});
		expect(result.durationMs).toBeLessThan(5000);
	});

	it('a child that ignores SIGTERM is killed after the grace period', async () => {
		const result = await run('trap "" TERM; echo ready; sleep 30 & wait', {timeoutMs: 300, graceMs: 300}).command.done;
		expect(result).toMatchObject({isTimedOut: true, signal: 'SIGKILL'});
	});

	it('cancel kills the whole tree, grandchildren included', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-exec-'));
		const pids = path.join(dir, 'pids');
		const r = run(
			`bash -c 'sleep 60 & echo $! >> ${pids}; sleep 61 & echo $! >> ${pids}; wait' & echo $! >> ${pids}; echo started; wait`,
		);
		await new Promise<void>((resolve) => {
			const poll = setInterval(() => {
				if (
					r.text('out').includes('started') &&
					existsSync(pids) &&
					readFileSync(pids, 'utf8').trim().split('\n').length === 3
				) {
					clearInterval(poll);
					resolve();
				}
			}, 10);
		});
		const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
		expect(started.every(isAlive)).toBe(true);
		r.command.cancel();
		const result = await r.command.done;
		expect(result.isCancelled).toBe(true);
		await expect.poll(() => started.filter(isAlive), {timeout: 5000}).toEqual([]);
	});
});

describe('the session spawner starts each step', () => {
	it("gives the step exactly its own environment: a var the spawner has and the step has not is unset, a changed one is the step's", async () => {
		const spawner = new StepSpawner({...process.env, GONE: 'from the session', SAME: 'kept', CHANGED: 'old'});
		const chunks: string[] = [];
		const result = await runCommand({
			script: 'printf \'%s|%s|%s|%s\' "${GONE-unset}" "$SAME" "$CHANGED" "$NEW"',
			cwd: os.tmpdir(),
			env: {...process.env, SAME: 'kept', CHANGED: 'new', NEW: "two words\nand a 'quote'"},
			spool: spoolPaths(spoolDir, 'env', ++attempt),
			onOutput: (_, text) => chunks.push(text),
			spawner,
		}).done;
		expect(result.code).toBe(0);
		expect(chunks.join('')).toBe("unset|kept|new|two words\nand a 'quote'");
	});

	it("a held step's time limit starts when it is let go, not while its start is synced", async () => {
		const r = runCommand({
			script: 'echo ran',
			cwd: os.tmpdir(),
			env: process.env,
			spool: spoolPaths(spoolDir, 'held', ++attempt),
			onOutput: () => {},
			timeoutMs: 100,
			isHeld: true,
		});
		await r.spawned;
		// A sync of the start slower than the step's whole time limit.
		await new Promise((resolve) => setTimeout(resolve, 300));
		r.release();
		const result = await r.done;
		expect(result).toMatchObject({isTimedOut: false, code: 0});
	});

	it('a SIGTERM between its pid and its go (a cancel as it starts) means the step never runs', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-held-'));
		const marker = path.join(dir, 'ran');
		const r = runCommand({
			script: `touch ${marker}`,
			cwd: dir,
			env: process.env,
			spool: spoolPaths(spoolDir, 'held', ++attempt),
			onOutput: () => {},
			isHeld: true,
		});
		const process_ = await r.spawned;
		process.kill(process_!.pid, 'SIGTERM');
		r.release();
		expect(await r.done).toMatchObject({code: null, signal: 'SIGTERM'});
		expect(existsSync(marker)).toBe(false);
	});

	it("the operator's variables reach the step with their values, those named as the wrapper's own included", async () => {
		const env = {...process.env, dir: 'operator-dir', i: '7', go: 'on', stop: 'no', words: 'w'};
		const chunks: string[] = [];
		const r = runCommand({
			script: 'echo "$dir $i $go $stop $words"',
			cwd: os.tmpdir(),
			env,
			spool: spoolPaths(spoolDir, 'env', ++attempt),
			onOutput: (_stream, text) => chunks.push(text),
			spawner: new StepSpawner(env),
		});
		expect(await r.done).toMatchObject({code: 0});
		expect(chunks.join('')).toBe('operator-dir 7 on no w\n');
	});

	it('a held step cancelled before its pid is known, then released when the pid comes, never runs', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-held-'));
		const marker = path.join(dir, 'ran');
		const r = runCommand({
			script: `touch ${marker}`,
			cwd: dir,
			env: process.env,
			spool: spoolPaths(spoolDir, 'held', ++attempt),
			onOutput: () => {},
			isHeld: true,
		});
		// Ctrl-C after its start is on disk, while the pid is on its way; then the go the session
		// sends once the pid is on record (RunningStep.release) must not undo the cancel.
		r.cancel();
		expect(await r.spawned).toBeDefined();
		r.release();
		expect(await r.done).toMatchObject({isCancelled: true});
		expect(existsSync(marker)).toBe(false);
	});

	it('a cancel sent before the step has started stops it as soon as it starts', async () => {
		const r = run('sleep 30');
		r.command.cancel();
		const result = await r.command.done;
		expect(result).toMatchObject({isCancelled: true, code: null, signal: 'SIGTERM'});
		expect(result.durationMs).toBeLessThan(5000);
	});
});

describe('a step outlives the runner that started it', () => {
	/** A step that prints `one`, waits for a file `go` in its directory, then prints `two` and exits 4. */
	async function startDetached() {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-detach-'));
		const spool = spoolPaths(spoolDir, 'detach', ++attempt);
		const seen: string[] = [];
		const command = runCommand({
			script: 'echo one; while [ ! -e go ]; do sleep 0.02; done; echo two; exit 4',
			cwd: dir,
			env: process.env,
			spool,
			keepStdoutBytes: 1024,
			onOutput: (_, text) => seen.push(text),
		});
		await expect.poll(() => seen.join(''), {timeout: 5000}).toBe('one\n');
		const spawned = (await command.spawned)!;
		command.detach();
		return {dir, spool, pid: spawned.pid, startTicks: spawned.startTicks};
	}

	it('a reattached watcher streams the rest of the output and collects the exit', async () => {
		const {dir, spool, pid, startTicks} = await startDetached();
		const seen: string[] = [];
		const again = reattachCommand({
			pid,
			...(startTicks ? {startTicks} : {}),
			spool,
			from: [4, 0],
			elapsedMs: 0,
			keepStdoutBytes: 1024,
			onOutput: (_, text) => seen.push(text),
		});
		writeFileSync(path.join(dir, 'go'), '');
		const result = await again.done;
		expect(seen.join('')).toBe('two\n');
		expect(result).toMatchObject({code: 4, signal: null, stdout: 'one\ntwo\n', bytes: [8, 0]});
	});

	it('a step that ended while nobody watched is collected from its status file', async () => {
		const {dir, spool, pid, startTicks} = await startDetached();
		writeFileSync(path.join(dir, 'go'), '');
		await expect.poll(() => readExitStatus(spool), {timeout: 5000}).toBe(4);
		const seen: string[] = [];
		const result = await reattachCommand({
			pid,
			...(startTicks ? {startTicks} : {}),
			spool,
			from: [4, 0],
			elapsedMs: 0,
			onOutput: (_, text) => seen.push(text),
		}).done;
		expect(seen.join('')).toBe('two\n');
		expect(result).toMatchObject({code: 4, signal: null});
	});

	it('a step killed outright leaves no status, and says so', async () => {
		const {spool, pid, startTicks} = await startDetached();
		process.kill(-pid, 'SIGKILL');
		await expect.poll(() => isAlive(pid), {timeout: 5000}).toBe(false);
		const result = await reattachCommand({
			pid,
			...(startTicks ? {startTicks} : {}),
			spool,
			from: [4, 0],
			elapsedMs: 0,
			onOutput: () => {},
		}).done;
		expect(result.error).toMatch(/without an exit status/);
	});

	it('cancelling a reattached step still stops its whole group', async () => {
		const {spool, pid, startTicks} = await startDetached();
		const again = reattachCommand({
			pid,
			...(startTicks ? {startTicks} : {}),
			spool,
			from: [4, 0],
			elapsedMs: 0,
			onOutput: () => {},
		});
		again.cancel();
		expect(await again.done).toMatchObject({isCancelled: true, code: null, signal: 'SIGTERM'});
		// The wrapper writes the status, then exits: awaited, not assumed.
		await expect.poll(() => isAlive(pid), {timeout: 5000}).toBe(false);
	});
});

describe('a value substituted into a command is one word, never shell syntax', () => {
	const hostile = [
		'x; touch pwned',
		'$(touch pwned)',
		'`touch pwned`',
		'it\'s "quoted"',
		'line one\nline two; touch pwned',
		'$HOME \\ ${PATH} !! *',
		"'; touch pwned; '",
		'"; touch pwned; "',
	];
	const contexts = {
		plain: 'printf "%s|" {{ v }}',
		'double quotes': 'printf "%s|" "value={{ v }}"',
		'single quotes': "printf '%s|' 'value={{ v }}'",
		'command substitution': 'printf "%s|" "$(printf "%s" {{ v }})"',
	};
	for (const [context, template] of Object.entries(contexts)) {
		it(`inside ${context}`, async () => {
			const {renderShell} = await import('../../src/core/runbook/template.js');
			for (const value of hostile) {
				const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-inject-'));
				const r = run(
					renderShell(template, () => value),
					{cwd: dir},
				);
				const result = await r.command.done;
				expect(result.code, `${context}: ${value}`).toBe(0);
				expect(existsSync(path.join(dir, 'pwned')), `${context}: ${value}`).toBe(false);
				const expected = context === 'plain' || context === 'command substitution' ? value : `value=${value}`;
				expect(r.text('out')).toBe(`${expected}|`);
			}
		});
	}
});
