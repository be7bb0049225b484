import {readFileSync, writeFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {type Trust} from '../../src/core/audit/verify.js';
import {verifyLog} from '../helpers/verify-both-ways.js';
import {ed25519Blob} from '../../src/core/audit/ssh-wire.js';
import {encodeEvent, hashLine} from '../../src/core/audit/entry.js';
import {identityKey, keyFromSeed, writeLog} from '../helpers/signed-log.js';
import {loadRunbook, simulate, tourYaml} from '../helpers/scenarios.js';
import {skipUnless} from '../helpers/skip.js';

const own: Trust = {ownKeys: [ed25519Blob(identityKey)]};
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
	results: {plan: [{out: '[ ] 0042_add_index\n'}], migrate: [{out: 'Applying 0042... OK\n', err: 'warning: slow\n'}]},
});
const sealed = await writeLog(sim.events);
const goldenFile = new URL('../fixtures/golden/session.jsonl', import.meta.url);
const goldenSigFile = new URL('../fixtures/golden/session.jsonl.sig', import.meta.url);
/** Read before any test runs, so an update cannot make the comparison compare the new bytes with themselves. */
const committedGolden = {bytes: readFileSync(goldenFile), sig: readFileSync(goldenSigFile, 'utf8')};
const lines = sealed.bytes.toString('utf8').trimEnd().split('\n');
const lineOf = (predicate: (record: Record<string, unknown>) => boolean) =>
	lines.findIndex((l) => predicate(JSON.parse(l)));
const join = (ls: string[]) => Buffer.from(`${ls.join('\n')}\n`);
/** The byte where line `line` starts in `bytes`. */
const lineOffset = (bytes: Buffer, line: number) => {
	let offset = 0;
	for (let i = 0; i < line; i++) offset = bytes.indexOf(0x0a, offset) + 1;
	return offset;
};
const check = (bytes: Buffer, trust: Trust = own) => verifyLog(bytes, sealed.sig, trust);
const checkUnsealed = (bytes: Buffer) => verifyLog(bytes, undefined, own);

/** A forger's rewrite: renumbers `seq` and recomputes every `prev`, so the chain itself is consistent. */
function rechain(source: string[]): Buffer {
	const out: string[] = [];
	source.forEach((line, i) => {
		if (i === 0) return out.push(line);
		const {
			seq: _seq,
			t,
			type,
			prev: _prev,
			...rest
		} = JSON.parse(line) as {seq: number; t: number; type: string; prev: string};
		out.push(encodeEvent(i, hashLine(out[i - 1]!), {type, t, ...rest} as never));
	});
	return join(out);
}

/** Replaces line i, keeping every other line's bytes. */
const withLine = (i: number, edit: (record: Record<string, unknown>) => void) =>
	join(
		lines.map((l, j) => {
			if (j !== i) return l;
			const record = JSON.parse(l);
			edit(record);
			return JSON.stringify(record);
		}),
	);

describe('verify: a sealed session', () => {
	it("is VALID, trusted as the operator's own key, and says so", () => {
		const report = check(sealed.bytes);
		expect(report.verdict).toBe('VALID');
		expect(report.summary).toMatch(/trusted as your own identity; no --allowed-signers given/);
		expect(report.isSealed).toBe(true);
	});

	it('equals the committed golden session byte for byte (fixed keys, clock and output)', () => {
		expect(sealed.bytes.equals(committedGolden.bytes)).toBe(true);
		expect(sealed.sig).toBe(committedGolden.sig);
	});

	// Rewrites the golden files for the next run; this run still compares with what was committed.
	skipUnless(
		Boolean(!process.env.CI && process.env.UPDATE_GOLDEN),
		'rewrites the golden files only when asked, with UPDATE_GOLDEN=1 outside CI',
	)('writes a new golden session (UPDATE_GOLDEN)', () => {
		writeFileSync(goldenFile, sealed.bytes);
		writeFileSync(goldenSigFile, sealed.sig!);
	});

	it('has a checkpoint after every decision, command start and exit, and phase end', () => {
		const types = lines.map((l) => JSON.parse(l).type as string);
		types.forEach((type, i) => {
			if (
				[
					'step-confirmed',
					'command-started',
					'command-exited',
					'phase-ended',
					'check-answered',
					'signoff-given',
				].includes(type)
			)
				expect(types[i + 1], `after ${type} at ${i}`).toBe('checkpoint');
		});
		expect(types.at(-1)).toBe('seal');
		expect(types[1]).toBe('attest');
	});
});

