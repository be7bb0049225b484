// The paired walkthrough, end to end in real pseudo-terminals: an operator runs a step that
// needs a second approval, a partner follows with `watch` and approves with their own key.
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {approvalFormat, approvalMessage, type ApprovalDecision} from '../../src/core/audit/approval.js';
import type {IdentitySigner} from '../../src/core/audit/signer.js';
import {compactSshsig, signSshsig} from '../../src/core/audit/signer.js';
import {fingerprint, formatPublicKey} from '../../src/core/audit/ssh-wire.js';
import {writeApprovalFile} from '../../src/store/approvals-dir.js';
import {loadIdentity} from '../../src/store/identity.js';
import {binRunbook, isolatedEnv, runCli} from '../helpers/cli.js';
import {keyFromSeed, localSigner} from '../helpers/signed-log.js';
import {closedAfterEachTest, wrappedOnScreen, type Tui} from '../helpers/tmux.js';

const tui = closedAfterEachTest();

/** A second operator: their own settings folder, so their own runbook key. */
const bobConfig = mkdtempSync(path.join(os.tmpdir(), 'runbook-bob-'));
const asBob = `XDG_CONFIG_HOME=${bobConfig}`;

function fixture() {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-paired-'));
	const runbook = path.join(dir, 'paired.yaml');
	writeFileSync(
		runbook,
		[
			'version: 1',
			'name: Paired migrate',
			'phases:',
			'  - id: deploy',
			'    name: Deploy',
			'    steps:',
			'      - id: migrate',
			'        run: echo "migrated 42 rows"',
			'        approvals: 2',
			'      - id: after',
			'        run: echo after',
			'',
		].join('\n'),
	);
	const logDir = path.join(dir, 'sessions');
	return {runbook, logDir, session: () => path.join(logDir, readdirSync(logDir)[0]!)};
}

