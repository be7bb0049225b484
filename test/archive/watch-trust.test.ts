// `watch --archive` judges what it follows as a local watch does: a session the archive does not
// hold is said at once (exit 2), a stranger's session is refused, and a line that does not chain
// to the one before it stops the following, with why.
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect} from 'vitest';
import {CheckedArchiveLines} from '../../src/commands/archive-watch.js';
import {UsageError} from '../../src/commands/usage-error.js';
import {WatchSession} from '../../src/session/watch.js';
import {Archive} from '../../src/store/archive/client.js';
import {ArchiveSender} from '../../src/store/archive/sender.js';
import {ArchiveTail} from '../../src/store/archive/tail.js';
import {archiveClusterPerFile, itWithPostgres} from '../helpers/pg-cluster.js';
import {ed25519Blob} from '../../src/core/audit/ssh-wire.js';
import {encodeEvent, hashLine} from '../../src/core/audit/entry.js';
import type {LogRecord} from '../../src/core/audit/records.js';
import {identityKey, keyFromSeed, openSignedLog} from '../helpers/signed-log.js';

const fixture = archiveClusterPerFile();
const yours = {ownKeys: [ed25519Blob(identityKey)], allowedSigners: []};
const strangers = {ownKeys: [ed25519Blob(keyFromSeed(11))], allowedSigners: []};

/** A session by `identityKey`, archived up to its last line; the log stays open for more. */
async function archivedSession(session: string) {
	const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'runbook-operator-')), session);
	const log = await openSignedLog(dir, {session});
	log.append({type: 'step-started', t: 1, step: 'migrate'});
	const sender = new ArchiveSender({url: fixture.cluster!.url, dir, session, batchMs: 5}).start();
	log.onWrite((seq) => sender.poke(seq));
	expect(await sender.drain(10_000)).toBe(true);
	return {log, sender};
}

/** Appends `records` after the archive's last line of `session`, each keeping the hash chain: what anyone who may write there can do, with no key. */
async function plant(session: string, records: LogRecord[]): Promise<number> {
	const archive = await Archive.connect(fixture.cluster!.url);
	try {
		const lines = (await archive.sessionBytes(session)).toString('utf8').trimEnd().split('\n');
		const first = lines.length;
		for (const record of records) lines.push(encodeEvent(lines.length, hashLine(lines.at(-1)!), record));
		await archive.append(
			session,
			first,
			lines.slice(first).map((line) => Buffer.from(line)),
		);
		return first;
	} finally {
		await archive.close();
	}
}

/** Watches what the archive holds of `session` now, once through: the events shown, and the watch. */
async function watchOnce(session: string) {
	const watch = new WatchSession(
		await CheckedArchiveLines.open(await ArchiveTail.open(fixture.cluster!.url, session), yours),
	);
	const shown: string[] = [];
	watch.onEvent((event) => shown.push(JSON.stringify(event)));
	watch.start();
	watch.stop();
	return {watch, shown: shown.join('')};
}

async function refusal(promise: Promise<unknown>): Promise<string> {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(UsageError);
	return (error as Error).message;
}

