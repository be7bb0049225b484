// What happens next, decided from the state alone: events that follow on their own, an effect
// for the session to perform, or a decision that waits for the operator. Pure: `now` (µs since
// the session started) comes in as an argument.
// Over 300 lines: nextMove and stepMove are the run's whole order of play; their helpers sit beside them.
import {allSteps, findStep, type AskSpec, type Step} from '../runbook/model.js';
import type {VarSpec} from '../runbook/schema.js';
import {holds, parseCondition} from '../runbook/condition.js';
import type {Draft} from './events.js';
import type {RunState, StepState} from './state.js';
import {rollbackOnlyVars, stepVarNames} from './var-use.js';
import {sessionTimeAt, windowNow, windowWarning} from './window-clock.js';
import {duration} from '../time.js';

export type Decision =
	/** `forStep`: a var only the rollback uses, asked when this rollback step first needs it. */
	| {kind: 'var'; var: string; spec: VarSpec; forStep?: string}
	| {kind: 'preconditions'}
	| {kind: 'confirm'; step: string; mode: 'enter' | 'typed'; expected: string}
	| {kind: 'check'; step: string; item: number; text: string}
	| {kind: 'ask'; step: string; spec: AskSpec}
	| {kind: 'wait'; step: string; until: number}
	/** A `for:` step's command runs until `until`; `x` ends it early with a reason. */
	| {kind: 'follow'; step: string; until: number}
	| {kind: 'note'; step: string}
	/** `isLost`: the command's fate is unknown after a restart; the step may also be marked done. */
	| {kind: 'failure'; step: string; canRollback: boolean; isLost: boolean}
	/** Waiting for others to approve with `runbook approve`; the operator can only wait or abort. */
	| {kind: 'approval'; step: string; need: number; have: number; until?: number}
	| {kind: 'signoff'; role: string}
	/** A mutating step may not start: the deploy window is shut (until `opensAt`, wall ms, when known). */
	| {kind: 'window'; step: string; opensAt?: number};

export type Move =
	| {kind: 'emit'; events: Draft[]}
	| {kind: 'check-env'}
	| {kind: 'run'; step: Step; attempt: number; timeoutMs?: number}
	/** Ask for the approvals the step needs: the session records the request with the chain head. */
	| {kind: 'request-approval'; step: Step; need: number; timeoutMs?: number}
	/** Find out what became of the command an earlier runner left running. */
	| {kind: 'recover'; step: Step}
	/** Stop the running command: its `for` is over (recorded already), so its end counts as done. */
	| {kind: 'stop'; step: string}
	| {kind: 'idle'; decision?: Decision; wakeAtUs?: number}
	| {kind: 'ended'};

const us = (ms: number) => ms * 1000;
const emit = (...events: Draft[]): Move => ({kind: 'emit', events});

/**
 * The next move for `state` at `now`. One function of cases in the order a run meets them (session
 * start, vars, preconditions, window, phase, step, end), so the order is visible: hence > 80 lines.
 */
