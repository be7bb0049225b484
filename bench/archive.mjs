// The team archive, against a throwaway PostgreSQL (scripts/pg-test-cluster.sh):
// - streaming: the 50 MB step with an archive configured, against the same step without one
//   (target: at most 1.10x);
// - `sessions --archive` over 1,000 archived sessions, against `sessions` over an empty local
//   folder (target: at most 300 ms);
// - watch lag through the archive over 100 events, against `watch` of the local log
//   (target: p99 at most 1 s).
import {execFileSync, spawn} from 'node:child_process';
import {existsSync, readdirSync} from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import {bin, inPty, median, report, root, timed, tmp, writeRunbook} from './lib.mjs';

const script = path.join(root, 'scripts', 'pg-test-cluster.sh');

export async function benchArchive({rounds = 3} = {}) {
	if (!existsSync('/usr/lib/postgresql/15/bin/initdb')) {
		console.log('\narchive: skipped, PostgreSQL 15 is not installed');
		return undefined;
	}
	const dir = tmp('archive');
	// Its own directory under /tmp: the cluster's user must reach it, and `dir` is private.
	const clusterDir = tmp('archive-pg');
	const url = execFileSync(script, ['start', clusterDir], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
	}).trim();
	try {
		execFileSync('node', [bin, 'archive', 'init', '--archive', url], {stdio: 'ignore'});
		return {
			streaming: await streaming(dir, url, rounds),
			sessions: await sessionsList(dir, url, rounds),
			watch: await watchLag(dir, url),
		};
	} finally {
		execFileSync(script, ['destroy', clusterDir], {stdio: 'ignore'});
	}
}

async function streaming(dir, url, rounds) {
	const seq = 'seq -f %0100g 1 500000';
	const file = writeRunbook(
		dir,
		'flood.yaml',
		`version: 1\nname: Flood\nphases:\n  - id: p\n    steps:\n      - id: flood\n        run: ${seq}\n`,
	);
	const without = [];
	const withArchive = [];
	for (let round = 0; round < rounds; round++) {
		const plain = await inPty(`node ${bin} run ${file} --yes --log-dir ${dir}/local`);
		const streamed = await inPty(`node ${bin} run ${file} --yes --log-dir ${dir}/streamed --archive ${url}`);
		if (plain.code !== 0 || streamed.code !== 0) throw new Error(`runbook exited ${plain.code}, ${streamed.code}`);
		without.push(plain.exitMs);
		withArchive.push(streamed.exitMs);
	}
	const ratio = median(withArchive) / median(without);
	report(`archive: the 50 MB step streamed to PostgreSQL (medians of ${rounds} runs, in a pty)`, [
		['what', 'wall ms', 'ratio'],
		['runbook without an archive (baseline)', median(without).toFixed(0), '1.00'],
		['runbook streaming to the archive, until all is archived', median(withArchive).toFixed(0), ratio.toFixed(2)],
	]);
	console.log(`  target <= 1.10x: ${ratio <= 1.1 ? 'met' : 'NOT met'}`);
	return {ratio};
}

async function sessionsList(dir, url, rounds) {
	const client = new pg.Client({connectionString: url});
	await client.connect();
	const start = Date.UTC(2026, 0, 1);
	for (let index = 0; index < 1000; index++) {
		const header = JSON.stringify({
			seq: 0,
			t: 0,
			type: 'header',
			session: `bench-${index}`,
			wall: new Date(start + index * 60_000).toISOString(),
			runbook: {path: `/srv/runbooks/${index % 7}.yaml`},
			operator: {user: `op${index % 13}`, host: 'jump'},
		});
		const ended = `{"seq":1,"t":${index * 1000},"type":"session-ended","status":"completed"}`;
		await client.query('SELECT runbook.append($1, 0, $2::bytea[])', [
			`bench-${index}`,
			[Buffer.from(header), Buffer.from(ended)],
		]);
	}
	await client.end();
	const local = [];
	const archived = [];
	for (let round = 0; round < rounds * 2; round++) {
		local.push((await timed(`node ${bin} sessions --log-dir ${dir}/empty > /dev/null`)).exitMs);
		archived.push((await timed(`node ${bin} sessions --archive ${url} > /dev/null`)).exitMs);
	}
	const ms = median(archived);
	report(
		`archive: \`sessions --archive\` over 1,000 sessions (medians of ${rounds * 2} runs, process start included)`,
		[
			['what', 'wall ms', 'ratio'],
			['sessions over an empty local folder (baseline)', median(local).toFixed(0), '1.00'],
			['sessions --archive, 1,000 sessions', ms.toFixed(0), (ms / median(local)).toFixed(2)],
		],
	);
	console.log(`  target <= 300 ms: ${ms <= 300 ? 'met' : 'NOT met'}`);
	return {ms};
}

/** 100 lines, each carrying the time it was printed; a plain `watch` prints them as they arrive. */
async function watchLag(dir, url) {
	const print = `sleep 3; for i in $(seq 1 100); do echo "tick $(date +%s%N)"; sleep 0.05; done`;
	const file = writeRunbook(
		dir,
		'ticks.yaml',
		`version: 1\nname: Ticks\nphases:\n  - id: p\n    steps:\n      - id: tick\n        run: '${print}'\n`,
	);
	const lags = {};
	for (const mode of ['local', 'archive']) {
		const sessions = path.join(dir, `ticks-${mode}`);
		const runner = spawn('node', [bin, 'run', file, '--yes', '--log-dir', sessions, '--archive', url], {
			stdio: 'ignore',
		});
		// Listened for from the start: the runner may end before its watcher does.
		const runnerClosed = new Promise((resolve) => runner.on('close', resolve));
		let id;
		while (!id) {
			await new Promise((resolve) => setTimeout(resolve, 20));
			id = existsSync(sessions) ? readdirSync(sessions)[0] : undefined;
		}
		const args = mode === 'archive' ? ['watch', id, '--archive', url] : ['watch', id, '--log-dir', sessions];
		lags[mode] = await new Promise((resolve) => {
			const watcher = spawn('node', [bin, ...args], {stdio: ['ignore', 'pipe', 'inherit']});
			const seen = [];
			let rest = '';
			watcher.stdout.on('data', (chunk) => {
				rest += chunk.toString('utf8');
				const lines = rest.split('\n');
				rest = lines.pop();
				for (const line of lines) {
					const match = /tick (\d{19})/.exec(line);
					if (match) seen.push(Date.now() - Number(BigInt(match[1]) / 1_000_000n));
				}
			});
			watcher.on('close', () => resolve(seen));
		});
		await runnerClosed;
	}
	const percentile = (xs, p) =>
		[...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
	const rows = [['what', 'events', 'p50 ms', 'p99 ms', 'p99 ratio']];
	const base = percentile(lags.local, 99);
	rows.push(['watch of the local log (baseline)', lags.local.length, percentile(lags.local, 50), base, '1.00']);
	const p99 = percentile(lags.archive, 99);
	rows.push([
		'watch --archive (LISTEN/NOTIFY)',
		lags.archive.length,
		percentile(lags.archive, 50),
		p99,
		(p99 / base).toFixed(2),
	]);
	report('archive: lag from a line printed to a watcher showing it, over 100 events', rows);
	console.log(`  target p99 <= 1000 ms: ${p99 <= 1000 && lags.archive.length === 100 ? 'met' : 'NOT met'}`);
	return {p50: percentile(lags.archive, 50), p99};
}

if (import.meta.url === `file://${process.argv[1]}`) await benchArchive();
