// A step with `approvals: 2`: confirmed by the operator, then held until a second person
// approves; a timeout and a rejection lead to the failure menu. Pure: the simulate driver.
import {describe, expect, it} from 'vitest';
import {loadRunbook, simulate} from '../helpers/scenarios.js';

const runbook = loadRunbook(`
version: 1
name: Paired
phases:
  - id: deploy
    steps:
      - id: migrate
        run: ./migrate
        confirm: true
        approvals: 2
        approval_timeout: 10m
`);

describe('a step that needs a second approval', () => {
	it('asks after the operator confirms, and runs once another person approves', () => {
		const run = simulate(runbook, {answers: [{kind: 'confirm'}], approvers: ['bob@deploy-2']});
		const types = run.events.map((e) => e.type);
		expect(types.indexOf('step-confirmed')).toBeLessThan(types.indexOf('approval-requested'));
		expect(types.indexOf('approval-given')).toBeLessThan(types.indexOf('command-started'));
		expect(run.state.ended?.status).toBe('completed');
		expect(run.events.find((e) => e.type === 'approval-requested')).toMatchObject({
			need: 1,
			command: './migrate',
			timeoutMs: 600_000,
		});
	});

	it("waits with the decision on screen, and fails into the operator's menu when no one approves in time", () => {
		const waiting = simulate(runbook, {answers: [{kind: 'confirm'}], stopAtDecision: 1});
		expect(waiting.decision).toMatchObject({kind: 'approval', step: 'migrate', need: 1, have: 0});
		const run = simulate(runbook, {answers: [{kind: 'confirm'}]});
		expect(run.events.find((e) => e.type === 'step-failed')).toMatchObject({
			reason: 'approval',
			detail: 'not approved within 10m (0 of 1 more)',
		});
		expect(run.decision).toMatchObject({kind: 'failure', step: 'migrate'});
		expect(run.events.some((e) => e.type === 'step-retried')).toBe(false);
	});

	it('a retry the operator chooses asks for approval afresh', () => {
		const run = simulate(runbook, {answers: [{kind: 'confirm'}, {kind: 'retry', reason: 'bob is back'}]});
		expect(run.events.filter((e) => e.type === 'approval-requested')).toHaveLength(2);
	});
});
