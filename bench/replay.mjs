// Replay opens a session with 50 MB of output and shows its last step: target at most 1 s.
// Baselines from the same run: `cat` of the log to /dev/null, and Node printing a line.
import {spawnSync} from 'node:child_process';
import {readdirSync, statSync} from 'node:fs';
import path from 'node:path';
import {bin, inPty, median, report, timed, tmp, writeRunbook} from './lib.mjs';

export async function benchReplay(rounds = 5) {
	const dir = tmp('replay');
	const env = {...process.env, XDG_CONFIG_HOME: tmp('cfg'), SSH_AUTH_SOCK: ''};
	const file = writeRunbook(
		dir,
		'big.yaml',
		'version: 1\nname: Big output\nphases:\n  - id: p\n    steps:\n      - id: flood\n        run: seq -f %0100g 1 500000\n      - id: last-step\n        run: echo done\n',
	);
	const run = spawnSync(process.execPath, [bin, 'run', file, '--yes', '--log-dir', path.join(dir, 'sessions')], {
		env: {...env, CI: 'true'},
		stdio: 'ignore',
	});
	if (run.status !== 0) throw new Error('could not record the session to replay');
	const [id] = readdirSync(path.join(dir, 'sessions'));
	const log = path.join(dir, 'sessions', id, 'session.jsonl');
	const ours = [];
	const cat = [];
	const node = [];
	for (let i = 0; i < rounds + 1; i++) {
		const a = await inPty(
			`XDG_CONFIG_HOME=${env.XDG_CONFIG_HOME} SSH_AUTH_SOCK= node ${bin} replay ${log} --start-at last-step`,
			{marker: 'REPLAY', killOnMarker: true},
		);
		const b = await timed(`cat ${log} > /dev/null`);
		const c = await inPty(`node -e "process.stdout.write('node ready\\\\n')"`, {marker: 'node ready'});
		if (i === 0) continue;
		ours.push(a.markerMs);
		cat.push(b.exitMs);
		node.push(c.markerMs);
	}
	report(
		`replay a session with ${(statSync(log).size / 1e6).toFixed(0)} MB of output, at its last step (${rounds} rounds, medians, in a pty)`,
		[
			['what', 'ms'],
			['cat of the log to /dev/null (baseline)', median(cat).toFixed(0)],
			['node printing a line (baseline)', median(node).toFixed(0)],
			['runbook replay: verified, folded, last step on screen', median(ours).toFixed(0)],
		],
	);
	console.log(`  target <= 1 s: ${median(ours) <= 1000 ? 'met' : 'NOT met'}`);
}
