// The fold: (state, event) -> state. Pure: no clock, no I/O; time arrives on the event.
// Over 300 lines for the same reason: the reducer is one switch over the event union (style guide, section 2).
import {allSteps} from '../runbook/model.js';
import {windowThresholds} from './window-clock.js';
import type {RunEvent} from './events.js';
import {addWait, approvalWaitEnded, commandEnded} from './step-waits.js';
import {
	initialState,
	outputTailLines,
	type OutputLine,
	type OutputTail,
	type RunState,
	type StepState,
} from './state.js';

/**
 * Folds one event into the state. Longer than 80 lines on purpose: one case per event type, so the
 * whole vocabulary reads in one place and the compiler checks the switch is exhaustive.
 */
export function reduceRun(state: RunState, event: RunEvent): RunState {
	const stamped = {...state, lastT: Math.max(state.lastT, event.t)};
	switch (event.type) {
		case 'session-started': {
			const steps: Record<string, StepState> = {};
			for (const step of allSteps(event.runbook))
				steps[step.id] = {status: 'pending', attempts: 0, tries: 0, isConfirmed: false, checks: []};
			return {
				...stamped,
				runbook: event.runbook,
				options: event.options,
				wall: event.wall,
				...(event.timezone ? {timezone: event.timezone} : {}),
				steps,
			};
		}
		case 'window-overridden':
			return {...stamped, windowOverride: {t: event.t, by: event.by, reason: event.reason}};
		case 'window-closing': {
			const warned = windowThresholds.filter((m) => m >= event.threshold);
			return {...stamped, windowWarnings: [...new Set([...stamped.windowWarnings, ...warned])]};
		}
		case 'var-set':
		case 'input-given': {
			const next = event.type === 'input-given' ? step(stamped, event.step, {}) : stamped;
			return event.isSecret || event.value === undefined
				? {...next, secretVars: [...new Set([...next.secretVars, event.var])]}
				: {...next, vars: {...next.vars, [event.var]: event.value}};
		}
		case 'var-captured':
			return {...stamped, vars: {...stamped.vars, [event.var]: event.value}};
		case 'preconditions-checked':
			return {...stamped, preconditions: {results: event.results, isOverridden: false}};
		case 'preconditions-overridden':
			return stamped.preconditions
				? {...stamped, preconditions: {...stamped.preconditions, isOverridden: true}}
				: stamped;
		case 'phase-started': {
			const index = stamped.runbook?.phases.findIndex((p) => p.id === event.phase) ?? -1;
			return {
				...stamped,
				phaseIndex: index,
				phases: {...stamped.phases, [event.phase]: {startedAt: event.t, isOverrun: false}},
			};
		}
		case 'phase-overran':
			return {
				...stamped,
				phases: {...stamped.phases, [event.phase]: {...stamped.phases[event.phase]!, isOverrun: true}},
			};
		case 'phase-ended':
			return {
				...stamped,
				phases: {...stamped.phases, [event.phase]: {...stamped.phases[event.phase]!, endedAt: event.t}},
			};
		case 'step-started':
			return {
				...step(stamped, event.step, {
					status: 'active',
					startedAt: event.t,
					isConfirmed: false,
					checks: [],
					attempts: 0,
					tries: 0,
					lastExitAt: undefined,
					approvedBy: [],
					commandSpan: undefined,
					waited: undefined,
					endedEarly: undefined,
				}),
				current: event.step,
			};
		case 'step-confirmed':
			return step(stamped, event.step, {
				isConfirmed: true,
				...(event.how === 'pre-approved'
					? {}
					: {
							waited: addWait(
								stamped.steps[event.step],
								'confirmationUs',
								event.t - (stamped.steps[event.step]?.startedAt ?? event.t),
							),
						}),
			});
		case 'command-started':
			return {
				...step(stamped, event.step, {
					status: 'running',
					attempts: event.attempt,
					tries: (stamped.steps[event.step]?.tries ?? 0) + 1,
					commandSpan: {startedAt: stamped.steps[event.step]?.commandSpan?.startedAt ?? event.t},
				}),
				running: {
					step: event.step,
					attempt: event.attempt,
					command: event.command,
					startedAt: event.t,
					...(event.timeoutMs !== undefined ? {timeoutMs: event.timeoutMs} : {}),
					isCancelRequested: false,
					spoolBytes: [0, 0],
				},
				output: {
					step: event.step,
					command: event.command,
					lines: stamped.output?.step === event.step ? stamped.output.lines : [],
					partial: {out: '', err: ''},
					lineCount: 0,
				},
			};
		case 'command-spawned':
			return stamped.running
				? {
						...stamped,
						running: {
							...stamped.running,
							pid: event.pid,
							...(event.startTicks !== undefined ? {startTicks: event.startTicks} : {}),
						},
					}
				: stamped;
		case 'output-recorded': {
			const running =
				stamped.running && event.spoolBytes !== undefined
					? {
							...stamped.running,
							spoolBytes: (event.stream === 'out'
								? [event.spoolBytes, stamped.running.spoolBytes[1]]
								: [stamped.running.spoolBytes[0], event.spoolBytes]) as [number, number],
						}
					: stamped.running;
			return {
				...stamped,
				running,
				output:
					stamped.output && stamped.output.step === event.step
						? appendOutput(stamped.output, event.stream === 'err' ? 'err' : 'out', event.text)
						: stamped.output,
			};
		}
		case 'command-recovered':
			return {
				...stamped,
				running: stamped.running ? {...stamped.running, isOrphaned: false, recovered: event.how} : stamped.running,
				takeovers: [...stamped.takeovers, {kind: event.how, t: event.t, step: event.step}],
			};
		case 'command-lost':
			return {
				...step(stamped, event.step, {
					status: 'failed',
					endedAt: event.t,
					failure: {reason: 'lost', detail: event.reason},
					...commandEnded(stamped, event.step, event.t),
				}),
				running: undefined,
				output: stamped.output ? flushPartial(stamped.output) : stamped.output,
				takeovers: [...stamped.takeovers, {kind: 'lost', t: event.t, step: event.step, reason: event.reason}],
			};
		case 'session-detached':
			return {
				...stamped,
				takeovers: [
					...stamped.takeovers,
					{kind: 'detached', t: event.t, reason: event.reason, ...(event.step ? {step: event.step} : {})},
				],
			};
		case 'session-resumed': {
			const resumed = event.runbook ? withRunbook(stamped, event.runbook) : stamped;
			return {
				...resumed,
				options: {
					...stamped.options,
					operator: event.by,
					isInteractive: event.isInteractive,
					isPreApproved: event.isPreApproved,
				},
				takeovers: [
					...stamped.takeovers,
					{kind: 'resumed', t: event.t, by: event.by, ...(event.changes ? {changes: event.changes} : {})},
				],
				reask: event.reask,
				secretVars: stamped.secretVars.filter((name) => !event.reask.includes(name)),
				// A stop the last runner asked for may never have reached the command: the new runner asks again.
				running: stamped.running ? {...stamped.running, isOrphaned: true, isCancelRequested: false} : undefined,
			};
		}
		case 'command-cancel-requested':
			return stamped.running ? {...stamped, running: {...stamped.running, isCancelRequested: true}} : stamped;
		case 'command-exited': {
			const {code, signal, isTimedOut, durationMs} = event;
			const output = stamped.output ? flushPartial(stamped.output) : stamped.output;
			const unseen =
				stamped.running?.recovered === 'collected'
					? [
							{
								kind: 'result' as const,
								t: event.t,
								step: event.step,
								lines: (output?.lines ?? []).slice(-resultLines).map((l) => l.text),
							},
						]
					: [];
			return {
				...step(stamped, event.step, {
					status: 'active',
					lastExitAt: event.t,
					lastExit: {code, signal, isTimedOut, durationMs},
					...commandEnded(stamped, event.step, event.t),
				}),
				running: undefined,
				output,
				takeovers: [...stamped.takeovers, ...unseen],
			};
		}
		case 'check-answered': {
			const checks = [...(stamped.steps[event.step]?.checks ?? [])];
			checks[event.item] = event.isPassed;
			return step(stamped, event.step, {checks});
		}
		case 'wait-ended': {
			const early = event.isEarly
				? step(stamped, event.step, {
						endedEarly: {
							t: event.t,
							...(event.by ? {by: event.by} : {}),
							...(event.reason ? {reason: event.reason} : {}),
						},
					})
				: stamped;
			// On a `for:` step the wait is its command's: the stop that follows counts as done.
			return early.running?.step === event.step
				? {...early, running: {...early.running, followEnded: {t: event.t, isEarly: event.isEarly}}}
				: early;
		}
		case 'step-succeeded':
			return {
				...step(stamped, event.step, {status: 'succeeded', endedAt: event.t, failure: undefined}),
				succeeded: [...stamped.succeeded, event.step],
				rollback: advanceRollback(stamped, event.step),
			};
		case 'step-failed':
			return {
				...step(stamped, event.step, {
					status: 'failed',
					endedAt: event.t,
					failure: {reason: event.reason, detail: event.detail},
					...approvalWaitEnded(stamped, event.step, event.t),
				}),
				approval: stamped.approval?.step === event.step ? undefined : stamped.approval,
			};
		case 'step-retried':
			// An approval is for one try: a retry the operator chose is approved afresh.
			return step(stamped, event.step, {
				status: 'active',
				startedAt: event.t,
				failure: undefined,
				checks: [],
				endedAt: undefined,
				lastExitAt: undefined,
				...(event.isAuto ? {} : {tries: 0, approvedBy: [], commandSpan: undefined, waited: undefined}),
			});
		case 'approval-requested':
			return {
				...step(stamped, event.step, {approvedBy: []}),
				approval: {
					step: event.step,
					need: event.need,
					head: event.head,
					requestedAt: event.t,
					command: event.command,
					by: event.by,
					...(event.timeoutMs !== undefined ? {timeoutMs: event.timeoutMs} : {}),
				},
			};
		case 'approval-given': {
			const approvedBy = [...(stamped.steps[event.step]?.approvedBy ?? []), event.fingerprint];
			const isEnough = stamped.approval?.step === event.step && approvedBy.length >= stamped.approval.need;
			return {
				...step(stamped, event.step, {
					approvedBy,
					...(isEnough ? approvalWaitEnded(stamped, event.step, event.t) : {}),
				}),
				approval: isEnough ? undefined : stamped.approval,
				approvals: [
					...stamped.approvals,
					{kind: 'given', t: event.t, step: event.step, by: event.by, fingerprint: event.fingerprint},
				],
			};
		}
		case 'approval-rejected':
			return {
				...step(stamped, event.step, approvalWaitEnded(stamped, event.step, event.t)),
				approval: undefined,
				approvals: [
					...stamped.approvals,
					{
						kind: 'rejected',
						t: event.t,
						step: event.step,
						by: event.by,
						fingerprint: event.fingerprint,
						reason: event.reason,
					},
				],
			};
		case 'approval-refused':
			return {
				...stamped,
				approvals: [
					...stamped.approvals,
					{
						kind: 'refused',
						t: event.t,
						step: event.step,
						reason: event.reason,
						...(event.by ? {by: event.by} : {}),
						...(event.fingerprint ? {fingerprint: event.fingerprint} : {}),
					},
				],
			};
		case 'step-skipped':
			return {
				...step(stamped, event.step, {status: 'skipped', endedAt: event.t, skipReason: event.reason}),
				rollback: advanceRollback(stamped, event.step),
			};
		case 'rollback-started':
			return {...stamped, rollback: {steps: event.steps, done: 0}};
		case 'signoff-given':
			return {...stamped, signoffs: [...stamped.signoffs, {role: event.role, name: event.name, t: event.t}]};
		case 'note-added':
			return {...stamped, notes: [...stamped.notes, {t: event.t, by: event.by, text: event.text}]};
		case 'session-ended':
			return {
				...stamped,
				ended: {status: event.status, t: event.t, ...(event.reason ? {reason: event.reason} : {})},
				running: undefined,
			};
	}
}

