// The one vocabulary of a session. Every event is a plain JSON object; the session log stores
// each as one line, adding `seq` and `prev` (core/audit/entry.ts). Times are `t`: monotonic
// microseconds since the session started. Pure.
import type {Runbook} from '../runbook/model.js';

/** Who did something: the OS user at the keyboard (the signing identity is in the log header and the resume records). */
export type Actor = string;

/** How the session was started; part of the record so a replay knows what the live run knew. */
export type SessionOptions = {
	/** The OS user who started the session: the actor of its decisions. */
	operator: Actor;
	/** Skip every step before this one. */
	from?: string;
	/** Plain confirmations and defaults were approved in advance. */
	isPreApproved: boolean;
	/** An operator is at a keyboard (false for pipes and CI). */
	isInteractive: boolean;
};

/** `lost`: the runner went away while the step ran, and what became of the step cannot be known. */
export type FailureReason =
	'exit-code' | 'expect' | 'timeout' | 'cancelled' | 'check' | 'capture' | 'spawn' | 'lost' | 'approval';

/** `needs-operator`: a run without a terminal reached a decision only a person may make. */
export type EndStatus = 'completed' | 'failed' | 'aborted' | 'rolled-back' | 'needs-operator';

export type RunEvent =
	/** `cwd`: where steps without their own `cwd` run; a resumed runner runs them there too. */
	| {
			type: 'session-started';
			t: number;
			runbook: Runbook;
			options: SessionOptions;
			wall: string;
			cwd?: string;
			timezone?: string;
	  }
	/** Mutating steps may start outside the deploy window from here on: a person said why. */
	| {type: 'window-overridden'; t: number; by: Actor; reason: string}
	/** The deploy window closes in `threshold` minutes or less (at `closesAt`, wall time). */
	| {type: 'window-closing'; t: number; threshold: number; closesAt: string}
	| {
			type: 'var-set';
			t: number;
			var: string;
			value?: string;
			isSecret: boolean;
			source: 'flag' | 'default' | 'operator';
	  }
	| {type: 'preconditions-checked'; t: number; results: Array<{name: string; isMet: boolean; problem?: string}>}
	| {type: 'preconditions-overridden'; t: number; by: Actor; reason: string}
	| {type: 'phase-started'; t: number; phase: string}
	| {type: 'phase-overran'; t: number; phase: string}
	| {type: 'phase-ended'; t: number; phase: string}
	| {type: 'step-started'; t: number; step: string}
	| {type: 'step-confirmed'; t: number; step: string; by: Actor; how: 'enter' | 'typed' | 'pre-approved'}
	| {
			type: 'command-started';
			t: number;
			step: string;
			attempt: number;
			command: string;
			cwd: string;
			timeoutMs?: number;
			/** An interactive step: it gets the terminal; what the operator types is not recorded. */
			input?: 'not-recorded';
	  }
	/** The step's process exists: its pid and the kernel's start time for it, so a later runner can find it again. */
	| {type: 'command-spawned'; t: number; step: string; attempt: number; pid: number; startTicks?: string}
	/**
	 * `redacted`: how many secrets or tokens were masked in `text`, when any were. `spoolBytes`: how many
	 * bytes of the stream's spool are recorded up to here, where a later runner goes on from.
	 */
	| {
			type: 'output-recorded';
			t: number;
			step: string;
			/** `tty`: an interactive step's terminal (what it printed, echoes included; keystrokes are never recorded). */
			stream: 'out' | 'err' | 'tty';
			text: string;
			redacted?: number;
			spoolBytes?: number;
	  }
	| {type: 'command-cancel-requested'; t: number; step: string; by: Actor}
	| {
			type: 'command-exited';
			t: number;
			step: string;
			attempt: number;
			code: number | null;
			signal: string | null;
			isTimedOut: boolean;
			durationMs: number;
			bytes: [number, number];
			error?: string;
	  }
	/** A runner after a restart found the command still running (`reattached`) or ended while nobody watched (`collected`). */
	| {type: 'command-recovered'; t: number; step: string; attempt: number; how: 'reattached' | 'collected'}
	/** A runner after a restart cannot tell what became of the command. */
	| {type: 'command-lost'; t: number; step: string; attempt: number; reason: string}
	/**
	 * The step waits for `need` more people to approve it with `runbook approve`. `head`: the
	 * chain head at the request (this line's `prev`), which every answer signs.
	 */
	| {
			type: 'approval-requested';
			t: number;
			step: string;
			need: number;
			command: string;
			by: Actor;
			head: string;
			timeoutMs?: number;
	  }
	/** An approver's answer, checked by the runner: their key, and their SSHSIG over the request. */
	| {
			type: 'approval-given';
			t: number;
			step: string;
			by: string;
			key: string;
			fingerprint: string;
			head: string;
			sshsig: string;
	  }
	| {
			type: 'approval-rejected';
			t: number;
			step: string;
			by: string;
			key: string;
			fingerprint: string;
			head: string;
			reason: string;
			sshsig: string;
	  }
	/** An answer the runner did not accept (self-approval, a bad signature, another request): kept as evidence. */
	| {type: 'approval-refused'; t: number; step: string; by?: string; fingerprint?: string; reason: string}
	| {type: 'var-captured'; t: number; step: string; var: string; value: string}
	| {type: 'check-answered'; t: number; step: string; item: number; isPassed: boolean; by: Actor; reason?: string}
	| {type: 'input-given'; t: number; step: string; var: string; value?: string; isSecret: boolean; by: Actor}
	| {type: 'wait-ended'; t: number; step: string; isEarly: boolean; by?: Actor; reason?: string}
	/** `by` and `reason`: an operator marked the step done (after its command was lost). */
	| {type: 'step-succeeded'; t: number; step: string; by?: Actor; reason?: string}
	| {type: 'step-failed'; t: number; step: string; reason: FailureReason; detail: string}
	| {type: 'step-retried'; t: number; step: string; isAuto: boolean; by?: Actor; reason?: string}
	| {type: 'step-skipped'; t: number; step: string; isAuto: boolean; by?: Actor; reason: string}
	| {type: 'rollback-started'; t: number; steps: string[]; by: Actor; reason: string}
	| {type: 'signoff-given'; t: number; role: string; name: string; by: Actor}
	/** An operator's remark at any moment, for the post-mortem. */
	| {type: 'note-added'; t: number; by: Actor; text: string}
	/** The runner lost its terminal (an SSH drop): it left the running step running and stopped; `runbook resume` goes on. */
	| {type: 'session-detached'; t: number; reason: string; step?: string}
	/**
	 * A new runner took the session over; `by` makes the decisions from here on. `reask`: secret values it must be given again (never
	 * stored). `runbook`: the file changed since, and the operator chose to go on with this version.
	 */
	| {
			type: 'session-resumed';
			t: number;
			by: Actor;
			pid: number;
			isInteractive: boolean;
			isPreApproved: boolean;
			reask: string[];
			runbook?: Runbook;
			sha256?: string;
			changes?: string[];
	  }
	| {type: 'session-ended'; t: number; status: EndStatus; by?: Actor; reason?: string};

