// Another machine follows a session through the archive (LISTEN/NOTIFY, then SELECT), and hands
// in an approval through the archive's table: the running side finds it in approvals/, the same
// file `runbook approve` would have written there.
import {existsSync, mkdtempSync, readdirSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect} from 'vitest';
import {WatchSession} from '../../src/session/watch.js';
import {Archive} from '../../src/store/archive/client.js';
import {ArchiveSender} from '../../src/store/archive/sender.js';
import {ArchiveTail} from '../../src/store/archive/tail.js';
import {archiveClusterPerFile, itWithPostgres} from '../helpers/pg-cluster.js';
import {openSignedLog} from '../helpers/signed-log.js';

const fixture = archiveClusterPerFile();

async function operatorSession(session: string) {
	const state = mkdtempSync(path.join(os.tmpdir(), 'runbook-operator-'));
	const dir = path.join(state, session);
	const log = await openSignedLog(dir, {session});
	const sender = new ArchiveSender({url: fixture.cluster!.url, dir, session, batchMs: 5, takeApprovals: true}).start();
	log.onWrite((seq) => sender.poke(seq));
	return {dir, log, sender};
}

describe('following and approving through the archive', () => {
	itWithPostgres(
		'a watcher elsewhere sees each event within a second, and the seal ends the watch',
		async () => {
			const {log, sender} = await operatorSession('s-watch');
			const watch = new WatchSession(await ArchiveTail.open(fixture.cluster!.url, 's-watch'));
			const seen = new Map<string, number>();
			watch.onEvent((event) => {
				if (event.type === 'output-recorded') seen.set(event.text, performance.now());
			});
			watch.start();
			const sent = new Map<string, number>();
			for (let index = 0; index < 20; index++) {
				const text = `event ${index}\n`;
				sent.set(text, performance.now());
				log.append({type: 'output-recorded', t: index, step: 'migrate', stream: 'out', text});
				await new Promise((resolve) => setTimeout(resolve, 10));
			}
			await log.seal(100);
			log.close();
			await watch.ended;
			watch.stop();
			await sender.close();
			const lags = [...sent].map(([text, at]) => seen.get(text)! - at);
			expect(lags.every((lagMs) => lagMs >= 0 && lagMs < 1000)).toBe(true);
			expect(watch.snapshot().isSealed).toBe(true);
		},
		30_000,
	);

	itWithPostgres(
		"an approval handed in through the archive lands in the running session's approvals/",
		async () => {
			const {dir, log, sender} = await operatorSession('s-approve');
			log.append({type: 'step-started', t: 1, step: 'migrate'});
			expect(await sender.drain(10_000)).toBe(true);
			const answer = {format: 'runbook-approval/1', session: 's-approve', step: 'migrate', decision: 'approve'};
			const partner = await Archive.connect(fixture.cluster!.url);
			await partner.handInApproval('s-approve', answer);
			await partner.close();
			const inbox = path.join(dir, 'approvals');
			const deadline = Date.now() + 10_000;
			while (!(existsSync(inbox) && readdirSync(inbox).length > 0) && Date.now() < deadline)
				await new Promise((resolve) => setTimeout(resolve, 20));
			const files = readdirSync(inbox);
			expect(files).toHaveLength(1);
			expect(JSON.parse(readFileSync(path.join(inbox, files[0]!), 'utf8'))).toEqual(answer);
			// Taken once: a restarted sender does not hand the same answer in again.
			await sender.close();
			const again = new ArchiveSender({
				url: fixture.cluster!.url,
				dir,
				session: 's-approve',
				takeApprovals: true,
			}).start();
			expect(await again.drain(10_000)).toBe(true);
			await again.close();
			expect(readdirSync(inbox)).toHaveLength(1);
			log.close();
		},
		30_000,
	);
});