export function nextMove(state: RunState, now: number): Move {
	const runbook = state.runbook;
	if (state.ended) return {kind: 'ended'};
	if (!runbook) throw new Error('nextMove before session-started');
	const {isInteractive} = state.options;
	const needsOperator = (reason: string) => emit({type: 'session-ended', status: 'needs-operator', reason});

	// A resumed runner first gets the secrets back: output collected after this is masked with them.
	for (const name of state.reask) {
		if (hasVar(state, name)) continue;
		if (!isInteractive)
			return needsOperator(
				`the session is resumed and needs the secret \`${name}\` again (secrets are never stored); give it with \`--var ${name}=...\``,
			);
		return {
			kind: 'idle',
			decision: {
				kind: 'var',
				var: name,
				// No default: a recorded runbook holds only a marker in its place.
				spec: {...withoutDefault(name, runbook.vars[name]), secret: true},
			},
		};
	}
	if (state.running?.isOrphaned) return {kind: 'recover', step: findStep(runbook, state.running.step)!};

	const overrun = phaseOverrun(state, now);
	if (overrun) return emit({type: 'phase-overran', phase: overrun});
	const warning = windowWarning(state, now);
	if (warning.due) return emit({type: 'window-closing', ...warning.due});
	const phaseWake = earliest(phaseDeadline(state), warning.wakeAtUs);
	if (state.running) return runningMove(state, now, phaseWake);

	const rollbackOnly = rollbackOnlyVars(runbook);
	for (const [name, spec] of Object.entries(runbook.vars)) {
		if (hasVar(state, name) || rollbackOnly.includes(name)) continue;
		return varMove(state, name, spec, needsOperator);
	}

	if (!state.preconditions) return {kind: 'check-env'};
	const unmet = state.preconditions.results.filter((r) => !r.isMet);
	if (unmet.length > 0 && !state.preconditions.isOverridden) {
		if (!isInteractive)
			return emit({
				type: 'session-ended',
				status: 'failed',
				reason: `environment preconditions not met: ${unmet.map((r) => `${r.name} ${r.problem ?? ''}`.trim()).join('; ')}`,
			});
		return {kind: 'idle', decision: {kind: 'preconditions'}};
	}

	if (state.rollback) {
		const id = state.rollback.steps[state.rollback.done];
		if (id === undefined)
			return emit({
				type: 'session-ended',
				status: 'rolled-back',
				reason: `rolled back ${state.rollback.steps.length} step${state.rollback.steps.length === 1 ? '' : 's'}`,
			});
		const step = findStep(runbook, id)!;
		const unset = stepVarNames(step).find((name) => runbook.vars[name] !== undefined && !hasVar(state, name));
		if (unset !== undefined) return varMove(state, unset, runbook.vars[unset]!, needsOperator, step.id);
		return stepMove(state, step, now, {isRollback: true, phaseWake, needsOperator});
	}

	if (state.phaseIndex < 0) return emit({type: 'phase-started', phase: runbook.phases[0]!.id});
	const phase = runbook.phases[state.phaseIndex]!;
	const step = phase.steps.find((candidate) => !isDone(candidate, state.steps[candidate.id]));
	if (step) return stepMove(state, step, now, {isRollback: false, phaseWake, needsOperator});
	if (state.phases[phase.id]?.endedAt === undefined) return emit({type: 'phase-ended', phase: phase.id});
	const following = runbook.phases[state.phaseIndex + 1];
	if (following) return emit({type: 'phase-started', phase: following.id});

	const role = runbook.signoff[state.signoffs.length];
	if (role !== undefined) {
		if (!isInteractive)
			return emit({
				type: 'session-ended',
				status: 'completed',
				reason: `sign-off by ${runbook.signoff.slice(state.signoffs.length).join(', ')} not collected: no operator at a terminal`,
			});
		return {kind: 'idle', decision: {kind: 'signoff', role}};
	}
	return emit({type: 'session-ended', status: 'completed'});
}

/**
 * A var the run needs now: its default where no one is asked (or all was approved in advance), else
 * the operator's answer. `forStep`: the rollback step that first needs it.
 */
function varMove(
	state: RunState,
	name: string,
	spec: VarSpec,
	needsOperator: (reason: string) => Move,
	forStep?: string,
): Move {
	const {isInteractive, isPreApproved} = state.options;
	if (spec.default !== undefined && (!isInteractive || isPreApproved))
		// A secret default is never recorded: the session learned it from the runbook (see secret-defaults.ts).
		return emit({
			type: 'var-set',
			var: name,
			...(spec.secret ? {} : {value: spec.default}),
			isSecret: spec.secret ?? false,
			source: 'default',
		});
	if (!isInteractive)
		return needsOperator(
			forStep === undefined
				? `\`${name}\` has no value; give it with \`--var ${name}=...\``
				: `the rollback step \`${forStep}\` needs \`${name}\`, which has no value; give it with \`--var ${name}=...\`, or resume in a terminal`,
		);
	return {kind: 'idle', decision: {kind: 'var', var: name, spec, ...(forStep !== undefined ? {forStep} : {})}};
}

