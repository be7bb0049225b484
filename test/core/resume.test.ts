// Resume is the same fold: an interrupted log, plus what a new runner records, decides what
// comes next. Pure; no processes.
import {describe, expect, it} from 'vitest';
import type {RunEvent} from '../../src/core/run/events.js';
import {applyIntent} from '../../src/core/run/intents.js';
import {nextMove} from '../../src/core/run/next.js';
import {foldEvents, reduceRun} from '../../src/core/run/reduce.js';
import {loadRunbook, simulate} from '../helpers/scenarios.js';

const migrateYaml = `
version: 1
name: Migrate
vars:
  token: {secret: true}
phases:
  - id: deploy
    steps:
      - id: migrate
        run: ./migrate --token {{ token }}
        retries: 2
      - id: after
        run: echo after
`;
const runbook = loadRunbook(migrateYaml);

/** The log of a runner that died while `migrate` ran. */
function interrupted(): RunEvent[] {
	const run = simulate(runbook, {stopWhileRunning: 1, answers: [{kind: 'answer', value: 's3cr3t-t0ken'}]});
	return run.events as RunEvent[];
}

const resumed = (extra: Partial<Extract<RunEvent, {type: 'session-resumed'}>> = {}): RunEvent => ({
	type: 'session-resumed',
	t: 9_000_000,
	by: 'bob',
	pid: 77,
	isInteractive: true,
	isPreApproved: false,
	reask: ['token'],
	...extra,
});

describe('a resumed session', () => {
	it('asks for the secrets again before anything else, then finds out what became of the running step', () => {
		let state = foldEvents([...interrupted(), resumed()]);
		expect(state.running?.isOrphaned).toBe(true);
		expect(state.options.operator).toBe('bob');
		const first = nextMove(state, 9_000_000);
		expect(first).toMatchObject({kind: 'idle', decision: {kind: 'var', var: 'token'}});
		state = reduceRun(state, {type: 'var-set', t: 9_100_000, var: 'token', isSecret: true, source: 'operator'});
		expect(nextMove(state, 9_100_000)).toMatchObject({kind: 'recover', step: {id: 'migrate'}});
	});

	it('without a terminal, a missing secret ends the run as needing an operator, never guessed', () => {
		const state = foldEvents([...interrupted(), resumed({isInteractive: false})]);
		const move = nextMove(state, 9_000_000);
		expect(move).toMatchObject({kind: 'emit', events: [{type: 'session-ended', status: 'needs-operator'}]});
	});

	it('a reattached command is waited for like any other; its exit is judged as usual', () => {
		let state = foldEvents([
			...interrupted(),
			resumed({reask: []}),
			{type: 'command-recovered', t: 9_000_001, step: 'migrate', attempt: 1, how: 'reattached'},
		]);
		expect(nextMove(state, 9_000_001)).toMatchObject({kind: 'idle'});
		state = reduceRun(state, {
			type: 'command-exited',
			t: 9_500_000,
			step: 'migrate',
			attempt: 1,
			code: 0,
			signal: null,
			isTimedOut: false,
			durationMs: 9000,
			bytes: [0, 0],
		});
		expect(state.takeovers.map((x) => x.kind)).toEqual(['resumed', 'reattached']);
	});

	it('a collected command leaves the end of its output where the operator sees it', () => {
		const state = foldEvents([
			...interrupted(),
			resumed({reask: []}),
			{type: 'command-recovered', t: 9_000_001, step: 'migrate', attempt: 1, how: 'collected'},
			{
				type: 'output-recorded',
				t: 9_000_002,
				step: 'migrate',
				stream: 'out',
				text: 'migrated 42 rows\n',
				spoolBytes: 17,
			},
			{
				type: 'command-exited',
				t: 9_000_003,
				step: 'migrate',
				attempt: 1,
				code: 0,
				signal: null,
				isTimedOut: false,
				durationMs: 9000,
				bytes: [17, 0],
			},
		]);
		expect(state.takeovers.at(-1)).toEqual({
			kind: 'result',
			t: 9_000_003,
			step: 'migrate',
			lines: ['migrated 42 rows'],
		});
	});

	it('a lost command is never retried on its own, even with retries left; the operator may mark it done', () => {
		const state = foldEvents([
			...interrupted(),
			resumed({reask: []}),
			{type: 'command-lost', t: 9_000_001, step: 'migrate', attempt: 1, reason: 'gone without an exit status'},
		]);
		const move = nextMove(state, 9_000_001);
		expect(move).toMatchObject({kind: 'idle', decision: {kind: 'failure', step: 'migrate', isLost: true}});
		const decision = (move as {decision: Parameters<typeof applyIntent>[1]}).decision;
		expect(applyIntent(state, decision, {kind: 'mark-done', reason: ''})).toEqual({problem: 'a reason is required'});
		expect(applyIntent(state, decision, {kind: 'mark-done', reason: 'checked the schema by hand'})).toEqual({
			events: [{type: 'step-succeeded', step: 'migrate', by: 'bob', reason: 'checked the schema by hand'}],
		});
		const noTerminal = foldEvents([
			...interrupted(),
			resumed({reask: [], isInteractive: false}),
			{type: 'command-lost', t: 9_000_001, step: 'migrate', attempt: 1, reason: 'gone'},
		]);
		expect(nextMove(noTerminal, 9_000_001)).toMatchObject({
			kind: 'emit',
			events: [{type: 'session-ended', status: 'failed'}],
		});
	});

	it('an ordinary failure cannot be marked done', () => {
		const run = simulate(runbook, {
			answers: [{kind: 'answer', value: 's3cr3t-t0ken'}],
			results: {migrate: [{code: 1}]},
		});
		expect(run.decision).toMatchObject({kind: 'failure', isLost: false});
		expect(applyIntent(run.state, run.decision, {kind: 'mark-done', reason: 'sure'})).toEqual({
			problem: 'only a step whose command was lost can be marked done',
		});
	});

	it('goes on with a changed runbook: finished steps keep their state, new steps start pending', () => {
		const changed = loadRunbook(
			migrateYaml.replace('        retries: 2\n', '      - id: verify\n        run: ./verify\n'),
		);
		const state = foldEvents([
			...interrupted(),
			resumed({reask: [], runbook: changed, sha256: 'abc', changes: ['step `verify` added']}),
		]);
		expect(state.runbook).toBe(changed);
		expect(state.steps.migrate!.status).toBe('running');
		expect(state.steps.verify!.status).toBe('pending');
		expect(state.phaseIndex).toBe(0);
	});
});
