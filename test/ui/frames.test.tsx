import {describe, expect, it} from 'vitest';
import {loadRunbook, simulate, tourYaml, type Script} from '../helpers/scenarios.js';
import {frame} from '../helpers/render.js';
import type {InputState} from '../../src/ui/input-state.js';
import type {RunEvent} from '../../src/core/run/events.js';
import {foldEvents} from '../../src/core/run/reduce.js';
import {nextMove} from '../../src/core/run/next.js';

const tour = loadRunbook(tourYaml);
const upTo = {
	backup: [{kind: 'answer', value: ''}] as Script['answers'],
	checks: [{kind: 'answer', value: ''}, {kind: 'confirm'}] as Script['answers'],
	migrate: [
		{kind: 'answer', value: ''},
		{kind: 'confirm'},
		{kind: 'check', isPassed: true},
		{kind: 'check', isPassed: true},
	] as Script['answers'],
};
const migrateOutput =
	Array.from({length: 40}, (_, i) => `Applying billing.00${String(i + 10)}_add_invoice_index... OK`).join('\n') + '\n';

/** Named scenarios: how the run got here, and what the bottom line was doing. */
const scenarios: Record<string, {script: Script; input?: InputState; problem?: string}> = {
	'var-prompt': {script: {stopAtDecision: 0}, input: {mode: 'text', text: 'db-prim'}},
	'confirm-enter': {script: {answers: upTo.backup}},
	'check-item': {script: {answers: upTo.checks, results: {plan: [{out: '[ ] billing.0042_add_invoice_index\n'}]}}},
	'typed-confirm-wrong': {
		script: {answers: upTo.migrate},
		input: {mode: 'text', text: ''},
		problem: 'type `production` exactly to confirm',
	},
	'running-with-output': {
		script: {
			answers: [...upTo.migrate!, {kind: 'confirm', text: 'production'}],
			results: {migrate: [{out: migrateOutput, err: 'warning: 2 unapplied squashed migrations\n'}]},
			stopWhileRunning: 3,
		},
	},
	'failure-menu': {
		script: {
			answers: [...upTo.migrate!, {kind: 'confirm', text: 'production'}],
			results: {
				migrate: [
					{
						code: 1,
						out: 'Applying billing.0042_add_invoice_index...\n',
						err: 'django.db.utils.OperationalError: lock timeout\n',
					},
				],
			},
		},
	},
	'skip-reason': {
		script: {answers: [...upTo.migrate!, {kind: 'confirm', text: 'production'}], results: {migrate: [{code: 1}]}},
		input: {mode: 'reason', for: 'skip', text: 'applied by hand in psql'},
	},
	'poll-between-tries': {
		script: {
			answers: [...upTo.migrate!, {kind: 'confirm', text: 'production'}],
			results: {health: [{code: 22, err: 'curl: (22) The requested URL returned error: 503\n'}]},
			stopAfterCommand: 5,
			tickUs: 2_000_000,
		},
	},
	'wait-countdown': {
		script: {answers: [...upTo.migrate!, {kind: 'confirm', text: 'production'}, {kind: 'answer', value: 'v2.4.1'}]},
	},
	'phase-overrun': {script: {answers: upTo.checks, tickUs: 70_000_000}},
	'preconditions-unmet': {script: {stopAtDecision: 1, answers: [{kind: 'answer', value: ''}]}},
	'rolled-back': {
		script: {
			answers: [
				...upTo.migrate!,
				{kind: 'confirm', text: 'production'},
				{kind: 'rollback', reason: 'lock timeout on invoices'},
			],
			results: {migrate: [{code: 1}]},
		},
	},
	completed: {
		script: {
			answers: [
				...upTo.migrate!,
				{kind: 'confirm', text: 'production'},
				{kind: 'answer', value: 'v2.4.1'},
				{kind: 'end-wait', reason: 'error rate flat'},
				{kind: 'signoff', name: 'Ada Lovelace'},
			],
		},
	},
};

const withEnv = loadRunbook(
	tourYaml.replace('phases:', 'env:\n  DEBUG: { equals: "False" }\n  SENTRY_DSN: { pattern: "^https://" }\nphases:'),
);

