// Overhead per step: 21 trivial steps against 1, with --yes, in the TUI. Target: at most 10 ms
// a step (ansible-playbook spends about 174 ms a task). Bash starting `true` is part of each step.
import {bin, inPty, median, report, timed, tmp, writeRunbook} from './lib.mjs';

export async function benchStepOverhead(rounds = 7) {
	const dir = tmp('steps');
	const book = (n) =>
		writeRunbook(
			dir,
			`steps-${n}.yaml`,
			`version: 1\nname: Steps\nphases:\n  - id: p\n    steps:\n${Array.from({length: n}, (_, i) => `      - id: s${i}\n        run: "true"\n        confirm: true\n`).join('')}`,
		);
	const one = book(1);
	const many = book(21);
	const t1 = [];
	const t21 = [];
	const bashes = [];
	for (let i = 0; i < rounds + 1; i++) {
		const a = await inPty(`node ${bin} run ${one} --yes --log-dir ${dir}/sessions`);
		const b = await inPty(`node ${bin} run ${many} --yes --log-dir ${dir}/sessions`);
		const c = await timed(`for i in $(seq 20); do bash --noprofile --norc -c true; done`);
		if (i === 0) continue;
		t1.push(a.exitMs);
		t21.push(b.exitMs);
		bashes.push(c.exitMs / 20);
	}
	const perStep = (median(t21) - median(t1)) / 20;
	report(`overhead per step (${rounds} rounds, medians, in a pty)`, [
		['what', 'ms'],
		['run of 1 step', median(t1).toFixed(0)],
		['run of 21 steps', median(t21).toFixed(0)],
		['per step ((21 - 1) / 20)', perStep.toFixed(1)],
		['of which: bash starting `true` (baseline)', median(bashes).toFixed(1)],
	]);
	console.log(`  target <= 10 ms a step: ${perStep <= 10 ? 'met' : 'NOT met'}`);
	return {perStep};
}
