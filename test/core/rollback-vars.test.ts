// A var that only rollback steps use is asked when a rollback first needs it, not before the first
// step: the restore's backup id must not block the start. Pure; the real loop over scripted effects.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {RunEvent} from '../../src/core/run/events.js';
import {nextMove} from '../../src/core/run/next.js';
import {foldEvents} from '../../src/core/run/reduce.js';
import {rollbackOnlyVars} from '../../src/core/run/var-use.js';
import {dryRunLines} from '../../src/core/run/dry-run.js';
import {loadRunbook, simulate} from '../helpers/scenarios.js';
import {repoRoot} from '../helpers/cli.js';

const runbook = loadRunbook(`
version: 1
name: Restore needs a backup id
vars:
  app: {}
  shared: {}
  backup_id: {prompt: Backup id to restore}
  db_password: {secret: true}
  unused: {default: x}
phases:
  - id: deploy
    steps:
      - id: backup
        run: ./backup {{ app }}
      - id: migrate
        run: ./migrate {{ app }} {{ shared }}
        rollback: restore
rollback:
  - id: restore
    run: ./restore {{ backup_id }} {{ shared }}
    env:
      PGPASSWORD: "{{ db_password }}"
`);

const startAnswers = [
	{kind: 'answer', value: 'crm'},
	{kind: 'answer', value: 'eu-1'},
	{kind: 'answer', value: ''},
] as const;

const varEvents = (events: RunEvent[]) =>
	events.flatMap((event, index) => (event.type === 'var-set' ? [{index, ...event}] : []));

describe('vars only the rollback uses', () => {
	it('are the ones rollback steps use and no phase step does; a var both use is not among them', () => {
		expect(rollbackOnlyVars(runbook)).toEqual(['backup_id', 'db_password']);
		const both = loadRunbook(
			`version: 1\nname: b\nvars:\n  id: {}\nphases:\n  - id: p\n    steps:\n      - id: a\n        run: ./a\n        when: id != none\n        rollback: r\nrollback:\n  - id: r\n    run: ./r {{ id }}\n`,
		);
		expect(rollbackOnlyVars(both)).toEqual([]);
	});

	it('the run starts without asking them, and a failing step’s rollback asks each before its step', () => {
		const sim = simulate(runbook, {
			answers: [
				...startAnswers,
				{kind: 'rollback', reason: 'migration broke the schema'},
				{kind: 'answer', value: 'b-20261122'},
				{kind: 'answer', value: 'pg-secret-value'},
			],
			results: {migrate: [{code: 1}]},
		});
		const firstStep = sim.events.findIndex((e) => e.type === 'step-started');
		const rollbackAt = sim.events.findIndex((e) => e.type === 'rollback-started');
		const sets = varEvents(sim.events);
		expect(sets.filter((e) => e.index < firstStep).map((e) => e.var)).toEqual(['app', 'shared', 'unused']);
		const late = sets.filter((e) => e.index > rollbackAt);
		expect(late.map((e) => [e.var, e.value, e.isSecret, e.source])).toEqual([
			['backup_id', 'b-20261122', false, 'operator'],
			['db_password', undefined, true, 'operator'],
		]);
		const restore = sim.events.find((e) => e.type === 'command-started' && e.step === 'restore');
		expect(restore).toMatchObject({command: "./restore 'b-20261122' 'eu-1'"});
		expect(JSON.stringify(sim.events)).not.toContain('pg-secret-value');
		expect(sim.state.ended?.status).toBe('rolled-back');
		expect(foldEvents(sim.events)).toEqual(sim.state);
	});

	it('the question names the rollback step that needs the var', () => {
		const sim = simulate(runbook, {
			answers: [...startAnswers, {kind: 'rollback', reason: 'broken'}],
			results: {migrate: [{code: 1}]},
			stopAtDecision: 5,
		});
		expect(sim.decision).toMatchObject({kind: 'var', var: 'backup_id', forStep: 'restore'});
	});

	it('given with --var, it is recorded at the start as any flag and never asked', () => {
		const sim = simulate(runbook, {
			vars: {backup_id: 'b-1', db_password: 'pg-secret-value'},
			answers: [...startAnswers, {kind: 'rollback', reason: 'broken'}],
			results: {migrate: [{code: 1}]},
		});
		expect(
			varEvents(sim.events)
				.filter((e) => e.source === 'flag')
				.map((e) => e.var),
		).toEqual(['backup_id', 'db_password']);
		expect(sim.state.ended?.status).toBe('rolled-back');
	});

	it('without a terminal, a rollback that needs one stops with a one-line reason', () => {
		const sim = simulate(runbook, {
			answers: [...startAnswers, {kind: 'rollback', reason: 'broken'}],
			results: {migrate: [{code: 1}]},
			stopAtDecision: 5,
		});
		const resumed: RunEvent = {
			type: 'session-resumed',
			t: sim.now + 1,
			by: 'ci',
			pid: 9,
			isInteractive: false,
			isPreApproved: true,
			reask: [],
		};
		const move = nextMove(foldEvents([...sim.events, resumed]), sim.now + 2);
		expect(move).toEqual({
			kind: 'emit',
			events: [
				{
					type: 'session-ended',
					status: 'needs-operator',
					reason:
						'the rollback step `restore` needs `backup_id`, which has no value; give it with `--var backup_id=...`, or resume in a terminal',
				},
			],
		});
	});

	it('the dry run says they are asked only if a rollback needs them', () => {
		const lines = dryRunLines(runbook, {db_password: 'pg-secret-value'});
		expect(lines.filter((line) => line.startsWith('var '))).toEqual([
			'var app = <not set> (asked at start)',
			'var shared = <not set> (asked at start)',
			'var backup_id = <not set> (asked if a rollback needs it)',
			'var db_password = •••••• (from --var)',
			'var unused = x (default; asked at start)',
		]);
	});
});

