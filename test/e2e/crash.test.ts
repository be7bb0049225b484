import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {binRunbook, isolatedEnv, runCli} from '../helpers/cli.js';

const tmp = (name: string) => mkdtempSync(path.join(os.tmpdir(), `runbook-${name}-`));

/** Complete lines of a log, parsed (a torn last line is left out). */
function recordedLines(file: string): Array<{type: string; step?: string}> {
	const text = readFileSync(file, 'utf8');
	return text
		.slice(0, text.lastIndexOf('\n') + 1)
		.split('\n')
		.filter(Boolean)
		.map((l) => JSON.parse(l));
}

describe('crash safety', () => {
	it('kill -9 at 50 random moments: every log is VALID or INCOMPLETE, and every step that ran has its start and its process on record', async () => {
		const steps = Array.from(
			{length: 8},
			(_, i) =>
				`      - id: s${i}\n        run: touch "$MARKERS/s${i}"; seq 1 ${200 * (i + 1)}; sleep 0.0${i}\n${i % 3 === 0 ? '        confirm: true\n' : ''}`,
		).join('');
		const runbook = path.join(tmp('kill9'), 'steps.yaml');
		writeFileSync(runbook, `version: 1\nname: Kill me\nphases:\n  - id: a\n    steps:\n${steps}`);
		let seed = 7;
		const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		const runOnce = (delayMs: number) =>
			new Promise<{logDir: string; markers: string; isHung: boolean}>((resolve) => {
				const logDir = tmp('kill9-log');
				const markers = tmp('kill9-markers');
				const child = spawn(
					process.execPath,
					[binRunbook, 'run', runbook, '--yes', '--concurrent', '--log-dir', logDir],
					{
						env: {...process.env, ...isolatedEnv, CI: 'true', MARKERS: markers},
						stdio: 'ignore',
					},
				);
				// The moment is random within the running session: counted from when its log exists.
				// A runner that never gets that far is killed anyway after 10 s (and counted below).
				let isHung = false;
				let timer: NodeJS.Timeout | undefined = setTimeout(() => {
					isHung = true;
					child.kill('SIGKILL');
				}, 10_000);
				const watch = setInterval(() => {
					// The log itself, not just its directory: the moment is counted from when the log exists.
					const [dirId] = readdirSync(logDir);
					if (dirId !== undefined && existsSync(path.join(logDir, dirId, 'session.jsonl'))) {
						clearInterval(watch);
						clearTimeout(timer);
						timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
					}
				}, 5);
				child.on('close', () => {
					clearInterval(watch);
					clearTimeout(timer);
					resolve({logDir, markers, isHung});
				});
			});
		const verdicts: Record<string, number> = {};
		for (let batch = 0; batch < 10; batch++) {
			const runs = await Promise.all(Array.from({length: 5}, () => runOnce(Math.floor(random() * 250))));
			for (const {logDir, markers, isHung} of runs) {
				expect(isHung, 'a runner never created its session log').toBe(false);
				const [id] = readdirSync(logDir);
				if (!id) continue; // killed before the session directory existed: nothing ran
				const file = path.join(logDir, id, 'session.jsonl');
				const verify = runCli(['verify', file]);
				const verdict = verify.stdout.split('\n')[1]!.split(':')[0]!;
				verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
				expect(['VALID', 'INCOMPLETE'], verify.stdout).toContain(verdict);
				const recorded = recordedLines(file);
				const stepsWith = (type: string) => new Set(recorded.filter((l) => l.type === type).map((l) => l.step));
				const started = stepsWith('command-started');
				// Its process too: a resume finds a step that still runs by the pid on record.
				const spawned = stepsWith('command-spawned');
				for (const marker of readdirSync(markers)) {
					expect(started, `${marker} ran without a start record`).toContain(marker);
					expect(spawned, `${marker} ran without its process on record`).toContain(marker);
				}
			}
		}
		expect((verdicts.VALID ?? 0) + (verdicts.INCOMPLETE ?? 0)).toBe(50);
		// Most kills land mid-run: the test is about torn and unsealed logs, not finished ones.
		expect(verdicts.INCOMPLETE ?? 0).toBeGreaterThan(25);
	}, 120_000);

	it('a log that runs out of space (a file-size limit) stops the run before its next command and says why', () => {
		const dir = tmp('full');
		const runbook = path.join(dir, 'full.yaml');
		writeFileSync(
			runbook,
			`version: 1\nname: Full disk\nphases:\n  - id: p\n    steps:\n      - id: fill\n        run: seq 1 30000\n      - id: never\n        run: touch ${dir}/never-ran\n`,
		);
		const result = spawnSync(
			'bash',
			['-c', `ulimit -f 40; exec "${process.execPath}" "${binRunbook}" run "${runbook}" --log-dir "${dir}/sessions"`],
			{env: {...process.env, ...isolatedEnv, CI: 'true'}, encoding: 'utf8'},
		);
		expect(result.status).toBe(1);
		expect(result.stderr).toMatch(/cannot write the session log .*: EFBIG; the run stopped before its next command/);
		expect(result.stderr).not.toMatch(/\n\s+at /);
		expect(existsSync(path.join(dir, 'never-ran'))).toBe(false);
		const [id] = readdirSync(path.join(dir, 'sessions'));
		expect(runCli(['verify', path.join(dir, 'sessions', id!)]).code).toBe(3);
	});

	it('a second writer can never open the same session log', () => {
		const dir = tmp('exclusive');
		const logDir = path.join(dir, 'sessions');
		const runbook = path.join(dir, 'one.yaml');
		writeFileSync(
			runbook,
			'version: 1\nname: One\nphases:\n  - id: p\n    steps:\n      - id: a\n        run: "true"\n',
		);
		expect(runCli(['run', runbook, '--log-dir', logDir], {env: {CI: 'true'}}).code).toBe(0);
		const [id] = readdirSync(logDir);
		const before = readFileSync(path.join(logDir, id!, 'session.jsonl'));
		// The session id is random per start, so a collision is forced through the store directly.
		const probe = spawnSync(
			process.execPath,
			['-e', `require('fs').openSync(${JSON.stringify(path.join(logDir, id!, 'session.jsonl'))}, 'wx')`],
			{encoding: 'utf8'},
		);
		expect(probe.stderr).toMatch(/EEXIST/);
		expect(readFileSync(path.join(logDir, id!, 'session.jsonl')).equals(before)).toBe(true);
	});
});
