// verifyLog for the tests, which also streams the same bytes through StreamingVerifier (in
// pieces that cut lines, and in large ones) and fails the test when a streamed report differs.
import {expect} from 'vitest';
import {verifyLog as verifyWhole, type Trust, type VerifyReport} from '../../src/core/audit/verify.js';
import {verifyStreamed} from '../../src/core/audit/verify-stream.js';

export function verifyLog(
	bytes: Buffer,
	sigText: string | undefined,
	trust: Trust,
	options: {expectedSession?: string} = {},
): VerifyReport {
	const whole = verifyWhole(bytes, sigText, trust, options);
	for (const chunkBytes of [61, 1 << 20]) {
		const streamed = verifyStreamed(bytes, sigText, trust, {...options, chunkBytes});
		if (streamed !== undefined) expect(streamed, `streamed in ${chunkBytes}-byte chunks`).toEqual(whole);
	}
	return whole;
}