export type EventType = RunEvent['type'];

/** Every event type, at run time (the verifier refuses any other); kept complete by the check below. */
export const eventTypes = [
	'session-started',
	'var-set',
	'preconditions-checked',
	'preconditions-overridden',
	'phase-started',
	'phase-overran',
	'phase-ended',
	'step-started',
	'step-confirmed',
	'command-started',
	'output-recorded',
	'command-cancel-requested',
	'command-exited',
	'var-captured',
	'check-answered',
	'input-given',
	'wait-ended',
	'step-succeeded',
	'step-failed',
	'step-retried',
	'step-skipped',
	'rollback-started',
	'signoff-given',
	'session-ended',
	'note-added',
	'command-spawned',
	'command-recovered',
	'command-lost',
	'session-detached',
	'session-resumed',
	'approval-requested',
	'approval-given',
	'approval-rejected',
	'approval-refused',
	'window-overridden',
	'window-closing',
] as const satisfies readonly EventType[];
/** Fails to compile when an event type is missing from `eventTypes`. */
const isEveryTypeListed: Exclude<EventType, (typeof eventTypes)[number]> extends never ? true : never = true;
void isEveryTypeListed;
export type EventOf<T extends EventType> = Extract<RunEvent, {type: T}>;

/** Events that record a human decision or the intent to run: flushed to disk before they take effect. */
export const decisionTypes: ReadonlySet<EventType> = new Set<EventType>([
	'var-set',
	'preconditions-overridden',
	'step-confirmed',
	'command-started',
	'command-cancel-requested',
	'check-answered',
	'input-given',
	'wait-ended',
	'step-retried',
	'step-skipped',
	'rollback-started',
	'signoff-given',
	'session-ended',
	'phase-ended',
	'note-added',
	'command-spawned',
	'command-recovered',
	'command-lost',
	'session-detached',
	'session-resumed',
	'approval-requested',
	'approval-given',
	'approval-rejected',
	'approval-refused',
	'window-overridden',
	'window-closing',
]);

/** An event before the session stamps its time. */
export type Draft = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 't'> : never) : never;
