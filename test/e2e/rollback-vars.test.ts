// A var only the rollback uses, end to end: the run starts without asking it, the rollback asks
// it; when the terminal drops at that question, a resume without a terminal refuses (exit 2, the
// session still resumable) until the var comes with --var, and then the rollback runs with it.
import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {binRunbook, runCli} from '../helpers/cli.js';
import {isAlive} from '../helpers/procs.js';
import {closedAfterEachTest} from '../helpers/tmux.js';

function fixture() {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-rollback-vars-'));
	const runbook = path.join(dir, 'restore.yaml');
	writeFileSync(
		runbook,
		[
			'version: 1',
			'name: Restore needs a backup id',
			'vars:',
			'  backup_id: {prompt: Backup id to restore}',
			'phases:',
			'  - id: deploy',
			'    steps:',
			'      - id: migrate',
			'        run: echo "migration broke"; exit 1',
			'        rollback: restore',
			'rollback:',
			'  - id: restore',
			'    run: echo "restoring from {{ backup_id }}"',
			'',
		].join('\n'),
	);
	return {runbook, logDir: path.join(dir, 'sessions')};
}

const tui = closedAfterEachTest();

describe('a var only the rollback uses', () => {
	it('is asked by the rollback; without a terminal a resume needs it with --var, then rolls back with it', async () => {
		const f = fixture();
		const first = tui(`${binRunbook} run ${f.runbook} --log-dir ${f.logDir}`);
		// The first thing on screen is the failed step, not a question about the backup id.
		await first.waitFor('migration broke');
		await first.waitFor('b roll back');
		first.keys('b');
		await first.waitFor('Why roll back?');
		first.type('the migration failed');
		first.keys('Enter');
		await first.waitFor('Value for `backup_id`, needed by the rollback step `restore`');
		const sessionDir = path.join(f.logDir, readdirSync(f.logDir)[0]!);
		const records = () =>
			readFileSync(path.join(sessionDir, 'session.jsonl'), 'utf8')
				.split('\n')
				.filter(Boolean)
				.map((l) => JSON.parse(l) as Record<string, unknown>);
		const runner = records()[0]!.pid as number;
		first.kill();
		await expect.poll(() => isAlive(runner), {timeout: 10_000}).toBe(false);
		expect(records().some((r) => r.type === 'var-set')).toBe(false);

		const refused = runCli(['resume', '--log-dir', f.logDir], {env: {CI: 'true'}});
		expect(refused.code).toBe(2);
		expect(refused.stderr).toMatch(
			/^runbook: session \S+ is rolling back, and its rollback needs `backup_id`; give it with --var backup_id=\.\.\., or resume in a terminal; nothing was recorded, and it can be resumed again\n$/,
		);

		const given = runCli(['resume', '--var', 'backup_id=b-20261124', '--log-dir', f.logDir], {env: {CI: 'true'}});
		expect(given.stdout).toContain('restoring from b-20261124');
		expect(given.code).toBe(1);
		const types = records().map((r) => `${r.type}${r.var ? `:${r.var}` : ''}`);
		expect(types.indexOf('rollback-started')).toBeLessThan(types.indexOf('var-set:backup_id'));
		expect(records().find((r) => r.type === 'var-set')).toMatchObject({value: 'b-20261124', source: 'flag'});
		expect(records().find((r) => r.type === 'session-ended')).toMatchObject({status: 'rolled-back'});
		expect(runCli(['verify', sessionDir]).stdout).toMatch(/^VALID/m);
	}, 60_000);
});
