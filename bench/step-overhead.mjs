// Overhead per step: 21 trivial steps against 1, with --yes, in the TUI (in a pty) and in plain
// mode (stdout not a terminal). Targets, beyond bash starting the step's command: at most 10 ms
// a step in the TUI, 5 ms in plain mode (ansible-playbook spends about 174 ms a task). Bash
// starting `true` is part of each step: its cost on this machine, from the same rounds, is
// printed beside them.
import {bin, inPty, median, report, timed, tmp, writeRunbook} from './lib.mjs';

export async function benchStepOverhead(rounds = Number(process.env.BENCH_STEP_ROUNDS ?? 7)) {
	const dir = tmp('steps');
	const book = (n) =>
		writeRunbook(
			dir,
			`steps-${n}.yaml`,
			`version: 1\nname: Steps\nphases:\n  - id: p\n    steps:\n${Array.from({length: n}, (_, i) => `      - id: s${i}\n        run: "true"\n        confirm: true\n`).join('')}`,
		);
	const one = book(1);
	const many = book(21);
	const run = (file) => `node ${bin} run ${file} --yes --log-dir ${dir}/sessions`;
	const tui = {one: [], many: []};
	const plain = {one: [], many: []};
	const bashes = [];
	for (let i = 0; i < rounds + 1; i++) {
		const a = await inPty(run(one));
		const b = await inPty(run(many));
		// Plain mode: stdout is not a terminal (CI unset, so the pty-less run alone decides it).
		const c = await timed(`env -u CI ${run(one)}`);
		const d = await timed(`env -u CI ${run(many)}`);
		const e = await timed(`for i in $(seq 20); do bash --noprofile --norc -c true; done`);
		if (i === 0) continue;
		tui.one.push(a.exitMs);
		tui.many.push(b.exitMs);
		plain.one.push(c.exitMs);
		plain.many.push(d.exitMs);
		bashes.push(e.exitMs / 20);
	}
	const perStep = (runs) => (median(runs.many) - median(runs.one)) / 20;
	const tuiMs = perStep(tui);
	const plainMs = perStep(plain);
	const bashMs = median(bashes);
	report(`overhead per step (${rounds} rounds, medians; TUI in a pty, plain with stdout not a terminal)`, [
		['what', 'TUI ms', 'plain ms'],
		['run of 1 step', median(tui.one).toFixed(0), median(plain.one).toFixed(0)],
		['run of 21 steps', median(tui.many).toFixed(0), median(plain.many).toFixed(0)],
		['per step ((21 - 1) / 20)', tuiMs.toFixed(1), plainMs.toFixed(1)],
		['of which: bash starting `true` (baseline)', bashMs.toFixed(1), bashMs.toFixed(1)],
		['per step beyond bash', (tuiMs - bashMs).toFixed(1), (plainMs - bashMs).toFixed(1)],
	]);
	// The target is the runner's overhead: what a step costs beyond bash starting its command.
	console.log(`  target <= 10 ms a step beyond bash in the TUI: ${tuiMs - bashMs <= 10 ? 'met' : 'NOT met'}`);
	console.log(`  target <= 5 ms a step beyond bash in plain mode: ${plainMs - bashMs <= 5 ? 'met' : 'NOT met'}`);
	return {perStep: tuiMs, perStepPlain: plainMs, bashMs};
}
