// kill -9 of the runner at many random moments of a running session (the test does 50), four
// runs at a time (`--concurrent`: they run the same runbook, which one runner at a time may):
// every log must verify VALID or INCOMPLETE, never INVALID, and every step whose side effect
// exists must have its start and its process on record. Prints the tally.
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {bin, report, tmp} from './lib.mjs';

export async function benchKill9(runs = 200) {
	const dir = tmp('kill9');
	const runbook = path.join(dir, 'steps.yaml');
	const steps = Array.from(
		{length: 8},
		(_, i) => `      - id: s${i}\n        run: touch "$MARKERS/s${i}"; seq 1 ${2000 * (i + 1)}; sleep 0.0${i}\n`,
	).join('');
	writeFileSync(runbook, `version: 1\nname: Kill me\nphases:\n  - id: a\n    steps:\n${steps}`);
	const env = {...process.env, XDG_CONFIG_HOME: tmp('cfg'), SSH_AUTH_SOCK: '', CI: 'true'};
	const tally = {VALID: 0, INCOMPLETE: 0, INVALID: 0, missingStart: 0, missingProcess: 0};
	const once = () =>
		new Promise((resolve) => {
			const logDir = tmp('kill9-log');
			const markers = tmp('kill9-markers');
			const child = spawn(process.execPath, [bin, 'run', runbook, '--yes', '--concurrent', '--log-dir', logDir], {
				env: {...env, MARKERS: markers},
				stdio: 'ignore',
			});
			// Killed anyway after 10 s: a runner that never creates its log would be a hang to report.
			let timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			const watch = setInterval(() => {
				// The log itself, not just its directory: the moment is counted from when the log exists.
				const [id] = readdirSync(logDir);
				if (id !== undefined && existsSync(path.join(logDir, id, 'session.jsonl'))) {
					clearInterval(watch);
					clearTimeout(timer);
					timer = setTimeout(() => child.kill('SIGKILL'), Math.random() * 400);
				}
			}, 5);
			child.on('close', () => {
				clearInterval(watch);
				clearTimeout(timer);
				resolve({logDir, markers});
			});
		});
	for (let done = 0; done < runs; done += 4) {
		for (const {logDir, markers} of await Promise.all([once(), once(), once(), once()])) {
			const [id] = readdirSync(logDir);
			if (!id) continue;
			const file = path.join(logDir, id, 'session.jsonl');
			const verdict = spawnSync(process.execPath, [bin, 'verify', file], {env, encoding: 'utf8'})
				.stdout.split('\n')[1]
				.split(':')[0];
			tally[verdict] = (tally[verdict] ?? 0) + 1;
			const text = readFileSync(file, 'utf8');
			const records = text
				.slice(0, text.lastIndexOf('\n') + 1)
				.split('\n')
				.filter(Boolean)
				.map((l) => JSON.parse(l));
			const stepsWith = (type) => new Set(records.filter((l) => l.type === type).map((l) => l.step));
			const started = stepsWith('command-started');
			const spawned = stepsWith('command-spawned');
			for (const marker of readdirSync(markers)) {
				if (!started.has(marker)) tally.missingStart++;
				if (!spawned.has(marker)) tally.missingProcess++;
			}
		}
	}
	report(`kill -9 at ${runs} random moments of a running session`, [
		['VALID', 'INCOMPLETE', 'INVALID', 'a step ran with no start record', 'a step ran with no process on record'],
		[tally.VALID, tally.INCOMPLETE, tally.INVALID, tally.missingStart, tally.missingProcess],
	]);
	const isMet = tally.INVALID === 0 && tally.missingStart === 0 && tally.missingProcess === 0;
	console.log(`  never INVALID, every start and process on record: ${isMet ? 'met' : 'NOT met'}`);
}
