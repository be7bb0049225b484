import {describe, expect, it} from 'vitest';
import {loadRunbook, simulate, tourYaml, type Script} from '../helpers/scenarios.js';
import {frame} from '../helpers/render.js';
import type {InputState} from '../../src/ui/input-state.js';

const tour = loadRunbook(tourYaml);
const upTo = {
	backup: [{kind: 'answer', value: ''}] as Script['answers'],
	checks: [{kind: 'answer', value: ''}, {kind: 'confirm'}] as Script['answers'],
	migrate: [{kind: 'answer', value: ''}, {kind: 'confirm'}, {kind: 'check', isPassed: true}, {kind: 'check', isPassed: true}] as Script['answers'],
};
const migrateOutput = Array.from({length: 40}, (_, i) => `Applying billing.00${String(i + 10)}_add_invoice_index... OK`).join('\n') + '\n';

/** Named scenarios: how the run got here, and what the bottom line was doing. */
const scenarios: Record<string, {script: Script; input?: InputState; problem?: string}> = {
	'var-prompt': {script: {stopAtDecision: 0}, input: {mode: 'text', text: 'db-prim'}},
	'confirm-enter': {script: {answers: upTo.backup}},
	'check-item': {script: {answers: upTo.checks, results: {plan: [{out: '[ ] billing.0042_add_invoice_index\n'}]}}},
	'typed-confirm-wrong': {script: {answers: upTo.migrate}, input: {mode: 'text', text: ''}, problem: 'type `production` exactly to confirm'},
	'running-with-output': {script: {answers: [...upTo.migrate!, {kind: 'confirm', text: 'production'}], results: {migrate: [{out: migrateOutput, err: 'warning: 2 unapplied squashed migrations\n'}]}, stopWhileRunning: 3}},
	'failure-menu': {script: {answers: [...upTo.migrate!, {kind: 'confirm', text: 'production'}], results: {migrate: [{code: 1, out: 'Applying billing.0042_add_invoice_index...\n', err: 'django.db.utils.OperationalError: lock timeout\n'}]}}},
	'skip-reason': {script: {answers: [...upTo.migrate!, {kind: 'confirm', text: 'production'}], results: {migrate: [{code: 1}]}}, input: {mode: 'reason', for: 'skip', text: 'applied by hand in psql'}},
	'poll-between-tries': {script: {answers: [...upTo.migrate!, {kind: 'confirm', text: 'production'}], results: {health: [{code: 22, err: 'curl: (22) The requested URL returned error: 503\n'}]}, stopAfterCommand: 5, tickUs: 2_000_000}},
	'wait-countdown': {script: {answers: [...upTo.migrate!, {kind: 'confirm', text: 'production'}, {kind: 'answer', value: 'v2.4.1'}]}},
	'phase-overrun': {script: {answers: upTo.checks, tickUs: 70_000_000}},
	'preconditions-unmet': {script: {stopAtDecision: 1, answers: [{kind: 'answer', value: ''}]}},
	'rolled-back': {script: {answers: [...upTo.migrate!, {kind: 'confirm', text: 'production'}, {kind: 'rollback', reason: 'lock timeout on invoices'}], results: {migrate: [{code: 1}]}}},
	completed: {script: {answers: [...upTo.migrate!, {kind: 'confirm', text: 'production'}, {kind: 'answer', value: 'v2.4.1'}, {kind: 'end-wait', reason: 'error rate flat'}, {kind: 'signoff', name: 'Ada Lovelace'}]}},
};

const withEnv = loadRunbook(tourYaml.replace('phases:', 'env:\n  DEBUG: { equals: "False" }\n  SENTRY_DSN: { pattern: "^https://" }\nphases:'));

describe('run screen frames', () => {
	for (const [name, {script, input, problem}] of Object.entries(scenarios)) {
		for (const cols of name === 'running-with-output' || name === 'failure-menu' ? [80, 120, 200] : [80, 120]) {
			it(`${name} at ${cols} columns`, async () => {
				const runbook = name === 'preconditions-unmet' ? withEnv : tour;
				const sim = simulate(runbook, {...script, ...(name === 'preconditions-unmet' ? {env: {DEBUG: 'True'}} : {})});
				const text = frame(sim, {cols, ...(input ? {input} : {}), ...(problem ? {problem} : {}), logFile: '~/.local/state/runbook/sessions/20261122T090000Z-3fa9c2/session.jsonl'});
				await expect(text).toMatchFileSnapshot(`../../snapshots/run/${name}.${cols}.txt`);
			});
		}
	}

	it('the live area fits an 80x24 window whatever the output, so Ink never repaints the whole screen', () => {
		const sim = simulate(tour, scenarios['running-with-output']!.script);
		for (const rows of [24, 40, 12]) {
			const live = frame({...sim, state: {...sim.state}}, {cols: 80, rows}).split('── Phase 2/2: Deployment\n')[1]!;
			expect(live.trimEnd().split('\n').length).toBeLessThan(rows);
		}
	});

	it('a secret var never reaches the screen: masked while typed and in the command', () => {
		const rb = loadRunbook(`version: 1\nname: s\nvars:\n  db_password: { prompt: "Database password", secret: true }\nphases:\n  - id: p\n    steps:\n      - id: dump\n        run: PGPASSWORD={{ db_password }} pg_dump app\n        confirm: true\n`);
		const typing = frame(simulate(rb, {stopAtDecision: 0}), {cols: 80, input: {mode: 'text', text: 'hunter2-secret'}});
		expect(typing).not.toContain('hunter2');
		expect(typing).toContain('Database password: ••••••••••••••');
		const confirm = frame(simulate(rb, {answers: [{kind: 'answer', value: 'hunter2-secret'}]}), {cols: 80});
		expect(confirm).toContain("PGPASSWORD='••••••' pg_dump app");
		expect(confirm).not.toContain('hunter2');
	});
});
