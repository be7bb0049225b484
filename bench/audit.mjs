// The signed log: append throughput during an output burst (target >= 15k events/s; fsync per
// event manages ~2,900/s here, measured below as the baseline), and `runbook verify` of a
// 100k-event log of about 57 MB (target <= 2x `sha256sum` of the same file in the same run).
import {execFileSync, spawnSync} from 'node:child_process';
import {createPrivateKey, sign} from 'node:crypto';
import {closeSync, fsyncSync, openSync, statSync, writeSync} from 'node:fs';
import path from 'node:path';
import {build} from 'esbuild';
import {bin, median, report, root, tmp} from './lib.mjs';

const seedKey = (seed) =>
	createPrivateKey({
		key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, seed)]),
		format: 'der',
		type: 'pkcs8',
	});

/** The real SessionLog, bundled for this script. */
async function loadStore() {
	const out = path.join(tmp('audit-build'), 'store.mjs');
	await build({
		stdin: {
			contents: `export {SessionLog} from './src/store/session-log.ts'; export * from './src/core/audit/ssh-wire.ts'; export {logFormat} from './src/core/audit/entry.ts';`,
			resolveDir: root,
			loader: 'ts',
		},
		bundle: true,
		platform: 'node',
		format: 'esm',
		outfile: out,
		logLevel: 'error',
		absWorkingDir: root,
	});
	return import(out);
}

async function writeLog(store, dir, events) {
	const identity = seedKey(7);
	const sessionKey = seedKey(9);
	const blob = store.ed25519Blob(identity);
	const log = await store.SessionLog.create(
		dir,
		{
			format: store.logFormat,
			session: 'bench',
			tool: {name: 'runbook', version: '0.1.0'},
			wall: new Date().toISOString(),
			runbook: {path: '/bench.yaml', sha256: '0'.repeat(64)},
			operator: {user: 'bench', host: 'bench'},
			identity: {key: store.formatPublicKey(blob), fingerprint: store.fingerprint(blob), source: 'local'},
			skey: store.formatPublicKey(store.ed25519Blob(sessionKey)),
			term: {cols: 80, rows: 24},
			pid: 1,
		},
		{
			sessionKey,
			identity: {
				publicKey: blob,
				source: 'local',
				sign: async (data) =>
					Buffer.concat([store.sshString('ssh-ed25519'), store.sshString(sign(null, data, identity))]),
			},
		},
	);
	const started = process.hrtime.bigint();
	for (const event of events) log.append(event);
	const appendMs = Number(process.hrtime.bigint() - started) / 1e6;
	log.flush();
	await log.seal(events.at(-1).t);
	log.close();
	return {appendMs, file: path.join(dir, 'session.jsonl')};
}

function fsyncPerEventBaseline(lines) {
	const fd = openSync(path.join(tmp('fsync'), 'log'), 'w');
	const started = process.hrtime.bigint();
	for (let i = 0; i < lines; i++) {
		writeSync(fd, `{"seq":${i},"line":"${'x'.repeat(400)}"}\n`);
		fsyncSync(fd);
	}
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	closeSync(fd);
	return (lines / ms) * 1000;
}

export async function benchAudit() {
	const store = await loadStore();
	const line = `${'0'.repeat(99)}\n`;
	const burst = Array.from({length: 100_000}, (_, i) => ({
		type: 'output-recorded',
		t: 1000 + i * 100,
		step: 'flood',
		stream: 'out',
		text: line.repeat(4),
	}));
	const rates = [];
	let file;
	for (let round = 0; round < 3; round++) {
		const result = await writeLog(store, path.join(tmp('append'), 's'), burst);
		rates.push((burst.length / result.appendMs) * 1000);
		file = result.file;
	}
	const baseline = fsyncPerEventBaseline(2000);
	report('append during an output burst (100k events of 400 B, signed, hashed; 3 rounds, median)', [
		['what', 'events/s'],
		['write + fsync per event (baseline)', baseline.toFixed(0)],
		['runbook SessionLog.append', median(rates).toFixed(0)],
	]);
	console.log(`  target >= 15,000 events/s: ${median(rates) >= 15_000 ? 'met' : 'NOT met'}`);

	const sizeMb = statSync(file).size / 1e6;
	const times = [];
	for (let round = 0; round < 5; round++) {
		const started = process.hrtime.bigint();
		const result = spawnSync(process.execPath, [bin, 'verify', file], {
			encoding: 'utf8',
			env: {...process.env, XDG_CONFIG_HOME: tmp('cfg'), SSH_AUTH_SOCK: ''},
		});
		times.push(Number(process.hrtime.bigint() - started) / 1e6);
		if (result.status !== 4 && result.status !== 0) throw new Error(`verify said: ${result.stdout}${result.stderr}`);
	}
	const sha = [];
	for (let round = 0; round < 5; round++) {
		const started = process.hrtime.bigint();
		execFileSync('sha256sum', [file]);
		sha.push(Number(process.hrtime.bigint() - started) / 1e6);
	}
	report(
		`verify a ${burst.length.toLocaleString('en-US')}-event log of ${sizeMb.toFixed(0)} MB (5 rounds, median, whole command)`,
		[
			['what', 'ms'],
			['sha256sum of the file (baseline)', median(sha).toFixed(0)],
			['runbook verify', median(times).toFixed(0)],
		],
	);
	const ratio = median(times) / median(sha);
	console.log(`  target <= 2x sha256sum: ${ratio <= 2 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)`);
	return {
		appendPerS: median(rates),
		fsyncBaselinePerS: baseline,
		verifyMs: median(times),
		sha256sumMs: median(sha),
		ratio,
	};
}