/** While a command runs: a `for:` step's end when its time is up, else wait for it (or the phase's end). */
function runningMove(state: RunState, now: number, phaseWake: number | undefined): Move {
	const running = state.running!;
	const step = findStep(state.runbook!, running.step);
	if (step?.forMs === undefined) return {kind: 'idle', ...(phaseWake !== undefined ? {wakeAtUs: phaseWake} : {})};
	if (running.followEnded) {
		if (running.isCancelRequested) return {kind: 'idle', ...(phaseWake !== undefined ? {wakeAtUs: phaseWake} : {})};
		return {kind: 'stop', step: step.id};
	}
	const until = running.startedAt + us(step.forMs);
	if (now >= until) return emit({type: 'wait-ended', step: step.id, isEarly: false});
	return {
		kind: 'idle',
		...(state.options.isInteractive ? {decision: {kind: 'follow', step: step.id, until}} : {}),
		wakeAtUs: earliest(until, phaseWake)!,
	};
}

type StepContext = {isRollback: boolean; phaseWake?: number; needsOperator: (reason: string) => Move};

// One case per step kind and state, in the order a step lives through them; split, the order would hide.
function stepMove(state: RunState, step: Step, now: number, context: StepContext): Move {
	const stepState = state.steps[step.id]!;
	const {isInteractive, isPreApproved, operator: by} = state.options;
	const {needsOperator, phaseWake} = context;
	const idle = (decision?: Decision, wakeAtUs?: number): Move => ({
		kind: 'idle',
		...(decision ? {decision} : {}),
		...(earliest(wakeAtUs, phaseWake) !== undefined ? {wakeAtUs: earliest(wakeAtUs, phaseWake)} : {}),
	});

	if (stepState.status === 'pending') {
		const from = state.options.from;
		if (!context.isRollback && from !== undefined && isBefore(state, step.id, from))
			return emit({type: 'step-skipped', step: step.id, isAuto: true, reason: `started with --from ${from}`});
		const condition = step.when === undefined ? undefined : parseCondition(step.when);
		if (condition && !holds(condition, varValue(state, condition.var)))
			return emit({type: 'step-skipped', step: step.id, isAuto: true, reason: `when: ${step.when} is false`});
		return emit({type: 'step-started', step: step.id});
	}

	if (stepState.status === 'failed') {
		const isLost = stepState.failure?.reason === 'lost';
		if (step.kind === 'run' && stepState.tries <= step.retries && isCommandFailure(stepState))
			return emit({
				type: 'step-retried',
				step: step.id,
				isAuto: true,
				reason: `retry ${stepState.tries} of ${step.retries}`,
			});
		if (!isInteractive)
			return emit({
				type: 'session-ended',
				status: 'failed',
				reason: `step \`${step.id}\` failed: ${stepState.failure?.detail ?? 'unknown'}`,
			});
		return idle({
			kind: 'failure',
			step: step.id,
			canRollback: !context.isRollback && rollbackPlan(state, step.id).length > 0,
			isLost,
		});
	}

	// Outside the deploy window no mutating step starts, unless a person overrode it; a rollback always may.
	const window = state.runbook!.window;
	if (
		(step.kind === 'run' || step.kind === 'poll') &&
		window &&
		!context.isRollback &&
		!state.windowOverride &&
		stepState.tries === 0
	) {
		const w = windowNow(state, now)!;
		if (!w.isOpen) {
			if (!isInteractive)
				return needsOperator(
					`step \`${step.id}\` may not start outside the deploy window${w.opensAt !== undefined ? ` (it opens ${new Date(w.opensAt).toISOString()})` : ''}; run it inside the window, or in a terminal to override with a reason`,
				);
			return idle(
				{kind: 'window', step: step.id, ...(w.opensAt !== undefined ? {opensAt: w.opensAt} : {})},
				w.opensAt !== undefined ? sessionTimeAt(state, w.opensAt) : undefined,
			);
		}
	}

	// The step is active: what it needs next depends on its kind.
	if ((step.kind === 'run' || step.kind === 'poll') && step.confirm !== 'none' && !stepState.isConfirmed) {
		if (step.confirm === 'enter' && isPreApproved)
			return emit({type: 'step-confirmed', step: step.id, by, how: 'pre-approved'});
		if (!isInteractive) {
			return needsOperator(
				step.confirm === 'typed'
					? `step \`${step.id}\` needs a typed confirmation, which is never pre-approved; run it in a terminal`
					: `step \`${step.id}\` needs a confirmation; run with --yes to approve plain confirmations in advance`,
			);
		}
		return idle({
			kind: 'confirm',
			step: step.id,
			mode: step.confirm,
			expected: step.confirm === 'typed' ? (state.runbook!.target ?? step.id) : '',
		});
	}

	const need = (step.approvals ?? 1) - 1;
	if ((step.kind === 'run' || step.kind === 'poll') && need > 0 && (stepState.approvedBy?.length ?? 0) < need) {
		const request = state.approval?.step === step.id ? state.approval : undefined;
		if (!request)
			return {
				kind: 'request-approval',
				step,
				need,
				...(step.approvalTimeoutMs !== undefined ? {timeoutMs: step.approvalTimeoutMs} : {}),
			};
		const until = request.timeoutMs === undefined ? undefined : request.requestedAt + us(request.timeoutMs);
		if (until !== undefined && now >= until)
			return emit({
				type: 'step-failed',
				step: step.id,
				reason: 'approval',
				detail: `not approved within ${duration(request.timeoutMs!)} (${stepState.approvedBy?.length ?? 0} of ${need} more)`,
			});
		return idle(
			{
				kind: 'approval',
				step: step.id,
				need,
				have: stepState.approvedBy?.length ?? 0,
				...(until !== undefined ? {until} : {}),
			},
			until,
		);
	}

	switch (step.kind) {
		case 'run':
			if (step.isInteractive && !isInteractive)
				return needsOperator(
					`step \`${step.id}\` is interactive: it needs the terminal; run it in a terminal, not in CI or a pipe`,
				);
			return {
				kind: 'run',
				step,
				attempt: stepState.attempts + 1,
				...(step.timeoutMs !== undefined ? {timeoutMs: step.timeoutMs} : {}),
			};
		case 'poll': {
			const poll = step.poll!;
			const deadline = stepState.startedAt! + us(poll.timeoutMs);
			if (stepState.tries === 0) return {kind: 'run', step, attempt: stepState.attempts + 1, timeoutMs: poll.timeoutMs};
			if (now >= deadline)
				return emit({
					type: 'step-failed',
					step: step.id,
					reason: 'timeout',
					detail: `still failing after ${duration(poll.timeoutMs)} (${stepState.tries} tries)`,
				});
			const nextAt = (stepState.lastExitAt ?? now) + us(poll.everyMs);
			if (now >= nextAt)
				return {
					kind: 'run',
					step,
					attempt: stepState.attempts + 1,
					timeoutMs: Math.max(1, Math.round((deadline - now) / 1000)),
				};
			return idle(undefined, Math.min(nextAt, deadline));
		}
		case 'check': {
			const checks = step.checks!;
			const failed = checks.findIndex((_, i) => stepState.checks[i] === false);
			if (failed >= 0)
				return emit({type: 'step-failed', step: step.id, reason: 'check', detail: `check failed: ${checks[failed]}`});
			const item = checks.findIndex((_, i) => stepState.checks[i] === undefined);
			if (item < 0) return emit({type: 'step-succeeded', step: step.id});
			if (!isInteractive) return needsOperator(`step \`${step.id}\` is a manual check; run it in a terminal`);
			return idle({kind: 'check', step: step.id, item, text: checks[item]!});
		}
		case 'ask': {
			if (hasVar(state, step.ask!.var)) return emit({type: 'step-succeeded', step: step.id});
			if (!isInteractive)
				return needsOperator(
					`step \`${step.id}\` asks for \`${step.ask!.var}\`; give it with \`--var ${step.ask!.var}=...\``,
				);
			return idle({kind: 'ask', step: step.id, spec: step.ask!});
		}
		case 'wait': {
			const until = stepState.startedAt! + us(step.waitMs!);
			if (now >= until)
				return emit({type: 'wait-ended', step: step.id, isEarly: false}, {type: 'step-succeeded', step: step.id});
			return idle(isInteractive ? {kind: 'wait', step: step.id, until} : undefined, until);
		}
		case 'note':
			if (!isInteractive) return emit({type: 'step-succeeded', step: step.id});
			return idle({kind: 'note', step: step.id});
	}
}

