// An idle runner stays idle: the runner's own CPU time (utime + stime from /proc/<pid>/stat)
// over ~20 s while it waits at a confirmation and during a `wait:` step, as a share of the wall
// time (target ≤ 1%). The baseline is `sleep` idling over the same span in the same run.
// A countdown shows whole minutes until its last one, then seconds: the wait is measured in both
// (the start of a `wait: 10m`, and the last minute of a `wait: 90s`), and the whole 10 minutes is
// 9 of the one and 1 of the other. The last minute of a real wait comes at least half a minute
// into the process (9 minutes into a `wait: 10m`), past the start-up's one-off costs: V8 shrinks
// the start-up heap ~8 s after start (two full collections, ~30 ms, whether or not anything is on
// screen). A `wait: 50s` begun at start-up has those inside its window; it is reported on its own
// line, beside the last minute, not in place of it.
import {spawn} from 'node:child_process';
import {readFileSync, readdirSync} from 'node:fs';
import {bin, report, tmp, writeRunbook} from './lib.mjs';

const clockTicksPerSecond = 100;
const windowMs = Number(process.env.RUNBOOK_BENCH_IDLE_MS ?? 20_000);
const settleMs = 3000;

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid) {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
}

/** The pid of the live process whose command line contains `needle` and `node`. */
function pidOf(needle) {
	for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
		try {
			const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
			if (cmdline.includes(needle) && cmdline.includes('node')) return Number(pid);
		} catch {
			// Gone between the listing and the read.
		}
	}
	return undefined;
}

/** CPU share (%) of the process found by `needle` over the window, once `marker` is on screen. */
async function idleShare(command, needle, marker) {
	const child = spawn('script', ['-qfec', `stty rows 24 cols 80; ${command}`, '/dev/null'], {
		env: {...process.env, TERM: 'xterm-256color'},
		stdio: ['pipe', 'pipe', 'inherit'],
		detached: true,
	});
	let seen = '';
	await new Promise((resolve, reject) => {
		child.on('error', reject);
		child.stdout.on('data', (chunk) => {
			seen = (seen + chunk.toString('utf8')).slice(-8192);
			if (seen.includes(marker)) resolve();
		});
	});
	const pid = pidOf(needle);
	if (pid === undefined) throw new Error(`no process for ${needle}`);
	// The start-up's tail (the first frame's garbage, code compiled late) is not idling; over a
	// 10-minute wait it is a few hundred ms in 600 s, so the window starts once it has settled.
	await new Promise((r) => setTimeout(r, settleMs));
	const before = cpuSeconds(pid);
	const started = performance.now();
	await new Promise((r) => setTimeout(r, windowMs));
	const share = ((cpuSeconds(pid) - before) / ((performance.now() - started) / 1000)) * 100;
	process.kill(-child.pid, 'SIGKILL');
	return share;
}

async function sleepShare() {
	const child = spawn('sleep', [String(windowMs / 1000 + 5)], {stdio: 'ignore'});
	await new Promise((r) => setTimeout(r, 100));
	const before = cpuSeconds(child.pid);
	const started = performance.now();
	await new Promise((r) => setTimeout(r, windowMs));
	const share = ((cpuSeconds(child.pid) - before) / ((performance.now() - started) / 1000)) * 100;
	child.kill();
	return share;
}

export async function benchIdle() {
	const dir = tmp('idle');
	const confirmBook = writeRunbook(
		dir,
		'idle-confirm.yaml',
		'version: 1\nname: Idle at a confirmation\nphases:\n  - id: p\n    name: P\n    steps:\n      - id: go\n        run: "true"\n        confirm: true\n',
	);
	const waitBook = writeRunbook(
		dir,
		'idle-wait.yaml',
		'version: 1\nname: Idle in a wait\nphases:\n  - id: p\n    name: P\n    steps:\n      - id: hold\n        wait: 10m\n',
	);
	const lastMinuteBook = writeRunbook(
		dir,
		'idle-last-minute.yaml',
		'version: 1\nname: Idle in the last minute of a wait\nphases:\n  - id: p\n    name: P\n    steps:\n      - id: hold\n        wait: 90s\n',
	);
	const startUpBook = writeRunbook(
		dir,
		'idle-start-up.yaml',
		'version: 1\nname: Idle in a wait begun at start-up\nphases:\n  - id: p\n    name: P\n    steps:\n      - id: hold\n        wait: 50s\n',
	);
	const logDir = `${dir}/sessions`;
	const sleeping = await sleepShare();
	const confirm = await idleShare(`${bin} run ${confirmBook} --log-dir ${logDir}`, confirmBook, 'Enter run');
	const wait = await idleShare(`${bin} run ${waitBook} --log-dir ${logDir}`, waitBook, 'left');
	// Seconds show once the last minute has begun (`Waiting: 00:59 left`), 30 s into the wait.
	const lastMinute = await idleShare(
		`${bin} run ${lastMinuteBook} --log-dir ${logDir}`,
		lastMinuteBook,
		'Waiting: 00:',
	);
	const startUp = await idleShare(`${bin} run ${startUpBook} --log-dir ${logDir}`, startUpBook, 'left');
	const wholeWait = (wait * 9 + lastMinute) / 10;
	const pct = (x) => `${x.toFixed(2)}%`;
	report(
		`Idle runner: own CPU time as a share of ${windowMs / 1000} s wall time, from ${settleMs / 1000} s after the first frame (target ≤ 1%)`,
		[
			['what', 'runner', 'baseline (sleep)', 'runner − baseline'],
			['waiting at a confirmation', pct(confirm), pct(sleeping), pct(confirm - sleeping)],
			['during a `wait: 10m` step (minutes shown)', pct(wait), pct(sleeping), pct(wait - sleeping)],
			['in the last minute of a wait (seconds shown)', pct(lastMinute), pct(sleeping), pct(lastMinute - sleeping)],
			[
				'a `wait: 50s` begun at start-up (its one-off costs inside)',
				pct(startUp),
				pct(sleeping),
				pct(startUp - sleeping),
			],
			['a whole `wait: 10m` (9 min + the last one)', pct(wholeWait), pct(sleeping), pct(wholeWait - sleeping)],
		],
	);
	return {
		confirmPct: confirm,
		waitPct: wait,
		lastMinutePct: lastMinute,
		startUpWaitPct: startUp,
		wholeWaitPct: wholeWait,
		sleepPct: sleeping,
	};
}

if (import.meta.url === `file://${process.argv[1]}`) await benchIdle();