const records = (sessionDir: string) =>
	readFileSync(path.join(sessionDir, 'session.jsonl'), 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((l) => JSON.parse(l) as Record<string, unknown>);

async function waitingOperator(f: ReturnType<typeof fixture>): Promise<Tui> {
	const op = tui(`${binRunbook} run ${f.runbook} --log-dir ${f.logDir}`);
	await op.waitFor('Waiting for 1 more approval');
	trustOperatorAsBob(f.session());
	return op;
}

/** Bob follows and approves only sessions signed by keys he trusts: the operator's goes in his allowed_signers. */
function trustOperatorAsBob(sessionDir: string) {
	const header = records(sessionDir)[0] as {identity: {key: string}};
	mkdirSync(path.join(bobConfig, 'runbook'), {recursive: true});
	writeFileSync(path.join(bobConfig, 'runbook', 'allowed_signers'), `operator@test ${header.identity.key}\n`);
}

/** Hands in an answer as `runbook approve` would, with any key and any claims: how a forger would. */
async function handIn(
	sessionDir: string,
	signer: IdentitySigner,
	claims: {session: string; step: string; head: string; decision?: ApprovalDecision; signedStep?: string},
) {
	const decision = claims.decision ?? 'approve';
	const sshsig = compactSshsig(
		await signSshsig(
			signer,
			approvalMessage({session: claims.session, step: claims.signedStep ?? claims.step, head: claims.head, decision}),
		),
	);
	writeApprovalFile(sessionDir, {
		format: approvalFormat,
		session: claims.session,
		step: claims.step,
		head: claims.head,
		decision,
		user: 'mallory@test',
		key: formatPublicKey(signer.publicKey),
		sshsig,
	});
}

describe('a step with approvals: 2', () => {
	it('waits; a partner watches and approves with their own key; the step runs; the log names both; verify says VALID', async () => {
		const f = fixture();
		const op = await waitingOperator(f);
		expect(op.screen()).toMatch(wrappedOnScreen(`runbook approve ${f.session()}`));
		const watch = tui(`${asBob} ${binRunbook} watch ${f.session()}`);
		const watched = await watch.waitFor('Waiting for 1 more approval');
		expect(watched).toMatch(/LIVE · \S+ · lag \d+ms/);
		expect(watched).toMatch(/read-only · .*q quit/);

		const approve = tui(`${asBob} ${binRunbook} approve --log-dir ${f.logDir}`);
		const asked = await approve.waitFor('Type `approve`');
		expect(asked).toContain('Command   echo "migrated 42 rows"');
		expect(asked).toContain('Step      migrate  (phase Deploy)');
		expect(asked).toMatch(/Asked by {2}\S+ on \S+, 00:\d\d ago\nTheir key SHA256:\S+/);
		approve.type('approve');
		approve.keys('Enter');
		await approve.waitFor('approved: recorded in the session');
		expect(await approve.exitCode()).toBe(0);

		await op.waitFor('Completed');
		expect(await op.exitCode()).toBe(0);
		expect(await watch.waitFor('session ended')).toMatch(/✔ \d\d:\d\d `migrate` approved by \S+ \(SHA256:/);
		const log = records(f.session());
		const bob = log.find((r) => r.type === 'approval-given')!;
		expect(bob.fingerprint).not.toBe((log[0]!.identity as {fingerprint: string}).fingerprint);
		expect(log.findIndex((r) => r.type === 'approval-given')).toBeLessThan(
			log.findIndex((r) => r.type === 'command-started'),
		);
		expect(runCli(['verify', f.session()]).stdout).toMatch(/^VALID: .*1 approval signature checked/m);
	});

	it('refuses self-approval with a clear message, from `runbook approve` and from a file handed in', async () => {
		const f = fixture();
		const op = await waitingOperator(f);
		const self = runCli(['approve', '--log-dir', f.logDir]);
		expect(self.code).toBe(2);
		expect(self.stderr).toMatch(
			/^runbook: you run session \S+ yourself \(key SHA256:\S+\): a second approval must come from someone else, with their own key\n$/,
		);

		const operator = await loadIdentity({...process.env, ...isolatedEnv});
		const request = records(f.session()).find((r) => r.type === 'approval-requested')!;
		const id = path.basename(f.session());
		await handIn(f.session(), operator.signer, {session: id, step: 'migrate', head: String(request.head)});
		await op.waitFor('was refused: self-approval');
		expect(op.screen()).toContain('Waiting for 1 more approval');
		op.keys('a');
		op.type('no partner today');
		op.keys('Enter');
		expect(await op.exitCode()).toBe(1);
		expect(records(f.session()).find((r) => r.type === 'approval-refused')).toMatchObject({
			step: 'migrate',
			fingerprint: fingerprint(operator.signer.publicKey),
		});
	});

	it('refuses and records forged approvals: a bad signature, another step, another chain head', async () => {
		const f = fixture();
		const op = await waitingOperator(f);
		const id = path.basename(f.session());
		const head = String(records(f.session()).find((r) => r.type === 'approval-requested')!.head);
		const mallory = localSigner(keyFromSeed(31));
		await handIn(f.session(), mallory, {session: id, step: 'migrate', head, signedStep: 'after'});
		await handIn(f.session(), mallory, {session: id, step: 'after', head});
		await handIn(f.session(), mallory, {session: id, step: 'migrate', head: 'f'.repeat(64)});
		await expect
			.poll(() => records(f.session()).filter((r) => r.type === 'approval-refused').length, {timeout: 10_000})
			.toBe(3);
		const reasons = records(f.session())
			.filter((r) => r.type === 'approval-refused')
			.map((r) => String(r.reason));
		expect(reasons).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^the signature does not verify/),
				'signed for another step (`after`, not `migrate`)',
				'signed for another request (the chain head differs): an old or copied approval',
			]),
		);
		expect(records(f.session()).some((r) => r.type === 'command-started')).toBe(false);
		expect(op.screen()).toContain('Waiting for 1 more approval');

		// A genuine answer from another key still goes through: a rejection, with its reason.
		const approve = tui(`${asBob} ${binRunbook} approve ${f.session()}`);
		await approve.waitFor('Type `approve`');
		approve.type('reject');
		approve.keys('Enter');
		await approve.waitFor('Why?');
		approve.type('the migration window moved to 14:00');
		approve.keys('Enter');
		await approve.waitFor('rejected: recorded in the session');
		const failed = await op.waitFor(/r retry · s skip · a abort/);
		expect(failed).toMatch(/✗ `migrate` failed: rejected by \S+: the migration window moved to 14:00/);
		op.keys('a');
		op.type('rescheduled');
		op.keys('Enter');
		expect(await op.exitCode()).toBe(1);
		expect(runCli(['verify', f.session()]).stdout).toMatch(/^VALID: .*1 approval signature checked/m);
	});

	it("`watch` joined in the middle shows the operator's frame once it has caught up", async () => {
		const f = fixture();
		const op = await waitingOperator(f);
		const watch = tui(`${asBob} ${binRunbook} watch ${f.session()}`);
		await watch.waitFor('Waiting for 1 more approval');
		// The same screen but for the watcher's banner and footer, the operator's key hints, and the clocks ticking.
		const comparable = (screen: string) =>
			screen
				.split('\n')
				.filter((l) => !/LIVE ·|read-only · .*q quit|^a abort/.test(l))
				.map((l) => l.replace(/\d\d:\d\d/g, 'MM:SS').trimEnd())
				.join('\n')
				.trim();
		expect(comparable(watch.screen())).toBe(comparable(op.screen()));
	});
});

describe('watch and approve with nothing to follow', () => {
	it('lists no live session, and approve says there is nothing to approve (exit 2)', () => {
		const f = fixture();
		expect(runCli(['watch', '--log-dir', f.logDir]).stdout).toMatch(/^no live sessions you can read in /);
		const approve = runCli(['approve', '--log-dir', f.logDir]);
		expect(approve.code).toBe(2);
		expect(approve.stderr).toMatch(/no live session in \S+ is waiting for an approval/);
	});
});
