// The loop's effects, scripted: commands do not run, they end as the script says when the test
// lets them; preconditions are checked against a given environment; approvals are handed in
// by the test. Nothing happens on its own: `simulate` (scenarios.ts) plays the world.
import type {CommandResult} from '../../src/core/run/judge.js';
import {checkPreconditions} from '../../src/core/run/preconditions.js';
import type {
	CommandFate,
	CommandHandle,
	CommandListener,
	CommandSpec,
	SessionEffects,
} from '../../src/session/effects.js';

/** What a command does when it runs: its output, then its end (exit 0 after 120 ms unless said). */
/** `isEndless`: it never ends by itself (`tail -f`); only a cancel ends it. */
export type PlannedCommand = Partial<CommandResult> & {out?: string; err?: string; isEndless?: boolean};

export type ScriptedCommand = {
	spec: CommandSpec;
	planned: PlannedCommand;
	listener: CommandListener;
	isOutputGiven: boolean;
	isCancelled: boolean;
};

export class ScriptedEffects implements SessionEffects {
	/** Commands started and not ended yet, oldest first. */
	readonly running: ScriptedCommand[] = [];
	isWaitingForApprovals = false;
	private readonly used: Record<string, number> = {};

	constructor(
		private readonly script: {
			results?: Record<string, PlannedCommand[]>;
			env?: Record<string, string>;
			fate?: CommandFate;
		},
	) {}

	readonly approvals = {
		prepare: () => {},
		listen: (isWaiting: boolean) => {
			this.isWaitingForApprovals = isWaiting;
		},
	};

	run(spec: CommandSpec, listener: CommandListener): CommandHandle {
		const list = this.script.results?.[spec.step] ?? [{}];
		const used = this.used[spec.step] ?? 0;
		this.used[spec.step] = used + 1;
		const command = {
			spec,
			planned: list[Math.min(used, list.length - 1)]!,
			listener,
			isOutputGiven: false,
			isCancelled: false,
		};
		this.running.push(command);
		return {
			pid: undefined,
			startTicks: undefined,
			cancel: () => {
				command.isCancelled = true;
			},
			detach: () => this.forget(command),
		};
	}

	fate(): CommandFate {
		return this.script.fate ?? 'unknown';
	}

	reattach(): CommandHandle {
		throw new Error('a scripted session reattaches nothing');
	}

	discard(): void {}

	checkEnvironment(rules: Parameters<SessionEffects['checkEnvironment']>[0]) {
		return checkPreconditions(rules, this.script.env ?? {});
	}

	/** The command prints what the script says it prints (it has not ended yet). */
	giveOutput(command: ScriptedCommand): void {
		command.isOutputGiven = true;
		const {out, err} = command.planned;
		if (out) command.listener.output('out', out, Buffer.byteLength(out));
		if (err) command.listener.output('err', err, Buffer.byteLength(err));
	}

	/** The command ends as the script says. */
	end(command: ScriptedCommand): void {
		this.forget(command);
		const {out, err, isEndless: _isEndless, ...result} = command.planned;
		command.listener.exited({
			code: 0,
			signal: null,
			isTimedOut: false,
			isCancelled: command.isCancelled,
			durationMs: 120,
			stdout: out ?? '',
			...result,
			bytes: [Buffer.byteLength(out ?? ''), Buffer.byteLength(err ?? '')],
		});
	}

	private forget(command: ScriptedCommand) {
		const index = this.running.indexOf(command);
		if (index !== -1) this.running.splice(index, 1);
	}
}
