// The live session: the recorder, the loop, and the live effects (real commands, spool files,
// approvals), wired together behind the one object the CLI and the screen talk to.
import type {RunEvent, SessionOptions} from '../core/run/events.js';
import type {Intent} from '../core/run/intents.js';
import type {RunState} from '../core/run/state.js';
import type {Runbook} from '../core/runbook/model.js';
import {ApprovalIntake, type ApprovalSetup} from './approval-intake.js';
import type {Clock} from './clock.js';
import {liveEffects} from './live-effects.js';
import type {ScreenControl} from './effects.js';
import {SessionLoop, type SessionSnapshot, type Takeover} from './loop.js';
import {SessionRecorder, type EventSink} from './recorder.js';

export type {EventSink} from './recorder.js';
export type {SessionSnapshot} from './loop.js';

/** Output held back for redaction, and not a possible secret, is shown after this long without new output. */
const quietMs = 250;

export type LiveSessionConfig = {
	runbook: Runbook;
	options: SessionOptions;
	/** Values given with `--var`, secret ones included. */
	vars: Record<string, string>;
	/** The environment commands run in and preconditions are checked against. */
	env: Record<string, string | undefined>;
	/** The directory commands run in when a step has no `cwd`. */
	cwd: string;
	sink: EventSink;
	clock: Clock;
	/** Where running steps write their output and exit status (the session directory's `spool`). */
	spoolDir: string;
	/** Without it, a step that asks for approvals waits until it times out or the operator aborts. */
	approvals?: ApprovalSetup;
	/** Kept for `capture` and `expect.stdout`. @default 1 MiB */
	keepStdoutBytes?: number;
	/** Output is recorded in chunks of at most this many characters. @default 32 KiB */
	chunkChars?: number;
	/** Output waits at most this long before it is recorded. @default 50 */
	chunkMs?: number;
	/** Secret values known at the start (secret env values); secret vars are added as they are given. */
	secrets?: Array<{name: string; value: string}>;
	/** The host's time zone, read when the start is recorded. @default Intl's */
	timeZone?: () => string;
};

export class LiveSession {
	private readonly recorder: SessionRecorder;
	private readonly loop: SessionLoop;
	/** The screen an interactive step asks to step aside; none without one (then such a step cannot run). */
	private readonly screen: {current?: ScreenControl} = {};
	/** Settles with the final state once the session has ended. */
	readonly ended: Promise<RunState>;

	constructor(private readonly config: LiveSessionConfig) {
		const {sink, clock} = config;
		const recorder = new SessionRecorder({
			sink,
			clock,
			secrets: config.secrets ?? [],
			onChange: () => loop.notify(),
		});
		const intake =
			config.approvals &&
			new ApprovalIntake(config.approvals, {
				state: () => recorder.state,
				wall: () => clock.wall(),
				isSecretIn: (text) => recorder.redactor.redact(text).count > 0,
				record: (drafts) => loop.takeAnswers(drafts),
				goOn: () => loop.pump(),
			});
		let timezone: string | undefined;
		const loop = new SessionLoop({
			recorder,
			effects: liveEffects({
				env: config.env,
				spoolDir: config.spoolDir,
				screen: this.screen,
				...(intake ? {intake} : {}),
			}),
			clock,
			cwd: config.cwd,
			// Read when the start is recorded, which the first frame shows: Intl's date formatting takes ~30 ms to load.
			// Kept once read: the loop's config is spread for every command, which reads it again.
			get timezone() {
				return (timezone ??= config.timeZone?.() ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
			},
			keepStdoutBytes: config.keepStdoutBytes ?? 1024 * 1024,
			output: {chunkChars: config.chunkChars ?? 32 * 1024, chunkMs: config.chunkMs ?? 50, quietMs},
		});
		this.recorder = recorder;
		this.loop = loop;
		this.ended = loop.ended;
	}

	/** The presenter's screen, which steps aside while an interactive step has the terminal. */
	useScreen(control: ScreenControl): void {
		this.screen.current = control;
	}

	start(): void {
		this.loop.start(this.config.runbook, this.config.options, this.config.vars);
	}

	/**
	 * Takes over a session an earlier runner left: its events are folded (not recorded again),
	 * the takeover is recorded, and the run goes on; a command left running is found first.
	 */
	resume(history: RunEvent[], takeover: Takeover): void {
		this.loop.resume(history, takeover, this.config);
	}

	/**
	 * The terminal is gone (an SSH drop): what was read of the running step's output is recorded,
	 * the step is left running, and the log says so. `runbook resume` goes on from here.
	 */
	detach(reason: string): void {
		this.loop.detach(reason);
	}

	/** Why the log could not be written, when it could not: the run stopped before its next command. */
	get logFailure(): string | undefined {
		return this.recorder.logFailure;
	}

	/** µs since the session started, on its clock. */
	now(): number {
		return this.config.clock.now();
	}

	snapshot(): SessionSnapshot {
		return this.loop.snapshot();
	}

	/** Calls `listener` after changes, once per burst; the screen throttles its frames itself. */
	subscribe(listener: () => void): () => void {
		return this.loop.subscribe(listener);
	}

	/** Every event, as it is recorded (for the plain one-line-per-event view). */
	onEvent(listener: (event: RunEvent) => void): () => void {
		return this.recorder.onEvent(listener);
	}

	/** An operator's answer. Returns the problem with it, if any; nothing is recorded then. */
	intend(intent: Intent): string | undefined {
		return this.loop.intend(intent);
	}

	/** Stops the running command: the cancel is recorded before the kill. */
	cancelCommand(): void {
		this.loop.cancelCommand();
	}

	/** Ends the session from outside (a signal): cancels what runs and records why. */
	interrupt(reason: string): void {
		this.loop.interrupt(reason);
	}
}