/** Lines of a collected step's output kept where the operator sees them. */
const resultLines = 6;

/** Folds a whole list of events from the start state. */
export function foldEvents(events: Iterable<RunEvent>, from: RunState = initialState): RunState {
	let state = from;
	for (const event of events) state = reduceRun(state, event);
	return state;
}

/** Goes on with a changed runbook: steps keep what happened to them; new ones start pending. */
function withRunbook(state: RunState, runbook: NonNullable<RunState['runbook']>): RunState {
	const steps: Record<string, StepState> = {};
	for (const runbookStep of allSteps(runbook))
		steps[runbookStep.id] = state.steps[runbookStep.id] ?? {
			status: 'pending',
			attempts: 0,
			tries: 0,
			isConfirmed: false,
			checks: [],
		};
	const phaseId = state.runbook?.phases[state.phaseIndex]?.id;
	return {
		...state,
		runbook,
		steps,
		phaseIndex: phaseId === undefined ? state.phaseIndex : runbook.phases.findIndex((p) => p.id === phaseId),
	};
}

function step(state: RunState, id: string, patch: Partial<StepState>): RunState {
	const before: StepState = state.steps[id] ?? {
		status: 'pending',
		attempts: 0,
		tries: 0,
		isConfirmed: false,
		checks: [],
	};
	return {...state, steps: {...state.steps, [id]: {...before, ...patch}}};
}

