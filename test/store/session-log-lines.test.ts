// The log's lines as written: every record, short or long, in any script, is one whole line that
// reads back as it went in, and the sealed log verifies (the line bytes are the hashed bytes).
import {describe, expect, it} from 'vitest';
import {ed25519Blob} from '../../src/core/audit/ssh-wire.js';
import type {RunEvent} from '../../src/core/run/events.js';
import {identityKey, writeLog} from '../helpers/signed-log.js';
import {verifyLog} from '../helpers/verify-both-ways.js';

describe('the session log: lines of every length', () => {
	it('writes long and short output records whole, and they verify', async () => {
		// Long lines first, then shorter ones: a reused encoding buffer must not leak the tail of a
		// longer line into a shorter one, and must grow for text of up to three bytes a character.
		const texts = ['€'.repeat(100_000), 'plain ascii\n'.repeat(9_000), 'short\n', `${'é😀'.repeat(40_000)}\n`, '', 'x'];
		const events: RunEvent[] = [
			{type: 'step-started', t: 1, step: 'flood'} as RunEvent,
			...texts.map((text, i) => ({type: 'output-recorded', t: 2 + i, step: 'flood', stream: 'out', text}) as RunEvent),
			{type: 'session-ended', t: 20, status: 'completed'} as RunEvent,
		];
		const sealed = await writeLog(events);
		const recorded = sealed.bytes
			.toString('utf8')
			.split('\n')
			.filter(Boolean)
			.map((line) => JSON.parse(line) as {type: string; text?: string})
			.filter((record) => record.type === 'output-recorded')
			.map((record) => record.text);
		expect(recorded).toEqual(texts);
		expect(verifyLog(sealed.bytes, sealed.sig, {ownKeys: [ed25519Blob(identityKey)]}).verdict).toBe('VALID');
	});
});
