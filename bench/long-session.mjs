// A long session, compressed: 200 steps that each print 5 MB (1 GB in all) run back to back
// through the TUI and the signed log, instead of over two hours. The runner's RSS is sampled all
// through the run: memory that grows with every step, event or record shows as a last quarter
// above the first. Then `runbook verify` of the 1 GB log, against `sha256sum` of the same file.
// Targets: peak RSS at most 150 MB and flat; verify at most 2x sha256sum.
// What the compression leaves out: timers that fire by the clock (the screen's clock, the
// background sync, the checkpoint at most every 5 s of output) fire only as often as this run
// lasts, not as often as in two hours.
import {execFileSync, spawn} from 'node:child_process';
import {readFileSync, readdirSync, rmSync, statSync} from 'node:fs';
import path from 'node:path';
import {bin, inPty, median, report, tmp, writeRunbook} from './lib.mjs';

/** The pid of the node process whose command line holds `needle` and `run`, once it is up. */
function runnerPid(needle) {
	for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
		try {
			const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
			if (/(^|\/)node$/.test(argv[0]) && argv.includes('run') && argv.includes(needle)) return Number(pid);
		} catch {
			// The process ended between the listing and the read.
		}
	}
	return undefined;
}

/** `VmRSS` and `VmHWM` of `pid` in MB; undefined once it has ended. */
function memoryOf(pid) {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
		return {rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024};
	} catch {
		return undefined;
	}
}

/** Samples the runner's RSS every `everyMs` until stopped: the samples, and its VmHWM at the last look. */
function sampleRss(needle, everyMs = 100) {
	const samples = [];
	let pid;
	let peakMb = 0;
	const started = performance.now();
	const timer = setInterval(() => {
		pid ??= runnerPid(needle);
		const memory = pid === undefined ? undefined : memoryOf(pid);
		if (!memory) return;
		samples.push({ms: performance.now() - started, rssMb: memory.rssMb});
		peakMb = Math.max(peakMb, memory.peakMb);
	}, everyMs);
	return () => {
		clearInterval(timer);
		return {samples, peakMb};
	};
}

/** The largest sample in each quarter of the run's time. */
function quarterPeaks(samples) {
	const endMs = samples.at(-1)?.ms ?? 0;
	const peaks = [0, 0, 0, 0];
	for (const {ms, rssMb} of samples) {
		const quarter = Math.min(3, Math.floor((ms / endMs) * 4));
		peaks[quarter] = Math.max(peaks[quarter], rssMb);
	}
	return peaks;
}

/** Wall ms of `command args`, and its peak RSS in MB (GNU time's %M). */
function timedWithPeak(command, args, env) {
	return new Promise((resolve, reject) => {
		const out = path.join(tmp('long-time'), 'time.txt');
		const started = process.hrtime.bigint();
		const child = spawn('/usr/bin/time', ['-o', out, '-f', '%M', command, ...args], {stdio: 'ignore', env});
		child.on('error', reject);
		child.on('close', (code) => {
			const ms = Number(process.hrtime.bigint() - started) / 1e6;
			const peakMb = Number(readFileSync(out, 'utf8').trim().split('\n').at(-1)) / 1024;
			resolve({ms, peakMb, code});
		});
	});
}

export async function benchLongSession({steps = 200, linesPerStep = 50_000, rounds = 3} = {}) {
	const dir = tmp('long');
	const stepsYaml = Array.from(
		{length: steps},
		(_, i) => `      - id: s${String(i + 1).padStart(3, '0')}\n        run: seq -f %0100g 1 ${linesPerStep}\n`,
	).join('');
	const file = writeRunbook(
		dir,
		'long.yaml',
		`version: 1\nname: Long session\nphases:\n  - id: p\n    steps:\n${stepsYaml}`,
	);
	const totalMb = (steps * linesPerStep * 101) / 1e6;

	const stop = sampleRss(file);
	const run = await inPty(`node ${bin} run ${file} --yes --log-dir ${dir}/sessions`);
	const {samples, peakMb} = stop();
	if (run.code !== 0) throw new Error(`runbook exited ${run.code}`);
	const quarters = quarterPeaks(samples);
	const maxSampleMb = Math.max(...samples.map((s) => s.rssMb));

	const [session] = readdirSync(path.join(dir, 'sessions'));
	const log = path.join(dir, 'sessions', session, 'session.jsonl');
	const logMb = statSync(log).size / 1e6;
	const env = {...process.env, XDG_CONFIG_HOME: tmp('cfg'), SSH_AUTH_SOCK: ''};
	const verify = [];
	const sha = [];
	let verifyPeakMb = 0;
	for (let round = 0; round < rounds; round++) {
		const started = process.hrtime.bigint();
		execFileSync('sha256sum', [log]);
		sha.push(Number(process.hrtime.bigint() - started) / 1e6);
		const checked = await timedWithPeak(process.execPath, [bin, 'verify', log], env);
		// 4: signed by a key nobody listed as allowed here; every line and signature checked.
		if (checked.code !== 0 && checked.code !== 4) throw new Error(`verify exited ${checked.code}`);
		verify.push(checked.ms);
		verifyPeakMb = Math.max(verifyPeakMb, checked.peakMb);
	}
	rmSync(dir, {recursive: true, force: true});

	const ratio = median(verify) / median(sha);
	const q = (mb) => mb.toFixed(0);
	report(
		`a long session, compressed: ${steps} steps of ${(totalMb / steps).toFixed(1)} MB (${(totalMb / 1000).toFixed(2)} GB) back to back in ${(run.exitMs / 1000).toFixed(0)} s, not 2 hours; RSS sampled every 100 ms (${samples.length} samples)`,
		[
			['what', 'MB'],
			['runbook RSS: largest sample', q(maxSampleMb)],
			['runbook RSS: peak (VmHWM)', q(peakMb)],
			['runbook RSS: largest sample, quarters 1 / 2 / 3 / 4 of the run', quarters.map(q).join(' / ')],
		],
	);
	report(`verify the long session's log of ${logMb.toFixed(0)} MB (${rounds} rounds, median, whole command)`, [
		['what', 'ms', 'peak RSS MB'],
		['sha256sum of the file (baseline)', median(sha).toFixed(0), ''],
		['runbook verify', median(verify).toFixed(0), q(verifyPeakMb)],
	]);
	const isFlat = quarters[3] <= quarters[0] * 1.1 + 5;
	console.log(
		`  target RSS <= 150 MB: ${peakMb <= 150 ? 'met' : 'NOT met'}; flat (last quarter within 10% + 5 MB of the first): ${isFlat ? 'yes' : 'NO'}; verify <= 2x sha256sum: ${ratio <= 2 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)`,
	);
	return {
		runMs: run.exitMs,
		totalMb,
		peakMb,
		maxSampleMb,
		quarterPeaksMb: quarters,
		logMb,
		verifyMs: median(verify),
		verifyPeakMb,
		sha256sumMs: median(sha),
		ratio,
	};
}