function advanceRollback(state: RunState, id: string): RunState['rollback'] {
	const rollback = state.rollback;
	if (!rollback || rollback.steps[rollback.done] !== id) return rollback;
	return {...rollback, done: rollback.done + 1};
}

/** Adds a chunk to the tail, keeping at most `outputTailLines` whole lines. */
function appendOutput(tail: OutputTail, stream: 'out' | 'err', text: string): OutputTail {
	// The partial line holds no newline: only the chunk's are counted. Only the end of a large
	// chunk can reach the tail; the rest is counted, not split (nor joined to the partial line).
	const newlines = countNewlines(text);
	const tailText =
		newlines > outputTailLines
			? text.slice(nthNewlineFromEnd(text, outputTailLines + 1) + 1)
			: tail.partial[stream] + text;
	const pieces = tailText.split('\n');
	const partial = pieces.pop()!;
	const isErr = stream === 'err';
	const added: OutputLine[] = pieces.map((line) => ({text: line, isErr}));
	const lines =
		tail.lines.length + added.length > outputTailLines
			? [...tail.lines, ...added].slice(-outputTailLines)
			: [...tail.lines, ...added];
	return {
		...tail,
		lines,
		partial: {...tail.partial, [stream]: partial.length > 4096 ? partial.slice(-4096) : partial},
		lineCount: tail.lineCount + newlines,
	};
}

function countNewlines(text: string): number {
	let count = 0;
	for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
	return count;
}

function nthNewlineFromEnd(text: string, n: number): number {
	let at = text.length;
	for (let i = 0; i < n; i++) at = text.lastIndexOf('\n', at - 1);
	return at;
}

function flushPartial(tail: OutputTail): OutputTail {
	const extra: OutputLine[] = [];
	if (tail.partial.out) extra.push({text: tail.partial.out, isErr: false});
	if (tail.partial.err) extra.push({text: tail.partial.err, isErr: true});
	if (extra.length === 0) return tail;
	return {
		...tail,
		lines: [...tail.lines, ...extra].slice(-outputTailLines),
		partial: {out: '', err: ''},
		lineCount: tail.lineCount + extra.length,
	};
}
