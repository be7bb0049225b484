// Builds sealed session logs with fixed keys and a fixed clock, through the real SessionLog.
import {createPrivateKey, sign, type KeyObject} from 'node:crypto';
import {mkdtempSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {logFormat} from '../../src/core/audit/entry.js';
import type {IdentitySigner} from '../../src/core/audit/signer.js';
import {ed25519Blob, fingerprint, formatPublicKey, sshString} from '../../src/core/audit/ssh-wire.js';
import type {RunEvent} from '../../src/core/run/events.js';
import {SessionLog} from '../../src/store/session-log.js';

/** An Ed25519 private key from a 32-byte seed (PKCS#8 DER with the seed at the end). */
export function keyFromSeed(seed: number): KeyObject {
	const prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
	return createPrivateKey({key: Buffer.concat([prefix, Buffer.alloc(32, seed)]), format: 'der', type: 'pkcs8'});
}

export function localSigner(key: KeyObject): IdentitySigner {
	return {
		publicKey: ed25519Blob(key),
		source: 'local',
		sign: async (data) => Buffer.concat([sshString('ssh-ed25519'), sshString(sign(null, data, key))]),
	};
}

export const identityKey = keyFromSeed(7);
export const sessionSeedKey = keyFromSeed(9);

/** A new session log in `dir` with the fixtures' header (alice on deploy-1, billing.yaml), signed by `identity`. */
export async function openSignedLog(
	dir: string,
	options: {session: string; wall?: string; runbookSha256?: string; identity?: KeyObject; sessionKey?: KeyObject},
): Promise<SessionLog> {
	const signer = localSigner(options.identity ?? identityKey);
	const sessionKey = options.sessionKey ?? sessionSeedKey;
	return SessionLog.create(
		dir,
		{
			format: logFormat,
			session: options.session,
			tool: {name: 'runbook', version: '0.1.0'},
			wall: options.wall ?? new Date().toISOString(),
			runbook: {path: '/srv/runbooks/billing.yaml', sha256: options.runbookSha256 ?? '0'.repeat(64)},
			operator: {user: 'alice', host: 'deploy-1'},
			identity: {key: formatPublicKey(signer.publicKey), fingerprint: fingerprint(signer.publicKey), source: 'local'},
			skey: formatPublicKey(ed25519Blob(sessionKey)),
			term: {cols: 80, rows: 24},
			pid: 4242,
		},
		{sessionKey, identity: signer},
	);
}

/** Writes `events` as a sealed session (unless `isSealed: false`) and returns the files' bytes. A `head` of `$head` is the chain head at the latest approval request. */
export async function writeLog(
	events: RunEvent[],
	options: {identity?: KeyObject; session?: KeyObject; isSealed?: boolean; dir?: string} = {},
) {
	const identity = options.identity ?? identityKey;
	const sessionKey = options.session ?? sessionSeedKey;
	const dir = options.dir ?? path.join(mkdtempSync(path.join(os.tmpdir(), 'runbook-signed-')), 'session');
	const log = await openSignedLog(dir, {
		session: '20261122T090000Z-golden',
		wall: '2026-11-22T09:00:00.000Z',
		runbookSha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
		identity,
		sessionKey,
	});
	// An approval request is bound to the chain head where it lands: `$head` stands for it.
	let requestHead = '';
	for (const event of events) {
		if (event.type === 'approval-requested' && event.head === '$head') requestHead = log.head();
		const head = 'head' in event && event.head === '$head' ? {head: requestHead} : {};
		log.append({...event, ...head} as RunEvent);
	}
	if (options.isSealed !== false) await log.seal(events.at(-1)?.t ?? 0);
	log.close();
	const file = path.join(dir, 'session.jsonl');
	return {
		file,
		bytes: readFileSync(file),
		sig: options.isSealed === false ? undefined : readFileSync(`${file}.sig`, 'utf8'),
	};
}

/** Output a terminal really prints: escapes, quotes, backslashes, non-ASCII, a line separator. */
const burstTexts = ['plain line\n', '\u001b[31mred\u001b[0m\r\n', 'say "hi" \\ / \t', 'é 日本 🚀 \u2028 \u007f', ''];

/** A step printing `count` pieces of such output on both streams, then the session's end. */
export function outputBurstEvents(count: number): RunEvent[] {
	return [
		{type: 'step-started', t: 1, step: 'build'},
		...Array.from({length: count}, (_, i) => ({
			type: 'output-recorded',
			t: 2 + i,
			step: 'build',
			stream: i % 2 ? 'err' : 'out',
			text: burstTexts[i % burstTexts.length],
		})),
		{type: 'command-exited', t: 300, step: 'build', code: 0, durationMs: 120},
		{type: 'session-ended', t: 301, status: 'completed'},
	] as RunEvent[];
}

/** The oracle for a proof of canonical form: JSON.stringify writes the line so, its fields in order. */
export function isCanonicalLine(line: string): boolean {
	try {
		const record = JSON.parse(line) as Record<string, unknown>;
		return JSON.stringify(record) === line && Object.keys(record).slice(0, 4).join() === 'seq,t,type,prev';
	} catch {
		return false;
	}
}