/** Done: the run may move past it. */
function isDone(step: Step, stepState: StepState | undefined): boolean {
	if (!stepState) return false;
	return (
		stepState.status === 'succeeded' ||
		stepState.status === 'skipped' ||
		(stepState.status === 'failed' &&
			isCommandFailure(stepState) &&
			step.continueOnError &&
			stepState.tries > step.retries)
	);
}

/** Retries and `continue_on_error` are for a command that ran and failed: not for a lost command or a person's rejection. */
function isCommandFailure(stepState: StepState): boolean {
	return stepState.failure?.reason !== 'lost' && stepState.failure?.reason !== 'approval';
}

/** The rollback steps that undo what ran, newest first: the failing step's own, then each earlier success's. */
export function rollbackPlan(state: RunState, failing: string): string[] {
	const runbook = state.runbook!;
	const order = [failing, ...[...state.succeeded].reverse()];
	const plan: string[] = [];
	for (const id of order) {
		for (const link of findStep(runbook, id)?.rollback ?? []) if (!plan.includes(link)) plan.push(link);
	}
	return plan;
}

/** The phase whose timebox has just passed, if its overrun is not yet recorded. */
function phaseOverrun(state: RunState, now: number): string | undefined {
	const deadline = phaseDeadline(state);
	return deadline !== undefined && now >= deadline ? state.runbook!.phases[state.phaseIndex]!.id : undefined;
}

