// `runbook watch`: (1) how long after the writer appends an event the watcher shows it (median
// of 100; target 200 ms), against `tail -F` of the same file as the baseline; (2) joining a
// finished session with 50 MB of output until its last frame is on screen (target 1 s).
import {spawn, spawnSync} from 'node:child_process';
import {appendFileSync, mkdirSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {bin, inPty, median, report, tmp, writeRunbook} from './lib.mjs';

const runbook = {
	version: 1,
	name: 'Watched',
	vars: {},
	env: {},
	secrets: [],
	phases: [
		{
			id: 'p',
			name: 'p',
			steps: [
				{
					id: 'hold',
					name: 'hold',
					kind: 'wait',
					phase: 'p',
					waitMs: 3_600_000,
					confirm: 'none',
					retries: 0,
					expect: {codes: [0]},
					env: {},
					rollback: [],
					continueOnError: false,
				},
			],
		},
	],
	rollback: [],
	signoff: [],
};

/** A process whose command line says `runbook`, standing in for a live writer (watch follows only live sessions). */
function standInWriter() {
	return spawn('bash', ['-c', 'exec -a runbook-bench-writer sleep 600'], {stdio: 'ignore'});
}

/** Follows `file` with `command` and resolves with the ms from each append of `note N` to its line appearing. */
function latencies(command, file, count, startT) {
	return new Promise((resolve) => {
		const child = spawn('bash', ['-c', command], {
			stdio: ['ignore', 'pipe', 'inherit'],
			env: {...process.env, CI: 'true'},
		});
		const appendedAt = new Map();
		const seenMs = [];
		let buffer = '';
		let seq = 100;
		child.stdout.on('data', (chunk) => {
			buffer += chunk.toString('utf8');
			for (const m of buffer.matchAll(/note (\d+) of the bench/g)) {
				const n = Number(m[1]);
				if (appendedAt.has(n)) {
					seenMs.push(performance.now() - appendedAt.get(n));
					appendedAt.delete(n);
				}
			}
			buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
			if (seenMs.length === count) {
				child.kill();
				resolve(seenMs);
			}
		});
		// A follower that ends before it has shown every event (watch refusing the session, say)
		// would leave this waiting for ever: give back what was seen, and say so.
		child.on('exit', () => {
			if (seenMs.length < count) resolve(seenMs);
		});
		let n = 0;
		// Let the follower start and catch up first, then append one event every 30 ms.
		setTimeout(function next() {
			if (n === count || child.exitCode !== null) return;
			appendedAt.set(n, performance.now());
			appendFileSync(
				file,
				`${JSON.stringify({seq: seq++, t: startT + n * 30_000, type: 'note-added', prev: 'x', by: 'bench', text: `note ${n} of the bench`})}\n`,
			);
			n++;
			setTimeout(next, 30);
		}, 1500);
	});
}

export async function benchWatch(count = 100) {
	const dir = tmp('watch');
	const writer = standInWriter();
	const header = {
		seq: 0,
		t: 0,
		type: 'header',
		format: 'runbook-session/1',
		session: 'bench',
		tool: {name: 'runbook', version: '0'},
		wall: new Date().toISOString(),
		runbook: {path: '/bench.yaml', sha256: '0'},
		operator: {user: 'bench', host: 'bench'},
		identity: {key: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:bench', source: 'local'},
		skey: 'ssh-ed25519 AAAA',
		term: {cols: 80, rows: 24},
		pid: writer.pid,
	};
	const start = {
		seq: 1,
		t: 1,
		type: 'session-started',
		prev: 'x',
		runbook,
		options: {operator: 'bench', isInteractive: true, isPreApproved: false},
		wall: header.wall,
	};
	const sessionDir = path.join(dir, 'sessions', 'bench');
	mkdirSync(sessionDir, {recursive: true});
	const file = path.join(sessionDir, 'session.jsonl');
	writeFileSync(file, `${JSON.stringify(header)}\n${JSON.stringify(start)}\n`);
	const env = `XDG_CONFIG_HOME=${tmp('cfg')} SSH_AUTH_SOCK=`;
	const ours = await latencies(`${env} node ${bin} watch ${sessionDir}`, file, count, 10);
	if (ours.length < count)
		console.log(`  runbook watch showed ${ours.length} of ${count} events before it ended (see its message above)`);
	const tail = await latencies(`tail -n 0 -F ${file}`, file, count, 10);
	writer.kill();

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
	report(`runbook watch (${count} events appended 30 ms apart; medians)`, [
		['what', 'ms'],
		['tail -F shows an appended line (baseline)', median(tail).toFixed(1)],
		['runbook watch shows an appended event', ours.length === count ? median(ours).toFixed(1) : 'not measured'],
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
