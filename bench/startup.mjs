// Start to first frame: `runbook run` until its header is on the terminal, against Node itself
// printing one line in the same pseudo-terminal, interleaved round by round. Target: at most 2x.
import {readFileSync, readdirSync} from 'node:fs';
import {setTimeout as sleep} from 'node:timers/promises';
import {bin, inPty, median, report, tmp, writeRunbook} from './lib.mjs';

/**
 * Waits until no process runs `file`: a run killed at its first frame ends on the SIGHUP of its
 * closed terminal, and holds the lock on runs of `file` until it has; the next round would be refused.
 */
async function noRunnerOf(file) {
	for (let waitedMs = 0; waitedMs < 10_000; waitedMs += 10) {
		const isRunning = readdirSync('/proc')
			.filter((entry) => /^\d+$/.test(entry))
			.some((pid) => {
				try {
					return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(file);
				} catch {
					return false; // It ended between the listing and the read.
				}
			});
		if (!isRunning) return;
		await sleep(10);
	}
	throw new Error(`a run of ${file} is still alive 10 s after its terminal closed`);
}

export async function benchStartup(rounds = 15) {
	const dir = tmp('startup');
	const file = writeRunbook(
		dir,
		'first-frame.yaml',
		'version: 1\nname: First frame marker\nphases:\n  - id: p\n    steps:\n      - id: hold\n        note: Waits for Enter, so the first frame stays up.\n',
	);
	const runbook = [];
	const node = [];
	const nodeEmpty = [];
	for (let i = 0; i < rounds + 2; i++) {
		// The warm-up runs stay up 2 s, as an operator's first session would: long enough to
		// write the code cache (src/store/code-cache.ts) that every later start uses.
		const a = await inPty(`node ${bin} run ${file} --log-dir ${dir}/sessions`, {
			env: {XDG_CACHE_HOME: `${dir}/cache`},
			marker: 'First frame marker',
			killOnMarker: true,
			...(i < 2 ? {killAfterMs: 2000} : {}),
		});
		if (a.markerMs === undefined) throw new Error(`runbook run never showed its first frame (exit ${a.code})`);
		await noRunnerOf(file);
		const b = await inPty(`node -e "process.stdout.write('node ready\\\\n')"`, {marker: 'node ready'});
		const c = await inPty('node -e 0');
		if (i < 2) continue; // warm-up
		runbook.push(a.markerMs);
		node.push(b.markerMs);
		nodeEmpty.push(c.exitMs);
	}
	const ratio = median(runbook) / median(node);
	report(`start to first frame (${rounds} rounds, medians, in a pty)`, [
		['what', 'ms', 'ratio'],
		['node -e 0 (to exit)', median(nodeEmpty).toFixed(0), (median(nodeEmpty) / median(node)).toFixed(2)],
		['node printing a line (baseline)', median(node).toFixed(0), '1.00'],
		['runbook run: header on screen', median(runbook).toFixed(0), ratio.toFixed(2)],
	]);
	console.log(`  target <= 2x: ${ratio <= 2 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)`);
	return {ratio};
}