describe('watch --archive judges what it follows', () => {
	itWithPostgres('says at once that the archive holds no such session', async () => {
		const tail = await ArchiveTail.open(fixture.cluster!.url, 'no-such-session');
		expect(await refusal(CheckedArchiveLines.open(tail, yours))).toMatch(
			/^the archive holds no session `no-such-session`/,
		);
	});

	itWithPostgres(
		'refuses a session whose runner is neither you nor an allowed signer, as local watch does',
		async () => {
			const {log, sender} = await archivedSession('s-stranger');
			await sender.close();
			log.close();
			const tail = await ArchiveTail.open(fixture.cluster!.url, 's-stranger');
			expect(await refusal(CheckedArchiveLines.open(tail, strangers))).toMatch(
				/^session s-stranger is signed by key SHA256:\S+, claimed to be alice@deploy-1 \(claimed\), which is neither your own identity nor in the allowed signers/,
			);
		},
	);

	itWithPostgres('follows a trusted session to its seal, its chain checked line by line', async () => {
		const {log, sender} = await archivedSession('s-trusted');
		const watch = new WatchSession(
			await CheckedArchiveLines.open(await ArchiveTail.open(fixture.cluster!.url, 's-trusted'), yours),
		);
		watch.start();
		log.append({type: 'output-recorded', t: 2, step: 'migrate', stream: 'out', text: 'done\n'});
		await log.seal(3);
		log.close();
		await watch.ended;
		watch.stop();
		await sender.close();
		expect(watch.snapshot()).toMatchObject({isSealed: true});
		expect(watch.snapshot().problem).toBeUndefined();
	});

	itWithPostgres('stops at a line that does not follow from the one before it', async () => {
		const {log, sender} = await archivedSession('s-forged');
		await sender.close();
		log.close();
		const archive = await Archive.connect(fixture.cluster!.url);
		const next = (await archive.lastSeq('s-forged')) + 1;
		const forged = `{"seq":${next},"t":5,"type":"output-recorded","prev":"${'0'.repeat(64)}","step":"migrate","stream":"out","text":"rm -rf /\\n"}`;
		await archive.append('s-forged', next, [Buffer.from(forged)]);
		await archive.close();
		const {watch, shown} = await watchOnce('s-forged');
		expect(shown).toContain('step-started');
		expect(shown).not.toContain('rm -rf');
		expect(watch.snapshot().problem).toBe(
			`line ${next} of the archived session does not follow from line ${next - 1}; stopped following (\`runbook verify SESSION --archive\` says more)`,
		);
	});

	itWithPostgres('never shows a planted end: an end counts once the seal after it verifies', async () => {
		const {log, sender} = await archivedSession('s-planted-end');
		await sender.close();
		log.close();
		await plant('s-planted-end', [
			{type: 'output-recorded', t: 5, step: 'migrate', stream: 'out', text: 'all checks passed\n'},
			{type: 'session-ended', t: 6, status: 'completed'},
		]);
		const {watch, shown} = await watchOnce('s-planted-end');
		expect(shown).toContain('step-started');
		expect(shown).not.toContain('session-ended');
		expect(watch.snapshot().state.ended).toBeUndefined();
		expect(watch.snapshot().problem).toBeUndefined();
	});

	itWithPostgres('stops at a planted approval request that names another chain head than its own', async () => {
		const {log, sender} = await archivedSession('s-planted-request');
		await sender.close();
		log.close();
		const at = await plant('s-planted-request', [
			{
				type: 'approval-requested',
				t: 5,
				step: 'migrate',
				need: 1,
				command: 'echo planted',
				by: 'root',
				head: '0'.repeat(64),
			},
		]);
		const {watch, shown} = await watchOnce('s-planted-request');
		expect(shown).not.toContain('planted');
		expect(watch.snapshot().problem).toBe(
			`line ${at} of the archived session: the approval request names another chain head than its own place in the chain; stopped following`,
		);
	});

	itWithPostgres('stops at the seal of a copy that does not verify: another session filed under this id', async () => {
		const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'runbook-operator-')), 's-other');
		const log = await openSignedLog(dir, {session: 's-other'});
		log.append({type: 'step-started', t: 1, step: 'migrate'});
		// Sent as session s-filed: its header still says s-other.
		const sender = new ArchiveSender({url: fixture.cluster!.url, dir, session: 's-filed', batchMs: 5}).start();
		log.onWrite((seq) => sender.poke(seq));
		expect(await sender.drain(10_000)).toBe(true);
		const watch = new WatchSession(
			await CheckedArchiveLines.open(await ArchiveTail.open(fixture.cluster!.url, 's-filed'), yours),
		);
		watch.start();
		await log.seal(3);
		log.close();
		expect(await sender.drain(10_000)).toBe(true);
		await sender.close();
		await watch.ended;
		watch.stop();
		expect(watch.snapshot().isSealed).toBe(false);
		expect(watch.snapshot().problem).toMatch(
			/^the archived session does not verify at its seal: INVALID: line 0 .*the header is of session `s-other`, not `s-filed`/,
		);
	});
});
