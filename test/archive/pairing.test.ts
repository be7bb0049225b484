// Two operators on "two machines": separate state and settings folders, no shared files, one
// PostgreSQL archive. Alice runs a step that needs a second approval; Bob follows it with
// `watch --archive`, approves it with `approve --archive`, then verifies, exports and replays
// it with no local copy. Needs `npm run build` (the built CLI in real terminals, through tmux).
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect} from 'vitest';
import {encodeEvent, hashLine} from '../../src/core/audit/entry.js';
import {Archive} from '../../src/store/archive/client.js';
import {binRunbook, runCli} from '../helpers/cli.js';
import {hasPostgres, TestCluster} from '../helpers/pg-cluster.js';
import {skipUnless} from '../helpers/skip.js';
import {closedAfterEachTest} from '../helpers/tmux.js';

const hasTmux = (() => {
	try {
		execFileSync('tmux', ['-V'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
})();
const itPaired = skipUnless(hasPostgres && hasTmux, 'needs PostgreSQL 15 and tmux');
const tui = closedAfterEachTest();
let cluster: TestCluster | undefined;

beforeAll(async () => {
	cluster = hasTmux ? TestCluster.start() : undefined;
	if (!cluster) return;
	const admin = await Archive.connect(cluster.url);
	await admin.init();
	await admin.close();
}, 60_000);

afterAll(() => cluster?.destroy());

/** One operator's machine: their own state (sessions) and settings (key) folders. */
function machine(name: string) {
	const home = mkdtempSync(path.join(os.tmpdir(), `runbook-${name}-`));
	const env = {
		XDG_STATE_HOME: path.join(home, 'state'),
		XDG_CONFIG_HOME: path.join(home, 'config'),
		RUNBOOK_ARCHIVE: cluster!.url,
		SSH_AUTH_SOCK: '',
	};
	const prefix = Object.entries(env)
		.map(([key, value]) => `${key}=${value}`)
		.join(' ');
	return {home, env, prefix, sessions: path.join(env.XDG_STATE_HOME, 'runbook', 'sessions')};
}

/**
 * Alice runs a step that needs a second approval and waits for it (her screen and what it
 * showed then); Bob, on his own machine, trusts her key.
 */
async function aliceWaitsForApproval() {
	const alice = machine('alice');
	const bob = machine('bob');
	const runbook = path.join(alice.home, 'paired.yaml');
	writeFileSync(
		runbook,
		'version: 1\nname: Paired migrate\nphases:\n  - id: deploy\n    name: Deploy\n    steps:\n' +
			'      - id: migrate\n        run: echo "migrated 42 rows"\n        approvals: 2\n',
	);
	const op = tui(`${alice.prefix} ${binRunbook} run ${runbook}`);
	const waiting = await op.waitFor('Waiting for 1 more approval');
	const id = readdirSync(alice.sessions)[0]!;
	// Bob follows and approves only sessions signed by keys he trusts: Alice's goes in his allowed_signers.
	const aliceKey = readFileSync(path.join(alice.env.XDG_CONFIG_HOME, 'runbook', 'identity_ed25519.pub'), 'utf8');
	mkdirSync(path.join(bob.env.XDG_CONFIG_HOME, 'runbook'), {recursive: true});
	writeFileSync(path.join(bob.env.XDG_CONFIG_HOME, 'runbook', 'allowed_signers'), `alice@test ${aliceKey.trim()}\n`);
	return {alice, bob, op, waiting, id};
}

describe('pairing across machines through the archive', () => {
	itPaired(
		'one runs, the other watches and approves through the archive, then verifies, exports and replays with no local copy',
		async () => {
			const {alice, bob, op, waiting, id} = await aliceWaitsForApproval();
			expect(waiting).toMatch(/archive ✓|archive: \d+ events? behind/);

			const watch = tui(`${bob.prefix} ${binRunbook} watch ${id} --archive`);
			await watch.waitFor('Waiting for 1 more approval');
			const approve = tui(`${bob.prefix} ${binRunbook} approve ${id} --archive`);
			expect(await approve.waitFor('Type `approve`')).toContain('Command   echo "migrated 42 rows"');
			approve.type('approve');
			approve.keys('Enter');
			await approve.waitFor('approved: recorded in the session');
			expect(await approve.exitCode()).toBe(0);
			await op.waitFor('Completed');
			expect(await op.exitCode()).toBe(0);
			expect(await watch.waitFor('session ended')).toMatch(/`migrate` approved by/);

			// Bob has no copy of the session: everything below comes from the archive.
			const alicePublic = readFileSync(path.join(alice.env.XDG_CONFIG_HOME, 'runbook', 'identity_ed25519.pub'), 'utf8');
			const bobPublic = readFileSync(path.join(bob.env.XDG_CONFIG_HOME, 'runbook', 'identity_ed25519.pub'), 'utf8');
			const signers = path.join(bob.home, 'allowed_signers');
			writeFileSync(
				signers,
				`alice@test namespaces="runbook-session" ${alicePublic.trim()}\nbob@test namespaces="runbook-session" ${bobPublic.trim()}\n`,
			);
			const verified = runCli(['verify', id, '--archive', '--allowed-signers', signers], {env: bob.env});
			expect(verified.stdout).toMatch(new RegExp(`^archive:${id} `, 'm'));
			expect(verified.stdout).toMatch(/^VALID: .*1 approval signature checked/m);
			expect(verified.code).toBe(0);
			const exported = runCli(['export', id, '--archive', '--format', 'md'], {env: bob.env});
			expect(exported.stdout).toContain('migrated 42 rows');
			const replayed = runCli(['replay', id, '--archive'], {env: bob.env});
			expect(replayed.stdout).toMatch(/completed/);
			// And the archive equals Alice's log byte for byte.
			const archive = await Archive.connect(cluster!.url);
			const archived = await archive.sessionBytes(id);
			await archive.close();
			expect(archived.equals(readFileSync(path.join(alice.sessions, id, 'session.jsonl')))).toBe(true);
		},
		90_000,
	);

	itPaired(
		'a line planted in the archive after the request never reaches the approver: an unsigned one is left out, one that breaks the chain refuses',
		async () => {
			const {alice, bob, id} = await aliceWaitsForApproval();
			const archive = await Archive.connect(cluster!.url);
			try {
				// The request and its checkpoint reach the archive a moment after Alice's screen shows it.
				const localLines = () =>
					readFileSync(path.join(alice.sessions, id, 'session.jsonl'), 'utf8')
						.trimEnd()
						.split('\n').length;
				await expect.poll(async () => (await archive.lastSeq(id)) + 1, {timeout: 10_000}).toBe(localLines());
				// Whoever may write to the archive appends a line that keeps the hash chain: no key is needed.
				const plant = async (head: (prev: string, records: Array<{type: string; head?: string}>) => string) => {
					const lines = (await archive.sessionBytes(id)).toString('utf8').trimEnd().split('\n');
					const records = lines.map((line) => JSON.parse(line) as {type: string; t: number; head?: string});
					const prev = hashLine(lines.at(-1)!);
					const line = encodeEvent(lines.length, prev, {
						type: 'approval-requested',
						t: records.at(-1)!.t + 1,
						step: 'migrate',
						need: 1,
						command: 'echo "planted: a read-only check"',
						by: 'root',
						head: head(prev, records),
					});
					await archive.client.query('INSERT INTO runbook.events (session_id, seq, line) VALUES ($1, $2, $3)', [
						id,
						lines.length,
						Buffer.from(line),
					]);
				};
				// At its own place in the chain, so the copy still verifies; but no session-key signature covers it.
				await plant((prev) => prev);
				const unsigned = runCli(['approve', id, '--archive'], {env: bob.env});
				expect(unsigned.stdout).toContain('Command   echo "migrated 42 rows"');
				expect(unsigned.stdout).not.toContain('planted');
				// Naming the real request's chain head, so that an approval of it would count: the copy
				// no longer verifies, and the approver is told so and shown nothing of it.
				await plant((_, records) => records.find((record) => record.type === 'approval-requested')!.head!);
				const planted = runCli(['approve', id, '--archive'], {env: bob.env});
				expect(planted.code).toBe(2);
				expect(planted.stderr).toMatch(/does not verify .*: a line in it was planted or changed/);
				expect(planted.stdout).not.toContain('planted');
			} finally {
				await archive.close();
			}
		},
		90_000,
	);
});
