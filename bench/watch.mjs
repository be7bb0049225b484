// `runbook watch`: (1) how long after a live run's step prints a line the watcher shows it (median
// of 100; target 200 ms), against `tail -F` of the log of the same kind of run as the baseline; (2) joining a
// finished session with 50 MB of output until its last frame is on screen (target 1 s).
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, readdirSync, statSync} from 'node:fs';
import path from 'node:path';
import {bin, inPty, median, report, tmp, writeRunbook} from './lib.mjs';

/** The lag, in ms, from each of `count` lines a live run prints to `follow` (a shell command given the session folder) showing it. */
async function liveLags(dir, count, mode) {
	const cfg = path.join(dir, 'cfg');
	const sessions = path.join(dir, `lag-${mode}`);
	const print = `sleep 2; for i in $(seq 0 ${count - 1}); do echo "note $i at $(date +%s%N)"; sleep 0.03; done`;
	const file = writeRunbook(
		dir,
		`lag-${mode}.yaml`,
		`version: 1\nname: Watched\nphases:\n  - id: p\n    steps:\n      - id: notes\n        run: '${print}'\n`,
	);
	const env = {...process.env, XDG_CONFIG_HOME: cfg, SSH_AUTH_SOCK: '', CI: 'true'};
	const runner = spawn(process.execPath, [bin, 'run', file, '--yes', '--concurrent', '--log-dir', sessions], {
		stdio: 'ignore',
		env,
	});
	// Listened for from the start: the runner may end before its follower does.
	const runnerClosed = new Promise((resolve) => runner.on('close', resolve));
	let id;
	while (!id) {
		await new Promise((resolve) => setTimeout(resolve, 20));
		id = existsSync(sessions) ? readdirSync(sessions)[0] : undefined;
	}
	const session = path.join(sessions, id);
	const command =
		mode === 'watch' ? `node ${bin} watch ${session}` : `tail -n +1 -F ${path.join(session, 'session.jsonl')}`;
	const seen = await new Promise((resolve) => {
		const follower = spawn('bash', ['-c', command], {stdio: ['ignore', 'pipe', 'inherit'], env});
		const lags = new Map();
		let rest = '';
		follower.stdout.on('data', (chunk) => {
			rest += chunk.toString('utf8');
			const lines = rest.split('\n');
			rest = lines.pop();
			for (const line of lines)
				for (const match of line.matchAll(/note (\d+) at (\d{19})/g))
					if (!lags.has(match[1])) lags.set(match[1], Date.now() - Number(BigInt(match[2]) / 1_000_000n));
			if (lags.size === count) follower.kill();
		});
		follower.on('close', () => resolve([...lags.values()]));
	});
	await runnerClosed;
	return seen;
}

export async function benchWatch(count = 100) {
	const dir = tmp('watch');
	const tail = await liveLags(dir, count, 'tail');
	const ours = await liveLags(dir, count, 'watch');
	if (ours.length < count) console.log(`  runbook watch showed ${ours.length} of ${count} lines`);

	// Joining late: a real session with 50 MB of output, followed until its final frame shows.
	const big = tmp('watch-big');
	const cfg = tmp('cfg');
	const rb = writeRunbook(
		big,
		'big.yaml',
		'version: 1\nname: Big output\nphases:\n  - id: p\n    steps:\n      - id: flood\n        run: seq -f %0100g 1 500000\n      - id: last-step\n        run: echo done\n',
	);
	spawnSync(process.execPath, [bin, 'run', rb, '--yes', '--log-dir', path.join(big, 'sessions')], {
		env: {...process.env, XDG_CONFIG_HOME: cfg, SSH_AUTH_SOCK: '', CI: 'true'},
		stdio: 'ignore',
	});
	const [id] = readdirSync(path.join(big, 'sessions'));
	const log = path.join(big, 'sessions', id, 'session.jsonl');
	const joins = [];
	const nodes = [];
	for (let i = 0; i < 4; i++) {
		const a = await inPty(`XDG_CONFIG_HOME=${cfg} SSH_AUTH_SOCK= node ${bin} watch ${path.dirname(log)}`, {
			marker: 'session ended',
			killOnMarker: true,
		});
		const b = await inPty(`node -e "process.stdout.write('node ready\\\\n')"`, {marker: 'node ready'});
		if (i === 0) continue;
		joins.push(a.markerMs);
		nodes.push(b.markerMs);
	}
	report(`runbook watch (${count} lines printed 30 ms apart by a live run; medians)`, [
		['what', 'ms'],
		['tail -F of the log shows a printed line (baseline)', median(tail).toFixed(1)],
		['runbook watch shows a printed line', ours.length === count ? median(ours).toFixed(1) : 'not measured'],
		[`node printing a line (baseline)`, median(nodes).toFixed(0)],
		[
			`joining a session with ${(statSync(log).size / 1e6).toFixed(0)} MB of output, to its last frame`,
			median(joins).toFixed(0),
		],
	]);
	console.log(
		`  target <= 200 ms a event: ${ours.length === count && median(ours) <= 200 ? 'met' : 'NOT met'}; join <= 1 s: ${median(joins) <= 1000 ? 'met' : 'NOT met'}`,
	);
}