describe('verify: the tamper matrix, each INVALID with the line named', () => {
	const outputLine = lineOf((r) => r.type === 'output-recorded');
	const exitLine = lineOf((r) => r.type === 'command-exited' && r.step === 'migrate');
	const confirmLine = lineOf((r) => r.type === 'step-confirmed');
	const cases: Array<[string, () => Buffer, number, RegExp]> = [
		['edited output', () => withLine(outputLine, (r) => (r.text = `${String(r.text)}x`)), outputLine, /changed/],
		['an exit code changed', () => withLine(exitLine, (r) => (r.code = 1)), exitLine, /changed/],
		['who confirmed changed', () => withLine(confirmLine, (r) => (r.by = 'mallory')), confirmLine, /changed/],
		['a line deleted', () => join(lines.filter((_, i) => i !== 20)), 20, /seq is 21, expected 20/],
		[
			'a line inserted',
			() => join([...lines.slice(0, 20), lines[19]!, ...lines.slice(20)]),
			20,
			/seq is 19, expected 20/,
		],
		[
			'two lines swapped',
			() => join([...lines.slice(0, 20), lines[21]!, lines[20]!, ...lines.slice(22)]),
			20,
			/seq is 21, expected 20/,
		],
		[
			'a line duplicated',
			() => join([...lines.slice(0, 21), lines[20]!, ...lines.slice(21)]),
			21,
			/seq is 20, expected 21/,
		],
		['time going backwards', () => withLine(outputLine, (r) => (r.t = 1)), outputLine, /time goes backwards/],
		[
			'a line appended after the seal',
			() => join([...lines, lines.at(-1)!.replace(/"seq":\d+/, `"seq":${lines.length}`)]),
			lines.length,
			/after the seal/,
		],
		[
			'a duplicate JSON key',
			() => join(lines.map((l, i) => (i === outputLine ? l.replace('"stream":', '"stream":"out","stream":') : l))),
			outputLine,
			/canonical/,
		],
		[
			'extra whitespace',
			() => join(lines.map((l, i) => (i === outputLine ? l.replace('","', '", "') : l))),
			outputLine,
			/canonical/,
		],
		['a byte-order mark', () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), sealed.bytes]), 0, /byte-order mark/],
		['CRLF line ends', () => Buffer.from(sealed.bytes.toString('utf8').replace(/\n/g, '\r\n')), 0, /carriage return/],
		[
			'invalid UTF-8',
			() => {
				const b = Buffer.from(sealed.bytes);
				b[b.indexOf('[ ] 0042')] = 0xff;
				return b;
			},
			outputLine,
			/not valid UTF-8/,
		],
		[
			'the session key swapped in the header',
			() => withLine(0, (r) => (r.skey = `ssh-ed25519 ${ed25519Blob(keyFromSeed(66)).toString('base64')}`)),
			0,
			/changed/,
		],
		[
			'the session key swapped and the chain recomputed',
			() =>
				rechain(
					lines.map((l, i) =>
						i === 0
							? l.replace(/"skey":"[^"]*"/, `"skey":"ssh-ed25519 ${ed25519Blob(keyFromSeed(66)).toString('base64')}"`)
							: l,
					),
				),
			0,
			/attestation/,
		],
		[
			'every signature stripped (chain recomputed)',
			() => rechain(lines.filter((l) => !/"type":"(attest|checkpoint|seal)"/.test(l))),
			1,
			/unsigned/,
		],
	];
	for (const [name, tamper, line, reason] of cases) {
		it(name, () => {
			const tampered = tamper();
			const report = check(tampered);
			expect(report.verdict, report.summary).toBe('INVALID');
			expect(report.problem?.line, report.summary).toBe(line);
			expect(report.problem?.reason).toMatch(reason);
			expect(report.problem?.offset, report.summary).toBe(lineOffset(tampered, line));
		});
	}

	it("the chain recomputed after an edit fails at the next checkpoint's signature", () => {
		const report = checkUnsealed(
			rechain(lines.map((l, i) => (i === outputLine ? l.replace(/"text":"[^"]*"/, '"text":"all good\\n"') : l))),
		);
		const nextCheckpoint = lines.findIndex((l, i) => i > outputLine && l.includes('"type":"checkpoint"'));
		expect(report.verdict).toBe('INVALID');
		expect(report.problem?.line).toBe(nextCheckpoint);
		expect(report.problem?.reason).toMatch(/checkpoint's session-key signature does not verify/);
	});

	it('a line spliced from another session', async () => {
		const other = (await writeLog(sim.events, {session: keyFromSeed(11)})).bytes.toString('utf8').trimEnd().split('\n');
		const report = check(join([...lines.slice(0, 5), other[5]!, ...lines.slice(6)]));
		expect(report.verdict).toBe('INVALID');
		expect(report.problem?.line, report.summary).toBe(5);
		expect(report.problem?.reason).toMatch(/does not belong here/);
	});

	it('an edited file with its old .sig: INVALID, whatever the edit', () => {
		const lastByteFlipped = Buffer.from(sealed.bytes);
		lastByteFlipped[lastByteFlipped.length - 1] = 0x0b;
		const report = check(lastByteFlipped);
		expect(report.verdict).toBe('INVALID');
		expect(report.problem?.reason).toMatch(/session\.jsonl\.sig/);
	});

	it('every single-bit flip of a sealed log is INVALID, never VALID', async () => {
		const small = await writeLog(
			simulate(
				loadRunbook('version: 1\nname: s\nphases:\n  - id: p\n    steps:\n      - id: a\n        run: echo hi\n'),
				{results: {a: [{out: 'hi\n'}]}},
			).events,
		);
		const verdicts = new Map<string, number>();
		for (let byte = 0; byte < small.bytes.length; byte++) {
			for (let bit = 0; bit < 8; bit++) {
				const flipped = Buffer.from(small.bytes);
				flipped[byte]! ^= 1 << bit;
				const verdict = verifyLog(flipped, small.sig, own).verdict;
				verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
			}
		}
		expect([...verdicts.keys()]).toEqual(['INVALID']);
		expect(verdicts.get('INVALID')).toBe(small.bytes.length * 8);
	}, 60_000);
});

describe('verify: cut, torn and untrusted logs', () => {
	it('a log cut before the seal is INCOMPLETE and says how much is signed', async () => {
		const unsealed = await writeLog(sim.events, {isSealed: false});
		const report = checkUnsealed(unsealed.bytes);
		expect(report.verdict, report.summary).toBe('INCOMPLETE');
		expect(report.summary).toMatch(/no seal; lines 0-\d+ are signed/);
	});

	it('a log cut at byte 0 or inside its header (a crash as the session began) is INCOMPLETE', () => {
		expect(checkUnsealed(Buffer.alloc(0)).verdict).toBe('INCOMPLETE');
		expect(checkUnsealed(sealed.bytes.subarray(0, 40)).summary).toMatch(/^INCOMPLETE: the header itself is torn/);
	});

	it('a torn last line is INCOMPLETE, with the byte where it starts', async () => {
		const unsealed = await writeLog(sim.events, {isSealed: false});
		const report = checkUnsealed(unsealed.bytes.subarray(0, unsealed.bytes.length - 30));
		expect(report.verdict).toBe('INCOMPLETE');
		expect(report.summary).toMatch(/a torn last line at byte \d+/);
	});

	it('an unknown signer is UNTRUSTED; an allowed signer under another principal too', () => {
		expect(check(sealed.bytes, {ownKeys: [ed25519Blob(keyFromSeed(99))]}).verdict).toBe('UNTRUSTED');
		const allowed = {
			allowedSigners: [
				{principals: ['alice@example.com'], key: ed25519Blob(identityKey), isCertAuthority: false, line: 1},
			],
		};
		expect(check(sealed.bytes, allowed).verdict).toBe('VALID');
		expect(check(sealed.bytes, {...allowed, principal: 'alice@example.com'}).verdict).toBe('VALID');
		expect(check(sealed.bytes, {...allowed, principal: 'mallory@example.com'}).verdict).toBe('UNTRUSTED');
	});
});
