import {describe, expect, it} from 'vitest';
import {loadRunbook, simulate} from '../helpers/scenarios.js';
import {frame} from '../helpers/render.js';

const runbook = loadRunbook(
	`version: 1\nname: Billing migration\ntarget: production\nphases:\n  - id: deploy\n    name: Deployment\n    steps:\n      - id: migrate\n        run: ./manage.py migrate --database=billing\n        timeout: 30s\n      - id: smoke\n        run: curl -fsS https://billing.example.com/health\n        expect: { stdout: 'status.: ?.ok' }\n`,
);
const longError =
	'django.db.utils.OperationalError: could not obtain lock on relation "invoices" within lock_timeout (5s); another session holds AccessExclusiveLock';

describe('the failure menu says why', () => {
	it('a timeout at 60 columns: the reason, the exit, and the last stderr lines wrapped, not cut', async () => {
		const sim = simulate(runbook, {
			results: {
				migrate: [
					{
						code: null,
						signal: 'SIGTERM',
						isTimedOut: true,
						out: 'Operations to perform:\n  Apply all migrations: billing\n',
						err: `warning: 2 unapplied squashed migrations\n${longError}\n`,
					},
				],
			},
		});
		const text = frame(sim, {cols: 60, rows: 24});
		// Every word is on screen, wrapped over rows.
		const flat = text.replace(/\n\s*/g, ' ');
		expect(flat).toContain('why: it ran past its timeout and was stopped · killed by SIGTERM');
		expect(flat).toContain(longError);
		await expect(text).toMatchFileSnapshot('../../snapshots/failure/timeout-stderr.60.txt');
	});

	it('an expect mismatch names `expect` and the exit it had', async () => {
		const sim = simulate(runbook, {
			results: {migrate: [{code: 0}], smoke: [{code: 0, out: '{"status": "degraded"}\n', err: 'db: slow\n'}]},
		});
		const text = frame(sim, {cols: 80, rows: 24});
		expect(text).toContain('why: its output did not match `expect` · exit 0');
		expect(text).toContain('! db: slow');
		await expect(text).toMatchFileSnapshot('../../snapshots/failure/expect-mismatch.80.txt');
	});
});
