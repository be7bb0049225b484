// Deploy windows and `runbook import` as an operator meets them at the terminal.
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {binRunbook, runCli} from '../helpers/cli.js';
import {checklistDir} from '../helpers/checklists.js';
import {closedAfterEachTest} from '../helpers/tmux.js';

const tui = closedAfterEachTest();

/** A window that is shut now: it opens two hours from now, for an hour, every day (UTC). */
function shutWindow(): string {
	const hh = (offset: number) => String((new Date().getUTCHours() + offset) % 24).padStart(2, '0');
	return `window: {timezone: UTC, days: [mon, tue, wed, thu, fri, sat, sun], hours: "${hh(2)}:00-${hh(3)}:00"}`;
}

describe('outside the deploy window', () => {
	it('a mutating step waits; the operator overrides with a typed reason, which is recorded', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-window-'));
		const file = path.join(dir, 'w.yaml');
		writeFileSync(
			file,
			`version: 1\nname: Windowed\n${shutWindow()}\nphases:\n  - id: p\n    steps:\n      - id: look\n        check: the dashboards are green\n      - id: deploy\n        run: echo deployed\n`,
		);
		const t = tui(`${binRunbook} run ${file} --log-dir ${dir}/sessions`);
		await t.waitFor('the dashboards are green');
		expect(t.screen()).toMatch(/window SHUT/);
		t.keys('p');
		const shut = await t.waitFor('Outside the deploy window');
		expect(shut).toMatch(/window every day \d\d:00-\d\d:00 UTC; opens \w{3} \d\d-\d\d \d\d:00 \(in \d+h(\d+m)?\)/);
		expect(shut).toContain('o start anyway (reason) · a abort');
		t.keys('o');
		await t.waitFor('Why start outside the deploy window?');
		t.type('sev-1 fix, incident lead agreed');
		t.keys('Enter');
		await t.waitFor('Completed');
		expect(await t.exitCode()).toBe(0);
		const [id] = readdirSync(path.join(dir, 'sessions'));
		const log = readFileSync(path.join(dir, 'sessions', id!, 'session.jsonl'), 'utf8')
			.split('\n')
			.filter(Boolean)
			.map((l) => JSON.parse(l));
		expect(log.find((r) => r.type === 'window-overridden')).toMatchObject({reason: 'sev-1 fix, incident lead agreed'});
		expect(runCli(['export', path.join(dir, 'sessions', id!), '--format', 'md']).stdout).toContain(
			'**Deviation:** deploy window overridden by',
		);
	});

	it('without a terminal, the run stops before the mutating step and says how to go on (exit 2)', () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-window-'));
		const file = path.join(dir, 'w.yaml');
		writeFileSync(
			file,
			`version: 1\nname: Windowed\n${shutWindow()}\nphases:\n  - id: p\n    steps:\n      - id: deploy\n        run: touch ${dir}/ran\n`,
		);
		const run = runCli(['run', file, '--yes', '--log-dir', path.join(dir, 'sessions')], {env: {CI: 'true'}});
		expect(run.code).toBe(2);
		expect(run.stdout).toMatch(/needs-operator: step `deploy` may not start outside the deploy window \(it opens /);
		expect(existsSync(path.join(dir, 'ran'))).toBe(false);
	});
});

describe('runbook import CHECKLIST.md', () => {
	const checklist = path.join(checklistDir, 'django-crm-deploy.md');

	it('writes a draft that validates and reports what it did on stderr', () => {
		const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'runbook-import-')), 'crm.yaml');
		const imported = runCli(['import', checklist, '-o', out]);
		expect(imported.code).toBe(0);
		expect(imported.stderr).toMatch(
			/^runbook: imported \S+ into \S+: \d+ phases; steps: .*repaired \d+ garbled characters/,
		);
		expect(imported.stderr).toContain('guess: line');
		expect(imported.stderr).toMatch(
			/\n {2}safety: [1-9]\d* typed confirmations, 1 interactive, 0 bounded by `for`; target `django-crm`; first step that changes things: `apply-pending-migrations`; \d+ guesses to review\n/,
		);
		expect(runCli(['validate', out]).code).toBe(0);
		// Never over an existing file: a hand-finished runbook is not replaced by a draft.
		const again = runCli(['import', checklist, '-o', out]);
		expect(again.code).toBe(2);
		expect(again.stderr).toMatch(/the file exists; runbook will not overwrite it/);
	});

	it('an empty checklist is refused with a reason and exit 2, and no draft is written', () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-import-'));
		writeFileSync(path.join(dir, 'empty.md'), '# Deploy\n\nNothing here yet.\n');
		const refused = runCli(['import', path.join(dir, 'empty.md'), '-o', path.join(dir, 'draft.yaml')]);
		expect(refused).toMatchObject({code: 2, stdout: ''});
		expect(refused.stderr).toBe(
			`runbook: ${path.join(dir, 'empty.md')}: the checklist has no list items, code blocks or tables; there is nothing to make steps of\n`,
		);
		expect(existsSync(path.join(dir, 'draft.yaml'))).toBe(false);
	});

	it('a missing checklist is a one-line reason and exit 2', () => {
		const missing = runCli(['import', '/no/such/checklist.md']);
		expect(missing).toMatchObject({code: 2, stdout: ''});
		expect(missing.stderr).toBe('runbook: /no/such/checklist.md: no such file\n');
	});
});