describe('the AstroAxis runbook’s rollback', () => {
	const astroaxis = loadRunbook(
		readFileSync(path.join(repoRoot, 'runbooks', 'astroaxis-fastapi-two-day-plan.yaml'), 'utf8'),
	);
	const typed = {kind: 'confirm', text: 'astroaxis-production'} as const;

	it('asks the previous tag only when the code is reverted, and downgrades only on a migration issue', () => {
		expect(rollbackOnlyVars(astroaxis)).toEqual(['previous_tag']);
		const rollback = (migrationIssue: 'yes' | 'no') =>
			simulate(astroaxis, {
				// A Tuesday at 10:00 in Lagos: inside the deploy window.
				wall: '2026-11-24T09:00:00.000Z',
				options: {from: 'migrate'},
				vars: {server: 'deploy@droplet', domain: 'axis.example', app_dir: '/srv/axis'},
				approvers: ['bob'],
				answers: [
					typed,
					{kind: 'rollback', reason: 'alembic upgrade failed'},
					{kind: 'confirm'},
					typed,
					typed,
					{kind: 'answer', value: 'v0.9.0'},
					typed,
					{kind: 'answer', value: migrationIssue},
					...(migrationIssue === 'yes' ? [typed] : []),
					...Array.from({length: 7}, () => ({kind: 'check', isPassed: true}) as const),
				],
				results: {migrate: [{code: 1, err: 'alembic: duplicate column\n'}]},
			});
		const skipped = rollback('no');
		expect(skipped.state.ended?.status).toBe('rolled-back');
		const previousTag = skipped.events.findIndex((e) => e.type === 'var-set' && e.var === 'previous_tag');
		const revert = skipped.events.findIndex((e) => e.type === 'step-started' && e.step === 'revert-code');
		const restored = skipped.events.findIndex((e) => e.type === 'step-succeeded' && e.step === 'restore-database');
		// Asked after the restore, just before the step that needs it.
		expect(restored).toBeLessThan(previousTag);
		expect(previousTag).toBeLessThan(revert);
		expect(skipped.events.find((e) => e.type === 'command-started' && e.step === 'revert-code')).toMatchObject({
			command: expect.stringContaining("git checkout ''v0.9.0''"),
		});
		expect(skipped.state.steps['alembic-downgrade']?.status).toBe('skipped');
		expect(rollback('yes').state.steps['alembic-downgrade']?.status).toBe('succeeded');
	});
});
