// A session whose every text is hostile: the runbook's name, a phase, a step's name, note and
// command, the command's output, a captured value, a note and a reason all carry one payload.
// Actor: a careless or hostile runbook author, and a command whose output is hostile text.
import {renderToString} from 'ink';
import {RunScreen} from '../../src/ui/screens/RunScreen.js';
import {idleInput} from '../../src/ui/input-state.js';
import {PlainPrinter} from '../../src/ui/plain.js';
import {reduceRun} from '../../src/core/run/reduce.js';
import {initialState} from '../../src/core/run/state.js';
import type {RunEvent} from '../../src/core/run/events.js';
import type {Runbook} from '../../src/core/runbook/model.js';
import type {LogHeader} from '../../src/core/audit/entry.js';
import {describeRequest, type ApprovalTarget} from '../../src/commands/approve.js';
import type {LiveSessionInfo} from '../../src/commands/live-sessions.js';
import {loadRunbook, simulate, type Simulation} from '../helpers/scenarios.js';

export const header: LogHeader = {
	format: 'runbook-session/1',
	session: 's1',
	tool: {name: 'runbook', version: '0.1.0'},
	wall: '2026-11-22T09:00:00.000Z',
	runbook: {path: '/r.yaml', sha256: 'ab'.repeat(32)},
	operator: {user: 'alice', host: 'deploy-1'},
	identity: {key: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:x', source: 'local'},
	skey: 'ssh-ed25519 AAAA',
	term: {cols: 100, rows: 30},
	pid: 1,
};

const cleanYaml = `
version: 1
name: Release
target: production
phases:
  - id: main
    name: Main
    steps:
      - id: look
        name: Look around
        note: Read this first.
        run: ./look
        capture: found
      - id: act
        run: bash -c {{ found }}
        confirm: true
        approvals: 2
`;

/** The runbook with `payload` in its name, the phase's name, and the first step's name, note and command. */
export function hostileRunbook(payload: string): Runbook {
	const runbook = loadRunbook(cleanYaml);
	const [look, act] = runbook.phases[0]!.steps as [Runbook['phases'][0]['steps'][0], Runbook['phases'][0]['steps'][0]];
	return {
		...runbook,
		name: `Release ${payload}`,
		phases: [
			{
				...runbook.phases[0]!,
				name: `Main ${payload}`,
				steps: [{...look, name: `Look ${payload}`, note: `Note ${payload}`, run: `./look ${payload}`}, act],
			},
		],
	};
}

/** The hostile session at three moments: the first step running, the approval wait, and the end; `output` is the first step's. */
export function hostileSession(
	payload: string,
	output = `first line\n${payload}\nlast line\n`,
): {running: Simulation; waiting: Simulation; ended: Simulation} {
	const runbook = hostileRunbook(payload);
	const results = {look: [{out: output, err: `${payload}\n`}]};
	const running = simulate(runbook, {results, stopWhileRunning: 1});
	const waiting = simulate(runbook, {results, answers: [{kind: 'confirm'}]});
	const done = simulate(runbook, {results, answers: [{kind: 'confirm'}], approvers: ['bob@deploy-2']});
	const last = done.events.at(-1)!;
	const extra: RunEvent[] = [
		{type: 'note-added', t: last.t, by: `bob ${payload}`, text: `note ${payload}`},
		{type: 'step-skipped', t: last.t, step: 'act', by: 'alice', reason: `reason ${payload}`, isAuto: false},
	];
	const events = [...done.events.slice(0, -1), ...extra, last];
	const state = events.reduce(reduceRun, initialState);
	return {running, waiting, ended: {events, state, now: last.t}};
}

/** What Ink writes for the run screen, raw: no stripping, so anything passed through shows. */
export function rawFrame(sim: Simulation, cols = 100): string {
	return renderToString(
		<RunScreen
			state={sim.state}
			now={sim.now}
			cols={cols}
			rows={30}
			input={idleInput}
			{...(sim.decision ? {decision: sim.decision} : {})}
		/>,
		{columns: cols},
	);
}

/** Every line plain mode prints for the events. */
export function plainText(events: RunEvent[]): string {
	const printer = new PlainPrinter();
	let state = initialState;
	const lines: string[] = [];
	for (const event of events) {
		state = reduceRun(state, event);
		lines.push(...printer.lines(event, state));
	}
	return lines.join('\n');
}

/** What `runbook approve` prints for the session waiting at `waiting`. */
export function approveScreen(waiting: Simulation): string {
	const info = {
		id: 's1',
		dir: '/tmp/s1',
		log: '/tmp/s1/session.jsonl',
		read: {header},
		state: waiting.state,
	} as unknown as LiveSessionInfo;
	const target: ApprovalTarget = {info, pending: waiting.state.approval!, operatorKeys: []};
	return describeRequest(target, Date.parse(header.wall) + 60_000);
}
