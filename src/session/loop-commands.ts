// The loop's moves that reach a command: start one (write-ahead: its start is on disk before the
// process exists), find out what became of one an earlier runner left, and ask for approvals.
import {resolveCommand} from '../core/run/command.js';
import {judgeExit} from '../core/run/judge.js';
import type {Draft} from '../core/run/events.js';
import {secretNames, type Step} from '../core/runbook/model.js';
import type {Clock} from './clock.js';
import type {AttemptRef, SessionEffects} from './effects.js';
import type {SessionRecorder} from './recorder.js';
import {RunningStep, type OutputTiming} from './running-step.js';

export type LoopConfig = {
	recorder: SessionRecorder;
	effects: SessionEffects;
	clock: Clock;
	/** The directory commands run in when a step has no `cwd`. */
	cwd: string;
	/** The runner's time zone, recorded at the start (phase start times are read in it). */
	timezone?: string;
	/** Standard output kept for `capture` and `expect.stdout`. */
	keepStdoutBytes: number;
	output: OutputTiming;
};

export type CommandContext = LoopConfig & {
	/** The command's end is recorded: what judging it says comes next (undefined: its end could not be recorded). */
	onExit: (judged: Draft[] | undefined) => void;
};

/** Records the start, syncs, then runs the command: the running attempt, watched to its end. */
export function beginCommand(
	context: CommandContext,
	step: Step,
	attempt: number,
	timeoutMs: number | undefined,
): RunningStep {
	const {recorder, effects} = context;
	const resolved = resolveCommand(step, recorder.commandValues(), secretNames(recorder.state.runbook!).vars);
	const cwd = resolved.cwd ?? context.cwd;
	recorder.record({
		type: 'command-started',
		step: step.id,
		attempt,
		command: resolved.display,
		cwd,
		...(timeoutMs !== undefined ? {timeoutMs} : {}),
		...(step.isInteractive ? {input: 'not-recorded' as const} : {}),
	});
	const ref = {step: step.id, attempt};
	// Held: the command is asked for while its start goes to disk, and runs once it is there.
	const isHeld = effects.canHold === true && !step.isInteractive && recorder.canSyncLater;
	const spec = {
		...ref,
		script: resolved.script,
		cwd,
		env: resolved.env,
		...(timeoutMs !== undefined ? {timeoutMs} : {}),
		keepStdoutBytes: keptStdoutBytes(context, step),
		...(step.isInteractive ? {isInteractive: true} : {}),
		...(isHeld ? {isHeld: true} : {}),
	};
	/** The running attempt once it exists, and what the sync said if it answered before that. */
	const held: {running?: RunningStep; isDurable?: boolean} = {};
	// The start goes to disk on the thread pool while the command's files are made...
	if (isHeld)
		recorder.syncThen((isDurable) => (held.running ? held.running.release(isDurable) : (held.isDurable = isDurable)));
	else if (effects.prepare && recorder.canFlushSoon) recorder.flushSoon();
	effects.prepare?.(spec);
	// ...and write-ahead: the start is on disk before the process exists (held, it waits for that).
	if (!isHeld) recorder.sync();
	const spawned = ({pid, startTicks}: {pid: number; startTicks?: string | undefined}) =>
		recorder.guarded(() =>
			recorder.record({type: 'command-spawned', ...ref, pid, ...(startTicks !== undefined ? {startTicks} : {})}),
		);
	const running = watchedStep(context, step, ref, [0, 0], spawned);
	const handle = effects.run(spec, running.listener);
	// A process known at once is recorded now; one a spawner starts, when it says so (before any output).
	if (handle.pid !== undefined) spawned({pid: handle.pid, startTicks: handle.startTicks});
	running.attach(handle, isHeld);
	held.running = running;
	if (held.isDurable !== undefined) running.release(held.isDurable);
	return running;
}

/** Finds out what became of the command an earlier runner left; undefined when the run can go on at once. */
export function recoverCommand(context: CommandContext, step: Step): RunningStep | undefined {
	const {recorder, effects, clock} = context;
	const orphaned = recorder.state.running!;
	const ref = {step: orphaned.step, attempt: orphaned.attempt};
	const process = {
		...(orphaned.pid !== undefined ? {pid: orphaned.pid} : {}),
		...(orphaned.startTicks !== undefined ? {startTicks: orphaned.startTicks} : {}),
	};
	// An interactive step's pty closed with its runner: whatever it did, it is over, and unknown.
	const fate = step.isInteractive ? 'interactive' : effects.fate({...ref, ...process});
	if (fate === 'never-started' || fate === 'unknown' || fate === 'interactive') {
		const reason =
			fate === 'interactive'
				? 'the runner stopped during an interactive step, which cannot outlive it; what it did is unknown'
				: fate === 'never-started'
					? 'the runner stopped as the command was starting; it never ran'
					: 'the runner stopped while the command ran, and its process is gone without an exit status';
		recorder.record({type: 'command-lost', ...ref, reason});
		return undefined;
	}
	recorder.record({type: 'command-recovered', ...ref, how: fate === 'running' ? 'reattached' : 'collected'});
	const running = watchedStep(context, step, ref, orphaned.spoolBytes);
	const handle = effects.reattach(
		{
			...ref,
			...process,
			spoolBytes: orphaned.spoolBytes,
			elapsedMs: Math.max(0, Math.round((clock.now() - orphaned.startedAt) / 1000)),
			...(orphaned.timeoutMs !== undefined ? {timeoutMs: orphaned.timeoutMs} : {}),
			keepStdoutBytes: keptStdoutBytes(context, step),
		},
		running.listener,
	);
	running.attach(handle);
	return running;
}

/** Records the request for approvals, bound to the log's chain head, once approvers can answer. */
export function requestApproval(
	context: CommandContext,
	step: Step,
	need: number,
	timeoutMs: number | undefined,
): void {
	const {recorder, effects} = context;
	const command = resolveCommand(step, recorder.commandValues(), secretNames(recorder.state.runbook!).vars).display;
	effects.approvals?.prepare();
	recorder.record({
		type: 'approval-requested',
		step: step.id,
		need,
		command,
		by: recorder.state.options.operator,
		head: recorder.head(),
		...(timeoutMs !== undefined ? {timeoutMs} : {}),
	});
}

/** A running attempt whose end is recorded, its spool discarded once that is on disk, and judged. */
function watchedStep(
	context: CommandContext,
	step: Step,
	ref: AttemptRef,
	spoolBytes: [number, number],
	onSpawned?: (process: {pid: number; startTicks?: string}) => void,
) {
	const {recorder, effects, clock} = context;
	return new RunningStep(recorder, clock, ref, {
		...context.output,
		spoolBytes,
		...(onSpawned ? {onSpawned} : {}),
		onExit: (end) => {
			const {code, signal, isTimedOut, durationMs, bytes, error} = end;
			const isFollowEnded = recorder.state.running?.followEnded !== undefined;
			const isRecorded = recorder.guarded(() => {
				recorder.record({
					type: 'command-exited',
					...ref,
					code,
					signal,
					isTimedOut,
					durationMs,
					bytes,
					...(error ? {error} : {}),
				});
				// The spool holds unredacted output: it goes once the log holds the end.
				recorder.whenDurable(() => effects.discard(ref));
			});
			context.onExit(isRecorded ? judgeExit(step, end, isFollowEnded) : undefined);
		},
	});
}

function keptStdoutBytes(context: CommandContext, step: Step): number {
	const needsStdout = step.capture !== undefined || step.expect.stdout !== undefined;
	return needsStdout ? context.keepStdoutBytes : 0;
}
