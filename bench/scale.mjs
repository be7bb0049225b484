// Scale of the runbook: `validate` and `run --dry-run` of a 10,000-step runbook (target ≤ 500 ms
// each), and a 50 MB YAML file refused before it is parsed, fast and with a one-line reason and
// exit 2. The baseline is `node -e 0` in the same run: what any Node command costs to start.
import {spawn} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {bin, median, report, tmp} from './lib.mjs';

/** 100 phases of 100 steps, each step a command that uses a variable: about 400 kB of YAML. */
function tenThousandSteps() {
	const phases = Array.from({length: 100}, (_, p) => {
		const steps = Array.from({length: 100}, (_, s) => `      - id: s${p}_${s}\n        run: echo {{ word }} ${s}\n`);
		return `  - id: p${p}\n    steps:\n${steps.join('')}`;
	});
	return `version: 1\nname: Ten thousand steps\nvars:\n  word: { default: hello }\nphases:\n${phases.join('')}`;
}

/** 50 MB of valid-looking YAML: a runbook with one very long note. */
function fiftyMegabytes(file) {
	const head = 'version: 1\nname: Huge\nphases:\n  - id: p\n    steps:\n      - id: s\n        note: |\n';
	const line = `          ${'x'.repeat(89)}\n`;
	writeFileSync(file, head + line.repeat(Math.ceil((50 * 1024 * 1024) / line.length)));
}

/** Runs `node args…` with no terminal: ms to exit, exit code and stderr. */
function run(args) {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const child = spawn('node', args, {stdio: ['ignore', 'ignore', 'pipe']});
		let stderr = '';
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('error', reject);
		child.on('exit', (code) => {
			const exitMs = Number(process.hrtime.bigint() - started) / 1e6;
			resolve({exitMs, code, stderr: stderr.trim()});
		});
	});
}

export async function benchScale(rounds = 5) {
	const dir = tmp('scale');
	const book = path.join(dir, 'ten-thousand.yaml');
	writeFileSync(book, tenThousandSteps());
	const huge = path.join(dir, 'fifty-mb.yaml');
	fiftyMegabytes(huge);
	const times = {node: [], validate: [], dryRun: [], huge: []};
	let refusal = '';
	for (let i = 0; i < rounds + 1; i++) {
		const node = await run(['-e', '0']);
		const validate = await run([bin, 'validate', book]);
		const dryRun = await run([bin, 'run', '--dry-run', book, '--log-dir', path.join(dir, 'sessions')]);
		const refused = await run([bin, 'validate', huge]);
		if (validate.code !== 0 || dryRun.code !== 0) throw new Error(`10k steps: exit ${validate.code}, ${dryRun.code}`);
		if (refused.code !== 2) throw new Error(`50 MB YAML: exit ${refused.code}, not 2`);
		refusal = refused.stderr;
		if (i === 0) continue; // warm-up
		times.node.push(node.exitMs);
		times.validate.push(validate.exitMs);
		times.dryRun.push(dryRun.exitMs);
		times.huge.push(refused.exitMs);
	}
	const ms = Object.fromEntries(Object.entries(times).map(([key, values]) => [key, median(values)]));
	report(`scale of the runbook (${rounds} rounds, medians, no terminal)`, [
		['what', 'ms', 'target'],
		['node -e 0 (baseline)', ms.node.toFixed(0), ''],
		['validate: 10,000 steps', ms.validate.toFixed(0), '≤ 500'],
		['run --dry-run: 10,000 steps', ms.dryRun.toFixed(0), '≤ 500'],
		['validate: 50 MB YAML, refused (exit 2)', ms.huge.toFixed(0), 'fast'],
	]);
	console.log(`  the refusal: ${refusal.split('\n').length === 1 ? 'one line' : 'NOT one line'}: ${refusal}`);
	console.log(
		`  target <= 500 ms: validate ${ms.validate <= 500 ? 'met' : 'NOT met'}, dry-run ${ms.dryRun <= 500 ? 'met' : 'NOT met'}`,
	);
	return {nodeMs: ms.node, validateMs: ms.validate, dryRunMs: ms.dryRun, hugeRefusedMs: ms.huge, refusal};
}

if (import.meta.url === `file://${process.argv[1]}`) await benchScale();
