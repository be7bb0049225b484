// The screen of a run whose restore needs a backup id only the rollback uses: the run starts on
// its first step without asking it, and the rollback asks it, naming the step that needs it.
import {describe, expect, it} from 'vitest';
import {loadRunbook, simulate} from '../helpers/scenarios.js';
import {frame} from '../helpers/render.js';

const runbook = loadRunbook(`
version: 1
name: Restore needs a backup id
target: production
vars:
  backup_id: {prompt: Backup id to restore}
phases:
  - id: deploy
    name: Deployment
    steps:
      - id: migrate
        run: ./manage.py migrate
        confirm: true
        rollback: restore
rollback:
  - id: restore
    run: ./restore --backup {{ backup_id }}
`);

describe('a var only the rollback uses, on screen', () => {
	it('the first thing asked is the first step, not the backup id', () => {
		const sim = simulate(runbook, {stopAtDecision: 1});
		expect(sim.decision).toMatchObject({kind: 'confirm', step: 'migrate'});
		const text = frame(sim, {cols: 80, rows: 24});
		expect(text).not.toContain('backup_id');
		expect(text).toContain('./manage.py migrate');
	});

	it('a failing step’s rollback asks it, naming the rollback step', async () => {
		const sim = simulate(runbook, {
			answers: [{kind: 'confirm'}, {kind: 'rollback', reason: 'migration failed'}],
			results: {migrate: [{code: 1, err: 'relation "invoices" is locked\n'}]},
			stopAtDecision: 3,
		});
		const text = frame(sim, {cols: 80, rows: 24});
		expect(text).toContain('Value for `backup_id`, needed by the rollback step `restore`');
		expect(text).toContain('Backup id to restore:');
		await expect(text).toMatchFileSnapshot('../../snapshots/run/rollback-var.80.txt');
	});
});
