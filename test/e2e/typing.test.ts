// Typing under load in a real terminal: a menu key and the reason after it, sent in one burst
// the moment the failure menu shows, are read as one action and its reason, every time, while
// other processes keep both CPUs busy. Several Backspaces in one send-keys each delete one.
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {binRunbook} from '../helpers/cli.js';
import {startTui} from '../helpers/tmux.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-typing-'));
const runbook = path.join(dir, 'broken.yaml');
writeFileSync(
	runbook,
	'version: 1\nname: Broken deploy\nphases:\n  - id: p\n    name: P\n    steps:\n      - id: migrate\n        run: exit 3\n      - id: after\n        run: echo after\n',
);

/** What the session log says: how it ended and whether anything was retried or skipped. */
function outcome(logDir: string) {
	const session = path.join(logDir, readdirSync(logDir)[0]!);
	const records = readFileSync(path.join(session, 'session.jsonl'), 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((l) => JSON.parse(l) as {type: string; status?: string; reason?: string});
	return {
		ended: records.find((r) => r.type === 'session-ended'),
		others: records.filter((r) => r.type === 'step-retried' || r.type === 'step-skipped').length,
	};
}

/** Runs the broken runbook to its failure menu, sends `keys` in one send-keys, and returns the outcome. */
async function abortWith(...keys: string[]) {
	const logDir = mkdtempSync(path.join(dir, 'sessions-'));
	const tui = startTui(`${binRunbook} run ${runbook} --log-dir ${logDir}`);
	try {
		await tui.waitFor('r retry · s skip · a abort', 30_000);
		tui.keys(...keys);
		const code = await tui.exitCode(30_000);
		return {code, ...outcome(logDir)};
	} finally {
		tui.kill();
	}
}

describe('typing under load', () => {
	const burners: ChildProcess[] = [];
	beforeAll(() => {
		for (let i = 0; i < os.availableParallelism(); i++)
			burners.push(spawn(process.execPath, ['-e', 'for(;;){}'], {stdio: 'ignore'}));
	});
	afterAll(() => {
		for (const burner of burners) burner.kill('SIGKILL');
	});

	it('an abort reason typed in one burst right after the failure menu shows is the reason, 50 times in a row', async () => {
		for (let run = 0; run < 50; run++) {
			const result = await abortWith('arescheduled', 'Enter');
			expect({run, ...result}).toEqual({
				run,
				code: 1,
				ended: expect.objectContaining({status: 'aborted', reason: 'rescheduled'}),
				others: 0,
			});
		}
	}, 600_000);

	it('Backspace ×3 in one send-keys deletes three characters', async () => {
		const logDir = mkdtempSync(path.join(dir, 'sessions-'));
		const tui = startTui(`${binRunbook} run ${runbook} --log-dir ${logDir}`);
		try {
			await tui.waitFor('r retry · s skip · a abort', 30_000);
			tui.keys('a');
			tui.type('rescheduledxyz');
			await tui.waitFor('Why abort the run? rescheduledxyz');
			tui.keys('BSpace', 'BSpace', 'BSpace');
			await tui.waitFor(/Why abort the run\? rescheduled *$/m);
			tui.keys('Enter');
			expect(await tui.exitCode(30_000)).toBe(1);
			expect(outcome(logDir).ended).toMatchObject({status: 'aborted', reason: 'rescheduled'});
		} finally {
			tui.kill();
		}
	}, 120_000);
});
