// Actor: the operator resuming in CI. A session that stops only for missing input stays
// resumable (promise 6: nothing recorded is lost), and a declared secret that is not set stops the
// resume before anything could print it unmasked (promise 4).
import {createHash, createPrivateKey} from 'node:crypto';
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {logFormat} from '../../src/core/audit/entry.js';
import {ed25519Blob, fingerprint, formatPublicKey} from '../../src/core/audit/ssh-wire.js';
import type {RunEvent} from '../../src/core/run/events.js';
import {parseRunbook} from '../../src/core/runbook/parse.js';
import {SessionLog} from '../../src/store/session-log.js';
import {isolatedEnv, runCli} from '../helpers/cli.js';
import {keyFromSeed, localSigner} from '../helpers/signed-log.js';

/** A session of `yaml`, signed by the test operator's own key, that stopped right after it started. */
async function crashedSession(yaml: string) {
	runCli(['keys']); // makes the operator's key in the isolated settings folder
	const key = createPrivateKey(readFileSync(path.join(isolatedEnv.XDG_CONFIG_HOME!, 'runbook', 'identity_ed25519')));
	const parsed = parseRunbook(yaml);
	if (!parsed.ok) throw new Error('the runbook does not parse');
	const base = mkdtempSync(path.join(os.tmpdir(), 'runbook-inputs-'));
	const logDir = path.join(base, 'sessions');
	const runbookFile = path.join(base, 'runbook.yaml');
	writeFileSync(runbookFile, yaml);
	const id = '20261122T090000Z-crashed';
	const signer = localSigner(key);
	const log = await SessionLog.create(
		path.join(logDir, id),
		{
			format: logFormat,
			session: id,
			tool: {name: 'runbook', version: '0.1.0'},
			wall: new Date().toISOString(),
			runbook: {path: runbookFile, sha256: createHash('sha256').update(yaml).digest('hex')},
			operator: {user: os.userInfo().username, host: os.hostname()},
			identity: {key: formatPublicKey(signer.publicKey), fingerprint: fingerprint(signer.publicKey), source: 'local'},
			skey: formatPublicKey(ed25519Blob(keyFromSeed(5))),
			term: {cols: 80, rows: 24},
			pid: 2 ** 22 + 1,
		},
		{sessionKey: keyFromSeed(5), identity: signer},
	);
	const started = {
		type: 'session-started',
		t: 1,
		runbook: parsed.runbook,
		options: {operator: os.userInfo().username, isInteractive: false, isPreApproved: false},
		wall: new Date().toISOString(),
	} as RunEvent;
	log.append(started);
	log.close();
	return {logDir, id, file: path.join(logDir, id, 'session.jsonl')};
}

describe('resume in CI with input missing', () => {
	it('a var never recorded: exit 2 naming it, nothing recorded; the same session then resumes with --var', async () => {
		const marker = path.join(mkdtempSync(path.join(os.tmpdir(), 'runbook-inputs-')), 'ran');
		const s = await crashedSession(
			`version: 1\nname: t\nvars:\n  target: {}\nphases:\n  - id: p\n    steps:\n      - id: a\n        run: echo {{ target }} > ${marker}\n`,
		);
		const before = readFileSync(s.file);
		const stopped = runCli(['resume', '--yes', s.id, '--log-dir', s.logDir], {env: {CI: 'true'}});
		expect(stopped.stderr).toMatch(/stopped before it recorded `target`; give it with --var target=\.\.\./);
		expect(stopped.code).toBe(2);
		expect(readFileSync(s.file).equals(before), 'the log changed').toBe(true);
		expect(existsSync(`${s.file}.sig`)).toBe(false);
		const resumed = runCli(['resume', '--yes', s.id, '--log-dir', s.logDir, '--var', 'target=db-7'], {
			env: {CI: 'true'},
		});
		expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
		expect(readFileSync(marker, 'utf8')).toBe('db-7\n');
	}, 30_000);

	it('a declared secret env variable that is not set: exit 2 naming it, before anything runs', async () => {
		const marker = path.join(mkdtempSync(path.join(os.tmpdir(), 'runbook-inputs-')), 'ran');
		const s = await crashedSession(
			`version: 1\nname: t\nsecrets: [DEPLOY_TOKEN]\nphases:\n  - id: p\n    steps:\n      - id: a\n        run: touch ${marker}\n`,
		);
		const stopped = runCli(['resume', '--yes', s.id, '--log-dir', s.logDir], {env: {CI: 'true', DEPLOY_TOKEN: ''}});
		expect(stopped.stderr).toMatch(/needs the secret environment variable `DEPLOY_TOKEN`, which is not set/);
		expect(stopped.code).toBe(2);
		expect(existsSync(marker)).toBe(false);
	}, 30_000);
});