function phaseDeadline(state: RunState): number | undefined {
	const phase = state.runbook?.phases[state.phaseIndex];
	const ps = phase ? state.phases[phase.id] : undefined;
	if (!phase?.timeboxMs || !ps || ps.isOverrun || ps.endedAt !== undefined || ps.startedAt === undefined)
		return undefined;
	return ps.startedAt + us(phase.timeboxMs);
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
	if (a === undefined) return b;
	if (b === undefined) return a;
	return Math.min(a, b);
}

export function hasVar(state: RunState, name: string): boolean {
	return name in state.vars || state.secretVars.includes(name);
}

/** A var's value as a condition sees it; a secret that is set counts as set. */
function varValue(state: RunState, name: string): string | undefined {
	if (name in state.vars) return state.vars[name];
	return state.secretVars.includes(name) ? '(secret)' : undefined;
}

function isBefore(state: RunState, id: string, from: string): boolean {
	const ids = allSteps(state.runbook!).map((step) => step.id);
	return ids.indexOf(id) < ids.indexOf(from);
}

/** A secret's spec for asking it again after a resume: its recorded default is only a marker. */
function withoutDefault(name: string, spec: VarSpec | undefined): VarSpec {
	if (!spec) return {secret: true, prompt: `${name} (given earlier in this session; secrets are never stored)`};
	const {default: _marker, ...rest} = spec;
	return rest;
}
