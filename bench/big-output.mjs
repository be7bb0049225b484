// A step that prints 50 MB (500k lines of 100 characters) through the TUI and the session log,
// against bash writing the same to a file. Targets: at most 3x the wall time, peak RSS at most
// 150 MB, and the same at 500 MB. A step printing nothing is timed too: the fixed cost of a run
// (start-up, first frames, seal) is most of the 50 MB figure.
import {bin, inPty, median, report, timed, tmp, writeRunbook} from './lib.mjs';

export async function benchBigOutput({rounds = 3, bigLines = 5_000_000} = {}) {
	const dir = tmp('output');
	const rows = [['what', 'wall ms', 'peak RSS MB', 'ratio']];
	const result = {};
	// For scale: what runbook costs before any output (start-up, the signed log, the first frames,
	// the seal), the same in every row below; the output itself costs the rest.
	const quiet = writeRunbook(
		dir,
		'quiet.yaml',
		`version: 1\nname: Big output\nphases:\n  - id: p\n    steps:\n      - id: flood\n        run: 'true'\n`,
	);
	const quietMs = [];
	for (let i = 0; i < rounds; i++) {
		const a = await inPty(`node ${bin} run ${quiet} --yes --log-dir ${dir}/sessions`);
		if (a.code !== 0) throw new Error(`runbook exited ${a.code}`);
		quietMs.push(a.exitMs);
	}
	rows.push(['runbook: the same step printing nothing (fixed cost)', median(quietMs).toFixed(0), '', '']);
	result.quietMs = median(quietMs);
	for (const [label, lines, n] of [
		['50 MB', 500_000, rounds],
		['500 MB', bigLines, 1],
	]) {
		const seq = `seq -f %0100g 1 ${lines}`;
		const file = writeRunbook(
			dir,
			`out-${lines}.yaml`,
			`version: 1\nname: Big output\nphases:\n  - id: p\n    steps:\n      - id: flood\n        run: ${seq}\n`,
		);
		const ours = [];
		const base = [];
		let peak = 0;
		for (let i = 0; i < n; i++) {
			const b = await timed(`${seq} > ${dir}/bash-out.txt`);
			const a = await inPty(`node ${bin} run ${file} --yes --log-dir ${dir}/sessions`, {rssOf: file});
			if (a.code !== 0) throw new Error(`runbook exited ${a.code}`);
			ours.push(a.exitMs);
			base.push(b.exitMs);
			peak = Math.max(peak, a.peakMb);
		}
		const ratio = median(ours) / median(base);
		rows.push([`bash: ${label} to a file (baseline)`, median(base).toFixed(0), '', '1.00']);
		if (label === '50 MB') {
			// For scale: a terminal recorder that keeps everything, on the same output, in the same pty.
			const recorders = [
				['script: 50 MB recorded in a pty', `script -qfec '${seq}' ${dir}/typescript`],
				['asciinema rec: 50 MB', `asciinema rec -q --overwrite -c '${seq}' ${dir}/cast.cast`],
			];
			for (const [what, command] of recorders) {
				const recorded = await inPty(command);
				rows.push([what, recorded.exitMs.toFixed(0), '', (recorded.exitMs / median(base)).toFixed(2)]);
				result[what] = {ms: recorded.exitMs, ratio: recorded.exitMs / median(base)};
			}
		}
		rows.push([`runbook: ${label} through TUI + log`, median(ours).toFixed(0), peak.toFixed(0), ratio.toFixed(2)]);
		// The output's own cost, beside bash's: the run less the fixed cost above.
		const outputRatio = (median(ours) - result.quietMs) / median(base);
		rows.push([
			`  of which the output (less the fixed cost)`,
			(median(ours) - result.quietMs).toFixed(0),
			'',
			outputRatio.toFixed(2),
		]);
		result[label] = {ms: median(ours), bashMs: median(base), ratio, outputRatio, peak};
	}
	report(`a step printing 50 MB and 500 MB (medians of ${rounds} and 1 runs, in a pty)`, rows);
	const verdict = (isMet) => (isMet ? 'met' : 'NOT met');
	console.log(
		`  target <= 3x wall: ${verdict(result['50 MB'].ratio <= 3)} at 50 MB, ${verdict(result['500 MB'].ratio <= 3)} at 500 MB; peak <= 150 MB at 50 MB and 500 MB: ${verdict(result['50 MB'].peak <= 150 && result['500 MB'].peak <= 150)}`,
	);
	return result;
}
