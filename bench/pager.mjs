// The output pager on a finished step with 50 MB of output: opening it (one pass over the log
// to index the step's records, then its last page read, made safe and wrapped) at most 300 ms;
// a search across all of it at most 1 s. Baselines from the same run, on the same 50 MB as a
// plain file: `tail -n 24` for the last page, `grep -c` for the search.
import {spawnSync} from 'node:child_process';
import {readdirSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {build} from 'esbuild';
import {bin, median, report, root, timed, tmp, writeRunbook} from './lib.mjs';

/** The pager's reader and page layout, bundled from the sources as the CLI bundles them. */
async function pagerModules(dir) {
	const entry = path.join(dir, 'entry.ts');
	writeFileSync(
		entry,
		`export {LogOutputIndex} from ${JSON.stringify(path.join(root, 'src/store/output-index.ts'))};\n` +
			`export {openPager, shownTop, pageRowsAt, pagerGeometry} from ${JSON.stringify(path.join(root, 'src/ui/pager/pager-model.ts'))};\n`,
	);
	const outfile = path.join(dir, 'pager.mjs');
	await build({entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'error'});
	return import(outfile);
}

export async function benchPager(rounds = 5) {
	const dir = tmp('pager');
	const env = {...process.env, XDG_CONFIG_HOME: tmp('cfg'), SSH_AUTH_SOCK: '', CI: 'true'};
	const file = writeRunbook(
		dir,
		'big.yaml',
		'version: 1\nname: Big output\nphases:\n  - id: p\n    steps:\n      - id: flood\n        run: seq -f %0100g 1 500000\n',
	);
	const run = spawnSync(process.execPath, [bin, 'run', file, '--yes', '--log-dir', path.join(dir, 'sessions')], {
		env,
		stdio: 'ignore',
	});
	if (run.status !== 0) throw new Error('could not record the session with 50 MB of output');
	const [id] = readdirSync(path.join(dir, 'sessions'));
	const log = path.join(dir, 'sessions', id, 'session.jsonl');
	// The spool goes with the sealed session: the baselines read the same bytes, written by `seq` again.
	const spool = path.join(dir, 'flood.out');
	spawnSync('bash', ['-c', `seq -f %0100g 1 500000 > ${spool}`]);
	const {LogOutputIndex, openPager, shownTop, pageRowsAt, pagerGeometry} = await pagerModules(dir);
	const {pageRows, width} = pagerGeometry(80, 24);
	const ms = (started) => Number(process.hrtime.bigint() - started) / 1e6;
	const opened = [];
	const searched = [];
	const missed = [];
	const tail = [];
	const grep = [];
	const grepMissed = [];
	let lastRow = '';
	for (let i = 0; i < rounds + 1; i++) {
		let started = process.hrtime.bigint();
		const reader = new LogOutputIndex(log);
		const state = openPager('flood');
		const page = pageRowsAt(state, reader, shownTop(state, reader, pageRows, width), pageRows, width);
		const openMs = ms(started);
		lastRow = page.rows.at(-1).text;
		started = process.hrtime.bigint();
		const match = reader.find('flood', '0499990');
		const searchMs = ms(started);
		started = process.hrtime.bigint();
		const none = reader.find('flood', 'no such text');
		const missMs = ms(started);
		reader.close();
		if (match !== 499_989 || none !== undefined) throw new Error(`search found ${match} and ${none}`);
		const b = await timed(`tail -n 24 ${spool} > /dev/null`);
		const c = await timed(`grep -c 0499990 ${spool} > /dev/null`);
		const d = await timed(`grep -c 'no such text' ${spool} > /dev/null`);
		if (b.code !== 0 || c.code !== 0 || d.code !== 1) throw new Error('a baseline command failed');
		// The first round warms the page cache for both sides.
		if (i === 0) continue;
		opened.push(openMs);
		searched.push(searchMs);
		missed.push(missMs);
		tail.push(b.exitMs);
		grep.push(c.exitMs);
		grepMissed.push(d.exitMs);
	}
	if (!lastRow.endsWith('500000')) throw new Error(`the last page ends with ${lastRow}, not line 500000`);
	const ratio = (a, b) => (median(a) / median(b)).toFixed(2);
	report(
		`the pager on a finished step: ${(statSync(spool).size / 1e6).toFixed(0)} MB of output, a ${(statSync(log).size / 1e6).toFixed(0)} MB log (${rounds} rounds, medians)`,
		[
			['what', 'ms', 'ratio'],
			['tail -n 24 of the same 50 MB (baseline)', median(tail).toFixed(0), '1.00'],
			['pager: index the log, show the last page', median(opened).toFixed(0), ratio(opened, tail)],
			['grep -c, a line near the end (baseline)', median(grep).toFixed(0), '1.00'],
			['pager: search from the top to it', median(searched).toFixed(0), ratio(searched, grep)],
			['grep -c, text on no line (baseline)', median(grepMissed).toFixed(0), '1.00'],
			['pager: search all of it, no match', median(missed).toFixed(0), ratio(missed, grepMissed)],
		],
	);
	const isOpenMet = median(opened) <= 300;
	const isSearchMet = Math.max(median(searched), median(missed)) <= 1000;
	console.log(
		`  target last page <= 300 ms: ${isOpenMet ? 'met' : 'NOT met'}; search <= 1 s: ${isSearchMet ? 'met' : 'NOT met'}`,
	);
	return {openMs: median(opened), searchMs: Math.max(median(searched), median(missed))};
}
