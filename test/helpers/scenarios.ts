import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// Drives the real core (nextMove, applyIntent, judgeExit, reduceRun) without processes or clocks:
// commands get scripted results, decisions get scripted answers. The events it returns are
// what a live session would have recorded.
import {parseRunbook} from '../../src/core/runbook/parse.js';
import type {Runbook} from '../../src/core/runbook/model.js';
import {nextMove} from '../../src/core/run/next.js';
import {applyIntent, type Intent} from '../../src/core/run/intents.js';
import {judgeExit, type CommandResult} from '../../src/core/run/judge.js';
import {reduceRun} from '../../src/core/run/reduce.js';
import {initialState, type RunState} from '../../src/core/run/state.js';
import {resolveCommand} from '../../src/core/run/command.js';
import {checkPreconditions} from '../../src/core/run/preconditions.js';
import type {RunEvent, SessionOptions} from '../../src/core/run/events.js';
import type {Decision} from '../../src/core/run/next.js';

export function loadRunbook(yaml: string): Runbook {
	const parsed = parseRunbook(yaml);
	if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.line}:${p.col}: ${p.message}`).join('\n'));
	return parsed.runbook;
}

export type Script = {
	options?: Partial<SessionOptions>;
	vars?: Record<string, string>;
	env?: Record<string, string>;
	/** Answers to decisions, in order. */
	answers?: Intent[];
	/** Results per step id, used in turn (the last one repeats). */
	results?: Record<string, Array<Partial<CommandResult> & {out?: string; err?: string}>>;
	/** Microseconds between events. @default 100_000 */
	tickUs?: number;
	/** Stop before answering this many decisions (to freeze a scenario mid-run). */
	stopAtDecision?: number;
	/** Stop while the nth command (1-based) is still running, after its output. */
	stopWhileRunning?: number;
	/** The wall clock at the start, and the runner's time zone. */
	wall?: string;
	timezone?: string;
	/** Who approves a step that asks for approvals (recorded without a real signature). */
	approvers?: string[];
	/** Stop right after the nth command (1-based) has exited and been judged. */
	stopAfterCommand?: number;
};

export type Simulation = {events: RunEvent[]; state: RunState; decision?: Decision; now: number};

export function simulate(runbook: Runbook, script: Script = {}): Simulation {
	const options: SessionOptions = {operator: 'alice', isInteractive: true, isPreApproved: false, ...script.options};
	const tick = script.tickUs ?? 100_000;
	const events: RunEvent[] = [];
	let state = initialState;
	let now = 0;
	const record = (draft: Record<string, unknown>) => {
		now += tick;
		const {type, ...rest} = draft;
		const event = {type, t: now, ...rest} as RunEvent;
		events.push(event);
		state = reduceRun(state, event);
	};
	record({
		type: 'session-started',
		runbook,
		options,
		wall: script.wall ?? '2026-11-22T09:00:00.000Z',
		...(script.timezone ? {timezone: script.timezone} : {}),
	});
	for (const [name, value] of Object.entries(script.vars ?? {}))
		record({type: 'var-set', var: name, value, isSecret: false, source: 'flag'});
	const answers = [...(script.answers ?? [])];
	const used: Record<string, number> = {};
	let decisions = 0;
	let commands = 0;
	for (let guard = 0; guard < 10_000; guard++) {
		const move = nextMove(state, now);
		if (move.kind === 'ended') return {events, state, now};
		if (move.kind === 'emit') move.events.forEach(record);
		else if (move.kind === 'request-approval') {
			record({
				type: 'approval-requested',
				step: move.step.id,
				need: move.need,
				command: resolveCommand(move.step, state.vars, []).display,
				by: options.operator,
				head: 'simulated-head',
				...(move.timeoutMs !== undefined ? {timeoutMs: move.timeoutMs} : {}),
			});
			for (const [i, by] of (script.approvers ?? []).entries())
				record({
					type: 'approval-given',
					step: move.step.id,
					by,
					key: `ssh-ed25519 simulated-${i}`,
					fingerprint: `SHA256:simulated-${i}`,
					head: 'simulated-head',
					sshsig: 'simulated',
				});
		} else if (move.kind === 'recover') {
			const running = state.running as {step: string; attempt: number};
			record({
				type: 'command-lost',
				step: running.step,
				attempt: running.attempt,
				reason: 'the step left no exit status and its process is gone',
			});
		} else if (move.kind === 'check-env')
			record({type: 'preconditions-checked', results: checkPreconditions(runbook.env, script.env ?? {})});
		else if (move.kind === 'run') {
			const list = script.results?.[move.step.id] ?? [{}];
			const n = used[move.step.id] ?? 0;
			used[move.step.id] = n + 1;
			const planned = list[Math.min(n, list.length - 1)]!;
			const result: CommandResult = {
				code: 0,
				signal: null,
				isTimedOut: false,
				isCancelled: false,
				durationMs: 120,
				...planned,
			};
			commands++;
			record({
				type: 'command-started',
				step: move.step.id,
				attempt: move.attempt,
				command: resolveCommand(move.step, state.vars, []).display,
				cwd: '/srv/app',
			});
			if (planned.out) record({type: 'output-recorded', step: move.step.id, stream: 'out', text: planned.out});
			if (planned.err) record({type: 'output-recorded', step: move.step.id, stream: 'err', text: planned.err});
			if (commands === script.stopWhileRunning) return {events, state, now};
			if (result.isCancelled) record({type: 'command-cancel-requested', step: move.step.id, by: options.operator});
			record({
				type: 'command-exited',
				step: move.step.id,
				attempt: move.attempt,
				code: result.code,
				signal: result.signal,
				isTimedOut: result.isTimedOut,
				durationMs: result.durationMs,
				bytes: [planned.out?.length ?? 0, planned.err?.length ?? 0],
			});
			judgeExit(move.step, {...result, ...(planned.out !== undefined ? {stdout: planned.out} : {stdout: ''})}).forEach(
				(d) => record(d as Record<string, unknown>),
			);
			if (commands === script.stopAfterCommand) return {events, state, now: now + tick};
		} else if (move.decision?.kind === 'approval' && decisions !== script.stopAtDecision) {
			// Approvals come from other people, never from the operator's answers: time passes.
			if (move.wakeAtUs === undefined) return {events, state, decision: move.decision, now};
			now = Math.max(now, move.wakeAtUs);
		} else if (move.decision) {
			if (decisions === script.stopAtDecision) return {events, state, decision: move.decision, now};
			const intent = answers.shift();
			if (!intent) return {events, state, decision: move.decision, now};
			decisions++;
			const result = applyIntent(state, move.decision, intent);
			if ('problem' in result)
				throw new Error(`answer ${JSON.stringify(intent)} to ${move.decision.kind}: ${result.problem}`);
			result.events.forEach((d) => record(d as Record<string, unknown>));
		} else if (move.wakeAtUs !== undefined) {
			now = Math.max(now, move.wakeAtUs);
		} else {
			throw new Error('stuck: idle with nothing to wait for');
		}
	}
	throw new Error('scenario did not end');
}

/** A small runbook with every step kind, used by the named scenarios. */
export const tourYaml = `
version: 1
name: Billing API release
target: production
vars:
  db_host: { prompt: "Database host", default: db.internal }
phases:
  - id: prepare
    name: Pre-deployment
    timebox: 5m
    steps:
      - id: backup
        name: Back up the database
        run: pg_dump -h {{ db_host }} billing > backup.sql
        confirm: true
      - id: plan
        run: ./manage.py showmigrations --plan
        capture: migration_plan
      - id: debug-off
        check: [DEBUG is False in production, Error tracking is on]
  - id: deploy
    name: Deployment
    timebox: 10m
    steps:
      - id: migrate
        name: Apply migrations
        run: ./manage.py migrate
        confirm: typed
        rollback: restore-db
      - id: health
        poll: { run: "curl -fsS https://billing.example.com/health", every: 10s, timeout: 2m }
      - id: version
        ask: { var: deployed_version, prompt: "Version now live", pattern: "^v[0-9.]+$" }
      - id: soak
        wait: 5m
        note: Watch the error rate.
rollback:
  - id: restore-db
    run: psql -h {{ db_host }} billing < backup.sql
signoff: [Backend developer]
`;

/** A private spool directory for a live session under test. */
export function testSpoolDir(): string {
	return mkdtempSync(path.join(os.tmpdir(), 'runbook-spool-'));
}
