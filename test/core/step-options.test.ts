// `interactive: true` and `for` on run steps: what the loader accepts, refuses, and the dry run shows.
import {describe, expect, it} from 'vitest';
import {parseRunbook} from '../../src/core/runbook/parse.js';
import {dryRunLines} from '../../src/core/run/dry-run.js';
import {foldEvents} from '../../src/core/run/reduce.js';
import {loadRunbook, simulate} from '../helpers/scenarios.js';

const runbook = (step: string) => `version: 1\nname: t\nphases:\n  - id: p\n    steps:\n${step}`;

function problems(yaml: string): string[] {
	const parsed = parseRunbook(yaml);
	return parsed.ok ? [] : parsed.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
}

describe('interactive and for on a step', () => {
	it('a run step may have them; the dry run says what they do', () => {
		const parsed = parseRunbook(
			runbook(
				'      - id: logs\n        run: docker compose logs -f\n        for: 30m\n      - id: admin\n        run: python manage.py createsuperuser\n        interactive: true\n',
			),
		);
		if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
		const [logs, admin] = parsed.runbook.phases[0]!.steps;
		expect(logs).toMatchObject({forMs: 1_800_000});
		expect(admin).toMatchObject({isInteractive: true});
		const lines = dryRunLines(parsed.runbook, {}).join('\n');
		expect(lines).toContain('logs  [run, for 30m, then stopped and counted done]');
		expect(lines).toContain('admin  [run, interactive: the command gets the terminal]');
	});

	it('other step kinds, `capture` with `interactive`, a `for` past the timer limit or past `timeout` are refused', () => {
		expect(problems(runbook('      - id: c\n        check: look\n        for: 5m\n'))).toEqual([
			'8:9: `for` applies to `run` steps, not to the `check` step `c`',
		]);
		expect(problems(runbook('      - id: w\n        wait: 5m\n        interactive: true\n'))).toEqual([
			'8:9: `interactive` applies to `run` steps, not to the `wait` step `w`',
		]);
		expect(
			problems(runbook('      - id: r\n        run: psql\n        interactive: true\n        capture: out\n')),
		).toEqual(['9:9: `capture` cannot be used with `interactive: true`']);
		expect(problems(runbook('      - id: r\n        run: tail -f x\n        for: 30d\n'))[0]).toMatch(
			/`for` is `30d`|expected a duration/,
		);
		expect(problems(runbook('      - id: r\n        run: tail -f x\n        for: 600h\n'))[0]).toMatch(
			/`for` is `600h`; the longest duration runbook can time is 24 days/,
		);
		expect(problems(runbook('      - id: r\n        run: tail -f x\n        for: 5m\n        timeout: 1m\n'))).toEqual([
			'9:18: `timeout` is not longer than `for`; the command would be stopped as failed before its time is up',
		]);
		expect(problems(runbook('      - id: r\n        run: tail -f x\n        interactive: yes\n'))[0]).toMatch(
			/`interactive` is `yes`; expected `true` or `false`/,
		);
	});
});

describe('a `for:` step (a bounded follow) on the fake clock', () => {
	const followYaml = `
version: 1
name: Follow
phases:
  - id: watch
    steps:
      - id: logs
        run: tail -f /var/log/app.log
        for: 30m
      - id: after
        run: echo after
`;
	const follow = loadRunbook(followYaml);
	const kinds = (events: Array<{type: string; step?: string}>) =>
		events.filter((e) => e.step === 'logs').map((e) => e.type);

	it('is stopped at its time and counts as done, its end recorded in the log', () => {
		const sim = simulate(follow, {results: {logs: [{isEndless: true, out: 'GET /health 200\n'}]}});
		expect(sim.state.ended?.status).toBe('completed');
		expect(sim.state.steps.logs?.status).toBe('succeeded');
		expect(kinds(sim.events)).toEqual([
			'step-started',
			'command-started',
			'output-recorded',
			'wait-ended',
			'command-cancel-requested',
			'command-exited',
			'step-succeeded',
		]);
		const started = sim.events.find((e) => e.type === 'command-started')!;
		const ended = sim.events.find((e) => e.type === 'wait-ended')!;
		expect(ended).toMatchObject({isEarly: false});
		expect(ended.t - started.t).toBeGreaterThanOrEqual(30 * 60 * 1_000_000);
		expect(ended.t - started.t).toBeLessThan(30 * 60 * 1_000_000 + 1_000_000);
		expect(foldEvents(sim.events)).toEqual(sim.state);
	});

	it('shows a countdown while it runs', () => {
		const sim = simulate(follow, {results: {logs: [{isEndless: true}]}, stopAtDecision: 0});
		expect(sim.decision).toMatchObject({kind: 'follow', step: 'logs'});
	});

	it('`x` ends it early with a recorded reason, and it counts as done', () => {
		const sim = simulate(follow, {
			answers: [{kind: 'end-wait', reason: 'saw the migration finish'}],
			results: {logs: [{isEndless: true}]},
		});
		expect(sim.state.steps.logs?.status).toBe('succeeded');
		expect(sim.events.find((e) => e.type === 'wait-ended')).toMatchObject({
			isEarly: true,
			by: 'alice',
			reason: 'saw the migration finish',
		});
		expect(sim.state.ended?.status).toBe('completed');
	});

	it('an earlier non-zero exit fails it as usual', () => {
		const sim = simulate(follow, {results: {logs: [{code: 1}]}, stopAtDecision: 0});
		expect(sim.state.steps.logs?.status).toBe('failed');
		expect(sim.state.steps.logs?.failure?.reason).toBe('exit-code');
	});

	it('an operator cancel (not `x`) still fails it', () => {
		const sim = simulate(follow, {results: {logs: [{isEndless: true, isCancelled: true}]}, stopAtDecision: 0});
		expect(sim.state.steps.logs?.failure?.reason).toBe('cancelled');
	});
});