describe('run screen frames', () => {
	for (const [name, {script, input, problem}] of Object.entries(scenarios)) {
		for (const cols of name === 'running-with-output' || name === 'failure-menu' ? [80, 120, 200] : [80, 120]) {
			it(`${name} at ${cols} columns`, async () => {
				const runbook = name === 'preconditions-unmet' ? withEnv : tour;
				const sim = simulate(runbook, {...script, ...(name === 'preconditions-unmet' ? {env: {DEBUG: 'True'}} : {})});
				const text = frame(sim, {
					cols,
					...(input ? {input} : {}),
					...(problem ? {problem} : {}),
					logFile: '~/.local/state/runbook/sessions/20261122T090000Z-3fa9c2/session.jsonl',
				});
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
		const rb = loadRunbook(
			`version: 1\nname: s\nvars:\n  db_password: { prompt: "Database password", secret: true }\nphases:\n  - id: p\n    steps:\n      - id: dump\n        run: PGPASSWORD={{ db_password }} pg_dump app\n        confirm: true\n`,
		);
		const typing = frame(simulate(rb, {stopAtDecision: 0}), {cols: 80, input: {mode: 'text', text: 'hunter2-secret'}});
		expect(typing).not.toContain('hunter2');
		expect(typing).toContain('Database password: ••••••••••••••');
		const confirm = frame(simulate(rb, {answers: [{kind: 'answer', value: 'hunter2-secret'}]}), {cols: 80});
		expect(confirm).toContain("PGPASSWORD='••••••' pg_dump app");
		expect(confirm).not.toContain('hunter2');
	});
});

describe('frames of the paired walkthrough, the deploy window and a resumed session', () => {
	const logFile = '/srv/runbook/sessions/20261122T090000Z-3fa9c2/session.jsonl';
	const paired = loadRunbook(
		`version: 1\nname: Paired migrate\ntarget: production\nphases:\n  - id: deploy\n    name: Deployment\n    steps:\n      - id: migrate\n        run: python manage.py migrate\n        confirm: typed\n        approvals: 2\n        approval_timeout: 15m\n`,
	);
	const windowed = loadRunbook(
		`version: 1\nname: Windowed deploy\nwindow: {timezone: Europe/London, days: [mon, tue, wed, thu, fri], hours: "09:00-17:00"}\nphases:\n  - id: deploy\n    name: Deployment\n    at: "16:30"\n    steps:\n      - id: migrate\n        run: python manage.py migrate\n`,
	);
	const cases: Record<string, () => string> = {
		'approval-waiting': () =>
			frame(simulate(paired, {answers: [{kind: 'confirm', text: 'production'}], stopAtDecision: 1}), {
				cols: 80,
				logFile,
			}),
		'window-shut': () => frame(simulate(windowed, {wall: '2026-11-21T10:00:00.000Z'}), {cols: 80}),
		'window-closing': () => {
			const sim = simulate(
				loadRunbook(
					`version: 1\nname: Windowed deploy\nwindow: {timezone: Europe/London, days: [mon, tue, wed, thu, fri], hours: "09:00-17:00"}\nphases:\n  - id: deploy\n    name: Deployment\n    at: "16:30"\n    steps:\n      - id: ready\n        check: The release notes are out\n      - id: migrate\n        run: python manage.py migrate\n`,
				),
				{wall: '2026-11-23T16:42:00.000Z', stopAtDecision: 0},
			);
			return frame({...sim, now: 6 * 60_000_000}, {cols: 80});
		},
		'lost-step': () => {
			const stopped = simulate(paired, {
				answers: [{kind: 'confirm', text: 'production'}],
				approvers: ['bob@deploy-2'],
				stopWhileRunning: 1,
			});
			const events = [
				...(stopped.events as RunEvent[]),
				{type: 'session-detached', t: 4_000_000, reason: 'received SIGHUP: the terminal closed', step: 'migrate'},
				{
					type: 'session-resumed',
					t: 90_000_000,
					by: 'alice',
					pid: 4242,
					isInteractive: true,
					isPreApproved: false,
					reask: [],
				},
				{
					type: 'command-lost',
					t: 90_000_001,
					step: 'migrate',
					attempt: 1,
					reason: 'the runner stopped while the command ran, and its process is gone without an exit status',
				},
			] as RunEvent[];
			const state = foldEvents(events);
			const move = nextMove(state, 90_000_001);
			return frame(
				{events, state, now: 90_000_001, ...(move.kind === 'idle' && move.decision ? {decision: move.decision} : {})},
				{cols: 80},
			);
		},
	};
	for (const [name, render] of Object.entries(cases)) {
		it(`${name} at 80 columns`, async () => {
			await expect(render()).toMatchFileSnapshot(`../../snapshots/run/${name}.80.txt`);
		});
	}
});
