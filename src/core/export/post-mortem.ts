// What a post-mortem opens with, gathered in one pass over the events: the outcome, the steps
// that failed and why (exit, reason, last stderr lines), every deviation from the runbook with
// its reason, and every decision with who and when. Output is counted, never kept, except the
// last lines of each command. Pure; the Markdown and HTML exports both draw from it.
import type {FailureReason, RunEvent} from '../run/events.js';
import {describeExit} from '../run/judge.js';
import {reduceRun} from '../run/reduce.js';
import {initialState, type RunState} from '../run/state.js';
import {findStep} from '../runbook/model.js';
import {OutputLines, type RecordedLine} from './output-lines.js';

/** Lines of a failed command's output the summary quotes. */
export const failureTailLines = 12;

/** Why a step failed, in words. */
export const failureReasonText: Record<FailureReason, string> = {
	'exit-code': 'its command exited with an unexpected code',
	expect: 'its output did not match what the runbook expects',
	timeout: 'it timed out',
	cancelled: 'the operator cancelled it',
	check: 'a manual check failed',
	capture: 'its output could not be captured',
	spawn: 'its command could not be started',
	lost: 'its runner went away and its result is unknown',
	approval: 'its approval was refused or timed out',
};

/** A departure from the runbook as written, and the reason someone gave for it. */
export type Deviation = {t: number; what: string; step?: string; by?: string; reason: string};

/** A person's decision: a confirmation, an approval, a check, a sign-off, a cancel. */
export type Decision = {t: number; what: string; step?: string; by: string};

export type Failure = {
	t: number;
	step: string;
	name: string;
	reason: FailureReason;
	detail: string;
	/** `exit 3`, `killed by SIGTERM`; none when no command ran (a check, an approval). */
	exit?: string;
	/** The last lines of its last command: stderr when it wrote any, else what it printed. */
	lastLines: string[];
	lastLinesStream?: 'stderr' | 'output';
};

/** How much each command (in the order they started) printed: the HTML export counts its lines up front. */
export type CommandOutputCount = {lines: number; errLines: number};

export type PostMortem = {
	state: RunState;
	failures: Failure[];
	deviations: Deviation[];
	decisions: Decision[];
	commandOutputs: CommandOutputCount[];
};

type CommandTail = {out: string[]; err: string[]};

// > 80 lines: one case per event that says something a post-mortem opens with, in one switch.
/** The summary of a session from its events, which are read once and may be a stream. */
export function postMortem(events: Iterable<RunEvent>): PostMortem {
	let state = initialState;
	const deviations: Deviation[] = [];
	const decisions: Decision[] = [];
	const commandOutputs: CommandOutputCount[] = [];
	const lastFailure = new Map<string, Omit<Failure, 'name'>>();
	const tails = new Map<string, CommandTail>();
	let splitter = new OutputLines();
	const keep = (step: string, lines: RecordedLine[]) => {
		const tail = tails.get(step);
		const count = commandOutputs.at(-1);
		for (const line of lines) {
			if (count) {
				count.lines++;
				if (line.stream === 'err') count.errLines++;
			}
			const kept = line.stream === 'err' ? tail?.err : tail?.out;
			kept?.push(line.text);
			if (kept && kept.length > failureTailLines) kept.shift();
		}
	};
	for (const event of events) {
		state = reduceRun(state, event);
		const deviate = (what: string, reason: string, by?: string, step?: string) =>
			deviations.push({t: event.t, what, reason, ...(by !== undefined ? {by} : {}), ...(step ? {step} : {})});
		const decide = (what: string, by: string, step?: string) =>
			decisions.push({t: event.t, what, by, ...(step ? {step} : {})});
		switch (event.type) {
			case 'command-started':
				commandOutputs.push({lines: 0, errLines: 0});
				tails.set(event.step, {out: [], err: []});
				splitter = new OutputLines();
				break;
			case 'output-recorded':
				keep(event.step, splitter.push(event.stream, event.text));
				break;
			case 'command-exited':
				keep(event.step, splitter.flush());
				break;
			case 'step-failed': {
				const tail = tails.get(event.step);
				const exit = state.steps[event.step]?.lastExit;
				const lastLinesStream = tail && tail.err.length > 0 ? 'stderr' : tail?.out.length ? 'output' : undefined;
				lastFailure.set(event.step, {
					t: event.t,
					step: event.step,
					reason: event.reason,
					detail: event.detail,
					...(exit && tail ? {exit: describeExit(exit.code, exit.signal)} : {}),
					lastLines: lastLinesStream === 'stderr' ? [...tail!.err] : [...(tail?.out ?? [])],
					...(lastLinesStream ? {lastLinesStream} : {}),
				});
				break;
			}
			case 'step-skipped':
				if (!event.isAuto) deviate('skipped', event.reason, event.by, event.step);
				else if (state.options.from !== undefined && event.reason.includes('--from'))
					deviate('not run (started part-way)', event.reason, undefined, event.step);
				break;
			case 'step-retried':
				if (!event.isAuto) deviate('retried', event.reason ?? '', event.by, event.step);
				break;
			case 'step-succeeded':
				if (event.by) deviate('marked done without a result', event.reason ?? '', event.by, event.step);
				break;
			case 'wait-ended':
				if (event.isEarly) deviate('wait ended early', event.reason ?? '', event.by, event.step);
				break;
			case 'window-overridden':
				deviate('deploy window overridden', event.reason, event.by);
				break;
			case 'preconditions-overridden':
				deviate('unmet preconditions overridden', event.reason, event.by);
				break;
			case 'rollback-started':
				deviate(`rolled back (${event.steps.join(', ')})`, event.reason, event.by);
				break;
			case 'approval-rejected':
				deviate('approval rejected', event.reason, event.by, event.step);
				decide('rejected the approval', event.by, event.step);
				break;
			case 'session-detached':
				deviate('runner detached', event.reason, undefined, event.step);
				break;
			case 'session-resumed':
				decide('resumed the session', event.by);
				if (event.changes) deviate('resumed with a changed runbook', event.changes.join('; '), event.by);
				break;
			case 'session-ended':
				if (event.status === 'aborted') deviate('aborted', event.reason ?? '', event.by);
				break;
			case 'step-confirmed':
				decide(
					event.how === 'typed' ? 'confirmed (typed)' : event.how === 'enter' ? 'confirmed' : 'pre-approved (--yes)',
					event.by,
					event.step,
				);
				break;
			case 'approval-given':
				decide('approved', event.by, event.step);
				break;
			case 'check-answered':
				decide(
					`check ${event.item + 1} ${event.isPassed ? 'passed' : `failed: ${event.reason ?? ''}`}`,
					event.by,
					event.step,
				);
				break;
			case 'command-cancel-requested':
				decide('cancelled the command', event.by, event.step);
				break;
			case 'signoff-given':
				decide(`signed off as ${event.role} (${event.name})`, event.by);
				break;
			default:
				break;
		}
	}
	const failures = [...lastFailure.values()]
		.filter((failure) => state.steps[failure.step]?.status === 'failed')
		.map((failure) => ({
			...failure,
			name: (state.runbook && findStep(state.runbook, failure.step)?.name) ?? failure.step,
		}));
	return {state, failures, deviations, decisions, commandOutputs};
}
