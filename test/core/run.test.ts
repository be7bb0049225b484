import {describe, expect, it} from 'vitest';
import {loadRunbook, simulate, tourYaml} from '../helpers/scenarios.js';
import {foldEvents} from '../../src/core/run/reduce.js';
import {runSummary, exitCodeFor, finishedItems} from '../../src/core/run/select.js';
import type {RunEvent} from '../../src/core/run/events.js';

const tour = loadRunbook(tourYaml);
const happy = [
	{kind: 'answer', value: ''},
	{kind: 'confirm'},
	{kind: 'check', isPassed: true},
	{kind: 'check', isPassed: true},
	{kind: 'confirm', text: 'production'},
	{kind: 'answer', value: 'v2.4.1'},
	{kind: 'end-wait', reason: 'error rate flat'},
	{kind: 'signoff', name: 'Ada'},
] as const;

const types = (events: Array<{type: string; step?: string}>) =>
	events.map((e) => (e.step ? `${e.type}:${e.step}` : e.type));

describe('a run folded from its events', () => {
	it('walks every step kind to a completed session with the sign-off recorded', () => {
		const sim = simulate(tour, {
			answers: [...happy],
			results: {plan: [{out: '[ ] 0042_add_index\n'}], health: [{code: 7}, {code: 0}]},
		});
		expect(sim.state.ended?.status).toBe('completed');
		expect(exitCodeFor(sim.state.ended?.status)).toBe(0);
		expect(sim.state.vars).toMatchObject({
			db_host: 'db.internal',
			migration_plan: '[ ] 0042_add_index',
			deployed_version: 'v2.4.1',
		});
		expect(sim.state.signoffs.map((s) => [s.role, s.name])).toEqual([['Backend developer', 'Ada']]);
		expect(sim.state.steps.health?.attempts).toBe(2);
		expect(types(sim.events)).toContain('wait-ended:soak');
		expect(runSummary(sim.state)?.counts).toEqual({succeeded: 7, failed: 0, skipped: 0, notRun: 0});
	});

	it('is the same state when the recorded events are folded again (replay equals live)', () => {
		const sim = simulate(tour, {answers: [...happy]});
		expect(foldEvents(sim.events)).toEqual(sim.state);
	});

	it('a typed confirmation refuses anything but the target, and records nothing for it', () => {
		expect(() =>
			simulate(tour, {answers: [happy[0], happy[1], happy[2], happy[3], {kind: 'confirm', text: 'prod'}]}),
		).toThrow(/type `production` exactly/);
	});

	it('a failing step offers the menu; skip needs a reason and is recorded with it', () => {
		expect(() =>
			simulate(tour, {answers: [happy[0], happy[1], {kind: 'skip', reason: ' '}], results: {backup: [{code: 1}]}}),
		).toThrow(/reason is required/);
		const sim = simulate(tour, {
			answers: [happy[0], happy[1], {kind: 'skip', reason: 'backup taken by the DBA'}],
			results: {backup: [{code: 1, err: 'pg_dump: connection refused\n'}]},
			stopAtDecision: 3,
		});
		const skipped = sim.events.find((e) => e.type === 'step-skipped');
		expect(skipped).toMatchObject({step: 'backup', isAuto: false, by: 'alice', reason: 'backup taken by the DBA'});
		expect(sim.state.steps.backup?.status).toBe('skipped');
		expect(sim.state.steps.backup?.failure?.detail).toBe('exit 1');
	});

	it('retry runs the command again; retries: N retries by itself first', () => {
		const rb = loadRunbook(
			`version: 1\nname: r\nphases:\n  - id: p\n    steps:\n      - id: flaky\n        run: ./flaky\n        retries: 2\n`,
		);
		const sim = simulate(rb, {results: {flaky: [{code: 1}, {code: 1}, {code: 0}]}});
		expect(sim.state.ended?.status).toBe('completed');
		expect(sim.events.filter((e) => e.type === 'step-retried').map((e) => (e as {isAuto: boolean}).isAuto)).toEqual([
			true,
			true,
		]);
		const exhausted = simulate(rb, {
			results: {flaky: [{code: 1}]},
			answers: [{kind: 'retry', reason: 'network blip'}],
			stopAtDecision: 1,
		});
		expect(exhausted.decision).toMatchObject({kind: 'failure', step: 'flaky'});
		expect(exhausted.state.steps.flaky?.attempts).toBe(6);
	});

	it('roll back runs the linked rollback steps newest first and ends rolled back', () => {
		const rb = loadRunbook(
			`version: 1\nname: r\nphases:\n  - id: p\n    steps:\n      - id: a\n        run: a\n        rollback: undo-a\n      - id: b\n        run: b\n        rollback: [undo-b]\n      - id: c\n        run: c\n        rollback: undo-c\nrollback:\n  - id: undo-a\n    run: ua\n  - id: undo-b\n    run: ub\n  - id: undo-c\n    run: uc\n`,
		);
		const sim = simulate(rb, {results: {c: [{code: 2}]}, answers: [{kind: 'rollback', reason: 'c broke prod'}]});
		expect(sim.events.find((e) => e.type === 'rollback-started')).toMatchObject({
			steps: ['undo-c', 'undo-b', 'undo-a'],
			reason: 'c broke prod',
		});
		expect(types(sim.events).filter((t) => t.startsWith('command-started'))).toEqual([
			'command-started:a',
			'command-started:b',
			'command-started:c',
			'command-started:undo-c',
			'command-started:undo-b',
			'command-started:undo-a',
		]);
		expect(sim.state.ended?.status).toBe('rolled-back');
		expect(exitCodeFor('rolled-back')).toBe(1);
	});

	it('abort ends the run with its reason; a timeout and an expect mismatch are failures with their cause', () => {
		const rb = loadRunbook(
			`version: 1\nname: r\nphases:\n  - id: p\n    steps:\n      - id: slow\n        run: sleep 99\n        timeout: 1s\n      - id: ver\n        run: cat VERSION\n        expect: { stdout: "^v2" }\n`,
		);
		const timedOut = simulate(rb, {
			results: {slow: [{code: null, signal: 'SIGTERM', isTimedOut: true}]},
			answers: [
				{kind: 'skip', reason: 'known slow'},
				{kind: 'abort', reason: 'wrong version live'},
			],
		});
		expect(timedOut.events.find((e) => e.type === 'step-failed' && e.step === 'slow')).toMatchObject({
			reason: 'timeout',
			detail: 'timed out after 1s',
		});
		const mismatch = simulate(rb, {
			results: {ver: [{out: 'v1.9.0\n'}]},
			answers: [{kind: 'abort', reason: 'wrong version live'}],
		});
		expect(mismatch.events.find((e) => e.type === 'step-failed')).toMatchObject({step: 'ver', reason: 'expect'});
		expect(mismatch.state.ended).toMatchObject({status: 'aborted', reason: 'wrong version live'});
	});

	it('a failed check item fails the step; continue_on_error moves on and keeps the failure', () => {
		const failedCheck = simulate(tour, {
			answers: [happy[0], happy[1], {kind: 'check', isPassed: false, reason: 'DEBUG is True'}],
			stopAtDecision: 3,
		});
		expect(failedCheck.decision).toMatchObject({kind: 'failure', step: 'debug-off'});
		expect(failedCheck.state.steps['debug-off']?.failure?.detail).toBe('check failed: DEBUG is False in production');
		const rb = loadRunbook(
			`version: 1\nname: r\nphases:\n  - id: p\n    steps:\n      - id: lint\n        run: lint\n        continue_on_error: true\n      - id: next\n        run: next\n`,
		);
		const sim = simulate(rb, {results: {lint: [{code: 3}]}});
		expect(sim.state.ended?.status).toBe('completed');
		expect(sim.state.steps.lint?.status).toBe('failed');
	});

	it('poll gives up after its timeout; when: false and --from skip steps on their own', () => {
		const rb = loadRunbook(
			`version: 1\nname: r\nvars:\n  env_name: { default: staging }\nphases:\n  - id: p\n    steps:\n      - id: first\n        run: one\n      - id: prod-only\n        run: two\n        when: env_name == production\n      - id: up\n        poll: { run: check, every: 10s, timeout: 30s }\n`,
		);
		const sim = simulate(rb, {
			options: {from: 'prod-only'},
			answers: [
				{kind: 'answer', value: ''},
				{kind: 'abort', reason: 'service never came up'},
			],
			results: {up: [{code: 1}]},
		});
		expect(sim.events.find((e) => e.type === 'step-skipped' && e.step === 'first')).toMatchObject({
			isAuto: true,
			reason: 'started with --from prod-only',
		});
		expect(sim.events.find((e) => e.type === 'step-skipped' && e.step === 'prod-only')).toMatchObject({
			reason: 'when: env_name == production is false',
		});
		expect(sim.events.find((e) => e.type === 'step-failed')).toMatchObject({step: 'up', reason: 'timeout'});
		expect(sim.state.steps.up!.attempts).toBeGreaterThanOrEqual(3);
	});

	it('a phase past its timebox records an overrun and keeps going', () => {
		const sim = simulate(tour, {answers: [...happy], tickUs: 30_000_000});
		expect(types(sim.events)).toContain('phase-overran');
		expect(sim.state.ended?.status).toBe('completed');
	});

	it('unmet env preconditions stop before phase 1 until overridden with a reason', () => {
		const rb = loadRunbook(
			`version: 1\nname: r\nenv:\n  DEBUG: { equals: "False" }\n  SECRET_KEY: { min_length: 50, secret: true }\nphases:\n  - id: p\n    steps:\n      - id: a\n        run: a\n`,
		);
		const stopped = simulate(rb, {env: {DEBUG: 'True', SECRET_KEY: 'short'}, stopAtDecision: 0});
		expect(stopped.decision).toEqual({kind: 'preconditions'});
		expect(stopped.state.preconditions?.results).toEqual([
			{name: 'DEBUG', isMet: false, problem: 'is `True`; expected `False`'},
			{name: 'SECRET_KEY', isMet: false, problem: 'is 5 characters; expected at least 50'},
		]);
		const overridden = simulate(rb, {env: {DEBUG: 'True'}, answers: [{kind: 'override', reason: 'staging box'}]});
		expect(overridden.state.ended?.status).toBe('completed');
	});

	it('without an operator: --yes passes plain confirmations but never typed ones, checks or asks', () => {
		const plain = {isInteractive: false, isPreApproved: true};
		const sim = simulate(tour, {options: plain});
		expect(sim.state.ended).toMatchObject({
			status: 'needs-operator',
			reason: 'step `debug-off` is a manual check; run it in a terminal',
		});
		expect(sim.events.find((e) => e.type === 'step-confirmed')).toMatchObject({step: 'backup', how: 'pre-approved'});
		expect(exitCodeFor('needs-operator')).toBe(2);
		const noYes = simulate(tour, {options: {isInteractive: false}});
		expect(noYes.state.ended?.reason).toMatch(/--yes/);
		const typed = loadRunbook(
			`version: 1\nname: r\nphases:\n  - id: p\n    steps:\n      - id: drop\n        run: drop\n        confirm: typed\n`,
		);
		expect(simulate(typed, {options: plain}).state.ended?.reason).toMatch(/typed confirmation.*never pre-approved/);
	});

	it('finished items only grow at the end, so printed lines never need redrawing', () => {
		const sim = simulate(tour, {answers: [...happy]});
		let before: string[] = [];
		for (let i = 1; i <= sim.events.length; i++) {
			const keys = finishedItems(foldEvents(sim.events.slice(0, i))).map((x) => x.key);
			expect(keys.slice(0, before.length)).toEqual(before);
			before = keys;
		}
	});

	it('keeps a bounded tail of output however much arrives', () => {
		const rb = loadRunbook(
			`version: 1\nname: r\nphases:\n  - id: p\n    steps:\n      - id: big\n        run: seq 1 100000\n`,
		);
		const out = Array.from({length: 5000}, (_, i) => `line ${i}`).join('\n') + '\n';
		const sim = simulate(rb, {results: {big: [{out}]}});
		expect(sim.state.output?.lines.length).toBe(200);
		expect(sim.state.output?.lines.at(-1)?.text).toBe('line 4999');
		expect(sim.state.output?.lineCount).toBe(5000);
	});

	it('joins a line split across chunks into the tail, whether the next chunk is small or large', () => {
		const rb = loadRunbook(
			`version: 1\nname: r\nphases:\n  - id: p\n    steps:\n      - id: big\n        run: seq 1 100000\n`,
		);
		const sim = simulate(rb, {results: {big: [{out: 'x\n'}]}});
		const at = sim.events.findIndex((event) => event.type === 'output-recorded');
		const output = sim.events[at] as Extract<RunEvent, {type: 'output-recorded'}>;
		const chunked = (texts: string[]) =>
			foldEvents([...sim.events.slice(0, at), ...texts.map((text) => ({...output, text})), ...sim.events.slice(at + 1)])
				.output;
		const many = Array.from({length: 300}, (_, i) => `line ${i}`).join('\n') + '\n';
		// A large chunk after a partial line: only its own last 200 lines are in the tail.
		const large = chunked(['first ha', `lf\n${many}`]);
		expect(large?.lines.map((line) => line.text)).toEqual(many.trimEnd().split('\n').slice(-200));
		expect(large?.lineCount).toBe(301);
		// A small chunk after a partial line: the two halves make one line.
		const small = chunked(['first ha', 'lf\nsecond\n']);
		expect(small?.lines.map((line) => line.text)).toEqual(['first half', 'second']);
		expect(small?.lineCount).toBe(2);
	});
});
