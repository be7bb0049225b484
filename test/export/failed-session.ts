// A session that fails and leaves a trail: a skip, an early end of a wait, a typed confirmation,
// and a multi-line migration that prints hundreds of lines, some on stderr, then exits 1 and is
// aborted. For the post-mortem exports' tests.
import type {RunEvent} from '../../src/core/run/events.js';
import {loadRunbook, simulate} from '../helpers/scenarios.js';

export const failedRunbookYaml = `
version: 1
name: Billing API release
target: production
phases:
  - id: prepare
    name: Pre-deployment
    timebox: 5m
    steps:
      - id: backup
        name: Back up the database
        run: pg_dump billing > backup.sql
        confirm: true
      - id: debug-off
        check: DEBUG is False in production
      - id: settle
        name: Let replication settle
        wait: 5m
  - id: deploy
    name: Deployment
    timebox: 10m
    steps:
      - id: migrate
        name: Apply migrations
        run: |
          set -e
          ./manage.py showmigrations --plan
          ./manage.py migrate --noinput
          ./manage.py check --deploy
        confirm: typed
        rollback: restore-db
      - id: health
        poll: { run: "curl -fsS https://billing.example.com/health", every: 10s, timeout: 2m }
rollback:
  - id: restore-db
    run: psql billing < backup.sql
`;

/** Lines the migration prints: far more than a tail, so a document that shows them all is told apart. */
export const migrationLineCount = 240;

export const migrationStdout = Array.from(
	{length: migrationLineCount},
	(_, i) => `  Applying billing.${String(i + 1).padStart(4, '0')}_invoice_change... OK`,
).join('\n');

/** What the backup printed before it failed: collapsed in the document, since its step was skipped. */
export const backupLineCount = 300;

const backupStdout = Array.from(
	{length: backupLineCount},
	(_, i) => `pg_dump: dumping contents of table "public.ledger_${String(i + 1).padStart(4, '0')}"`,
).join('\n');

export const migrationStderr = [
	'Traceback (most recent call last):',
	'django.db.utils.OperationalError: lock timeout on table "invoices" <after 30s>',
].join('\n');

export function failedSession(): RunEvent[] {
	return simulate(loadRunbook(failedRunbookYaml), {
		answers: [
			{kind: 'confirm'},
			{kind: 'skip', reason: 'backup taken by the DBA at 08:55'},
			{kind: 'check', isPassed: true},
			{kind: 'end-wait', reason: 'replication lag is 0 on every replica'},
			{kind: 'confirm', text: 'production'},
			{kind: 'abort', reason: 'lock timeout on invoices; rescheduled to Thursday'},
		],
		results: {
			backup: [{code: 1, out: `${backupStdout}\n`, err: 'pg_dump: error: connection refused\n'}],
			migrate: [{code: 1, out: `${migrationStdout}\n`, err: `${migrationStderr}\n`}],
		},
		tickUs: 7_000_000,
	}).events;
}
