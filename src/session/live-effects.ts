// The live wiring of the loop's effects: commands run through exec with their output spooled
// to the session directory, preconditions are checked against the real environment, and
// approvals come in through the session directory's `approvals/`.
import {checkPreconditions} from '../core/run/preconditions.js';
import {
	commandFate,
	prepareCommand,
	reattachCommand,
	runCommand,
	StepSpawner,
	type RunningCommand,
} from '../exec/run-command.js';
import {runInteractive} from '../exec/run-interactive.js';
import {removeSpool, spoolPaths} from '../exec/step-spool.js';
import type {ApprovalIntake} from './approval-intake.js';
import type {CommandHandle, CommandListener, CommandSpec, ScreenControl, SessionEffects} from './effects.js';

export type LiveEffectsConfig = {
	/** The environment commands run in and preconditions are checked against. */
	env: Record<string, string | undefined>;
	/** Where running steps write their output and exit status (the session directory's `spool`). */
	spoolDir: string;
	intake?: ApprovalIntake;
	/** The screen that steps aside for an interactive step, once the presenter has one. */
	screen?: {current?: ScreenControl};
};

/** Real processes, spool files and approvals behind the loop's effects. */
export function liveEffects(config: LiveEffectsConfig): SessionEffects {
	const spoolOf = (ref: {step: string; attempt: number}) => spoolPaths(config.spoolDir, ref.step, ref.attempt);
	const {intake} = config;
	const spawner = new StepSpawner(config.env);
	/** What prepare said for the attempt about to run. */
	let prepared: {ref: string; problem: string | undefined} | undefined;
	const refOf = (spec: CommandSpec) => `${spec.step}.${spec.attempt}`;
	return {
		canHold: true,
		prepare(spec) {
			if (spec.isInteractive) return;
			prepared = {ref: refOf(spec), problem: prepareCommand({...spec, spool: spoolOf(spec)})};
		},
		run(spec, listener) {
			const ready = prepared?.ref === refOf(spec) ? prepared : undefined;
			prepared = undefined;
			if (spec.isInteractive)
				return interactiveHandle(spec, {...config.env, ...spec.env}, listener, config.screen?.current);
			return handleOf(
				runCommand({
					script: spec.script,
					cwd: spec.cwd,
					env: {...config.env, ...spec.env},
					spool: spoolOf(spec),
					...(spec.timeoutMs !== undefined ? {timeoutMs: spec.timeoutMs} : {}),
					keepStdoutBytes: spec.keepStdoutBytes,
					onOutput: listener.output,
					spawner,
					...(spec.isHeld ? {isHeld: true} : {}),
					...(ready ? {prepared: {problem: ready.problem}} : {}),
				}),
				listener,
			);
		},
		fate: (orphan) =>
			commandFate(
				spoolOf(orphan),
				orphan.pid !== undefined
					? {pid: orphan.pid, ...(orphan.startTicks !== undefined ? {startTicks: orphan.startTicks} : {})}
					: undefined,
			),
		reattach: (spec, listener) =>
			handleOf(
				reattachCommand({
					pid: spec.pid ?? 0,
					...(spec.startTicks !== undefined ? {startTicks: spec.startTicks} : {}),
					spool: spoolOf(spec),
					from: spec.spoolBytes,
					elapsedMs: spec.elapsedMs,
					...(spec.timeoutMs !== undefined ? {timeoutMs: spec.timeoutMs} : {}),
					keepStdoutBytes: spec.keepStdoutBytes,
					onOutput: listener.output,
				}),
				listener,
			),
		discard(ref) {
			try {
				removeSpool(spoolOf(ref));
			} catch {
				// Left for the operator to find; the log already holds the output.
			}
		},
		checkEnvironment: (rules) => checkPreconditions(rules, config.env),
		...(intake ? {approvals: {prepare: () => intake.prepare(), listen: (isWaiting) => intake.listen(isWaiting)}} : {}),
	};
}

function handleOf(command: RunningCommand, listener: CommandListener): CommandHandle {
	// Both settle on a later turn at the earliest: the listener never hears before the handle exists.
	void command.spawned.then((process) => {
		if (process)
			listener.spawned({
				pid: process.pid,
				...(process.startTicks !== undefined ? {startTicks: process.startTicks} : {}),
			});
	});
	void command.done.then((result) => listener.exited(result));
	return {
		pid: undefined,
		startTicks: undefined,
		cancel: command.cancel,
		detach: command.detach,
		release: command.release,
	};
}

/** The screen steps aside, the command gets the terminal in a pty, and the screen comes back after it exits. */
function interactiveHandle(
	spec: CommandSpec,
	env: Record<string, string | undefined>,
	listener: CommandListener,
	screen: ScreenControl | undefined,
): CommandHandle {
	screen?.release();
	const command = runInteractive({
		script: spec.script,
		cwd: spec.cwd,
		env,
		terminal: {input: process.stdin, output: process.stdout},
		onOutput: (text) => listener.output('tty', text, 0),
	});
	void command.done.then((result) => {
		screen?.reclaim();
		listener.exited(result);
	});
	// A pty closes with its runner: there is nothing to leave running.
	return {pid: command.pid, startTicks: undefined, cancel: command.cancel, detach: command.cancel};
}
