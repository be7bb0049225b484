// A session taken over by a second runner (after a crash or an SSH drop): one log, two runners,
// each signing its own part; verify checks the takeover like the rest.
import {appendFileSync, readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {encodeEvent, hashLine} from '../../src/core/audit/entry.js';
import {ed25519Blob, fingerprint, formatPublicKey} from '../../src/core/audit/ssh-wire.js';
import {verifyLog} from '../../src/core/audit/verify.js';
import {SessionLog} from '../../src/store/session-log.js';
import {identityKey, keyFromSeed, localSigner, writeLog} from '../helpers/signed-log.js';
import {loadRunbook, simulate, tourYaml} from '../helpers/scenarios.js';

const sim = simulate(loadRunbook(tourYaml), {
	answers: [
		{kind: 'answer', value: ''},
		{kind: 'confirm'},
		{kind: 'check', isPassed: true},
		{kind: 'check', isPassed: true},
		{kind: 'confirm', text: 'production'},
		{kind: 'answer', value: 'v2.4.1'},
		{kind: 'end-wait', reason: 'flat'},
		{kind: 'signoff', name: 'Ada'},
	],
	results: {plan: [{out: '[ ] 0042_add_index\n'}]},
});
const half = Math.floor(sim.events.length / 2);
const bob = keyFromSeed(11);

/** The first runner writes half the events and dies mid-line; a second (bob) takes over and finishes. */
async function takenOver(options: {torn?: string} = {}) {
	const first = await writeLog(sim.events.slice(0, half), {isSealed: false});
	if (options.torn) appendFileSync(first.file, options.torn);
	const sessionKey = keyFromSeed(12);
	const signer = localSigner(bob);
	const log = await SessionLog.reopen(
		first.file,
		{
			t: sim.events[half - 1]!.t,
			pid: 5151,
			identity: {key: formatPublicKey(signer.publicKey), fingerprint: fingerprint(signer.publicKey), source: 'local'},
			skey: formatPublicKey(ed25519Blob(sessionKey)),
		},
		{sessionKey, identity: signer},
	);
	for (const event of sim.events.slice(half)) log.append(event);
	await log.seal(sim.events.at(-1)!.t);
	log.close();
	return {file: first.file, bytes: readFileSync(first.file), sig: readFileSync(`${first.file}.sig`, 'utf8')};
}

describe('verify: a session taken over by a second runner', () => {
	it('is VALID when both identities are trusted, and names the takeover', async () => {
		const log = await takenOver();
		const report = verifyLog(log.bytes, log.sig, {ownKeys: [ed25519Blob(identityKey), ed25519Blob(bob)]});
		expect(report.verdict).toBe('VALID');
		expect(report.summary).toMatch(/resumed once, by SHA256:/);
		expect(report.resumes).toHaveLength(1);
		expect(report.resumes![0]!.signer.fingerprint).toBe(fingerprint(ed25519Blob(bob)));
	});

	it('is UNTRUSTED when the runner that took over is not trusted, and says which line', async () => {
		const log = await takenOver();
		const report = verifyLog(log.bytes, log.sig, {ownKeys: [ed25519Blob(identityKey)]});
		expect(report.verdict).toBe('UNTRUSTED');
		expect(report.summary).toMatch(/taken over at line \d+ by SHA256:/);
	});

	it('drops a torn last line the crash left, and records how many bytes', async () => {
		const log = await takenOver({torn: '{"seq":99,"t":1,"type":"output-rec'});
		const resume = log.bytes
			.toString('utf8')
			.split('\n')
			.map((l) => (l ? JSON.parse(l) : undefined))
			.find((r) => r?.type === 'resume');
		expect(resume.torn).toBe(34);
		expect(verifyLog(log.bytes, log.sig, {ownKeys: [ed25519Blob(identityKey), ed25519Blob(bob)]}).verdict).toBe(
			'VALID',
		);
	});

	it('is INVALID when a line before the takeover is changed and the chain recomputed', async () => {
		const log = await takenOver();
		const lines = log.bytes.toString('utf8').trimEnd().split('\n');
		const at = lines.findIndex((l) => JSON.parse(l).type === 'output-recorded');
		const out: string[] = [];
		lines.forEach((line, i) => {
			if (i === 0) return out.push(line);
			const {
				seq: _seq,
				t,
				type,
				prev: _prev,
				...rest
			} = JSON.parse(line) as {seq: number; t: number; type: string; prev: string; text?: string};
			if (i === at) rest.text = 'nothing to see\n';
			out.push(encodeEvent(i, hashLine(out[i - 1]!), {type, t, ...rest} as never));
		});
		const report = verifyLog(Buffer.from(`${out.join('\n')}\n`), undefined, {
			ownKeys: [ed25519Blob(identityKey), ed25519Blob(bob)],
		});
		expect(report.verdict).toBe('INVALID');
		expect(report.problem!.line).toBeGreaterThan(at);
	});

	it('is INVALID when the takeover names another key than the one that signed it', async () => {
		const log = await takenOver();
		const lines = log.bytes.toString('utf8').trimEnd().split('\n');
		const at = lines.findIndex((l) => JSON.parse(l).type === 'resume');
		const record = JSON.parse(lines[at]!);
		record.identity.key = formatPublicKey(ed25519Blob(identityKey));
		lines[at] = JSON.stringify(record);
		const report = verifyLog(Buffer.from(`${lines.join('\n')}\n`), undefined, {ownKeys: [ed25519Blob(identityKey)]});
		expect(report.verdict).toBe('INVALID');
		expect(report.problem!.line).toBe(at);
	});
});
