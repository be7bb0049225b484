// Runs the real session loop and recorder over scripted effects and a fake clock: commands get
// scripted results, decisions get scripted answers, approvers answer when asked, and time passes
// only when the world waits. The events it returns are what a live session records.
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {parseRunbook} from '../../src/core/runbook/parse.js';
import type {Runbook} from '../../src/core/runbook/model.js';
import type {Intent} from '../../src/core/run/intents.js';
import type {RunState} from '../../src/core/run/state.js';
import type {Draft, RunEvent, SessionOptions} from '../../src/core/run/events.js';
import type {Decision} from '../../src/core/run/next.js';
import {SessionLoop} from '../../src/session/loop.js';
import {SessionRecorder} from '../../src/session/recorder.js';
import {FakeClock} from './fake-clock.js';
import {ScriptedEffects, type PlannedCommand, type ScriptedCommand} from './scripted-effects.js';

export function loadRunbook(yaml: string): Runbook {
	const parsed = parseRunbook(yaml);
	if (!parsed.ok)
		throw new Error(parsed.problems.map((problem) => `${problem.line}:${problem.col}: ${problem.message}`).join('\n'));
	return parsed.runbook;
}

export type Script = {
	options?: Partial<SessionOptions>;
	vars?: Record<string, string>;
	env?: Record<string, string>;
	/** Answers to decisions, in order. */
	answers?: Intent[];
	/** Results per step id, used in turn (the last one repeats). `isCancelled`: the operator cancels it. */
	results?: Record<string, PlannedCommand[]>;
	/** Microseconds each event takes to happen (the clock moves this much per event). @default 100_000 */
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

/** A session run to its end, or to where the script stops it: the real loop over scripted effects. */
export function simulate(runbook: Runbook, script: Script = {}): Simulation {
	const options: SessionOptions = {operator: 'alice', isInteractive: true, isPreApproved: false, ...script.options};
	const tickUs = script.tickUs ?? 100_000;
	const wall = script.wall ?? '2026-11-22T09:00:00.000Z';
	// The first event happens one tick in, at the wall time the script gives.
	const clock = new FakeClock(new Date(Date.parse(wall) - tickUs / 1000).toISOString(), tickUs);
	const events: RunEvent[] = [];
	const sink = {
		append: (event: RunEvent) => {
			events.push(event);
			clock.skip(tickUs);
		},
		flush: () => {},
		head: () => 'simulated-head',
	};
	const effects = new ScriptedEffects(script);
	const recorder = new SessionRecorder({sink, clock, secrets: [], onChange: () => {}});
	const loop = new SessionLoop({
		recorder,
		effects,
		clock,
		cwd: '/srv/app',
		...(script.timezone ? {timezone: script.timezone} : {}),
		keepStdoutBytes: 1024 * 1024,
		// Output is recorded as soon as the world lets time pass: at once, here.
		output: {chunkChars: 32 * 1024, chunkMs: 0, quietMs: 0},
	});
	const world = new ScriptedWorld(loop, effects, clock, script);
	loop.start(runbook, options, script.vars ?? {});
	for (let turn = 0; turn < 10_000; turn++) {
		clock.advance(0);
		const stop = world.turn();
		if (stop) {
			const {state, decision} = loop.snapshot();
			return {
				events,
				state,
				...(decision ? {decision} : {}),
				now: stop === 'after-command' ? clock.now() : state.lastT,
			};
		}
	}
	throw new Error('scenario did not end');
}

/** Everything outside the session in a scenario: commands, approvers, the operator, time. */
class ScriptedWorld {
	private answers: Intent[];
	private decisions = 0;
	private commands = 0;
	/** The request the approvers answered last (its time): each request is answered once. */
	private answeredRequestAt: number | undefined;

	constructor(
		private readonly loop: SessionLoop,
		private readonly effects: ScriptedEffects,
		private readonly clock: FakeClock,
		private readonly script: Script,
	) {
		this.answers = [...(script.answers ?? [])];
	}

	/** One thing happens; a reason to stop the scenario when it should stop. */
	turn(): 'ended' | 'stopped' | 'after-command' | undefined {
		const {state, decision} = this.loop.snapshot();
		if (state.ended) return 'ended';
		const command = this.effects.running[0];
		// An endless command (a follow) lets time pass and the operator answer until it is stopped.
		const isEndless =
			command?.isOutputGiven && command.planned.isEndless && !command.planned.isCancelled && !command.isCancelled;
		if (command && !isEndless) return this.commandTurn(command);
		const request = state.approval;
		if (
			this.effects.isWaitingForApprovals &&
			this.script.approvers &&
			request?.requestedAt !== this.answeredRequestAt
		) {
			this.answeredRequestAt = request?.requestedAt;
			this.loop.takeAnswers(this.approvals(request?.step ?? ''));
			this.loop.pump();
			return undefined;
		}
		// Approvals come from other people, never from the operator's answers: time passes.
		const isTimed = decision?.kind === 'approval' || (decision?.kind === 'follow' && this.answers.length === 0);
		if (decision && (!isTimed || this.decisions === this.script.stopAtDecision)) {
			if (this.decisions === this.script.stopAtDecision) return 'stopped';
			const intent = this.answers.shift();
			if (!intent) return 'stopped';
			this.decisions++;
			const problem = this.loop.intend(intent);
			if (problem) throw new Error(`answer ${JSON.stringify(intent)} to ${decision.kind}: ${problem}`);
			return undefined;
		}
		const deadline = this.clock.nextDeadline();
		if (deadline === undefined) {
			if (decision) return 'stopped';
			throw new Error('stuck: idle with nothing to wait for');
		}
		this.clock.advanceTo(deadline);
		return undefined;
	}

	private commandTurn(command: ScriptedCommand) {
		if (!command.isOutputGiven) {
			this.commands++;
			this.effects.giveOutput(command);
			this.clock.advance(0);
			return this.commands === this.script.stopWhileRunning ? 'stopped' : undefined;
		}
		if (command.planned.isCancelled && !command.isCancelled) this.loop.cancelCommand();
		this.effects.end(command);
		return this.commands === this.script.stopAfterCommand ? 'after-command' : undefined;
	}

	private approvals(step: string): Draft[] {
		return (this.script.approvers ?? []).map((by, index) => ({
			type: 'approval-given',
			step,
			by,
			key: `ssh-ed25519 simulated-${index}`,
			fingerprint: `SHA256:simulated-${index}`,
			head: 'simulated-head',
			sshsig: 'simulated',
		}));
	}
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
