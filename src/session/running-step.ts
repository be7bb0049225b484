// One attempt of a step while its command runs: its output on the way to the log, the log
// pushed to disk in the background meanwhile, and its end handed back to the loop once.
import {scheduleIn, type Clock} from './clock.js';
import type {AttemptRef, CommandEnd, CommandHandle, CommandListener} from './effects.js';
import {OutputRecorder} from './output-recorder.js';
import type {SessionRecorder} from './recorder.js';

/** While a command runs, the log is pushed to disk in the background this often. */
const backgroundSyncMs = 250;

export type OutputTiming = {
	/** Output is recorded in chunks of at most this many characters... */
	chunkChars: number;
	/** ...and waits at most this long before it is recorded. */
	chunkMs: number;
	/** Held-back output that cannot be a secret is shown after this long without new output. */
	quietMs: number;
};

export class RunningStep {
	private handle: CommandHandle | undefined;
	private readonly output: OutputRecorder;
	private cancelSync: (() => void) | undefined;
	private isOver = false;
	/** The command waits for its start to be on disk (see `release`). */
	private isHeld = false;
	/** The command's process is known (and so on record, unless the log failed). */
	private isPidKnown = false;
	/** Its start is on disk, and it is let go once its process is on record too (see `release`). */
	private isReleaseDue = false;
	/** Where the command reports to; nothing it says after its end or a detach is taken. */
	readonly listener: CommandListener;

	constructor(
		private readonly recorder: SessionRecorder,
		private readonly clock: Clock,
		readonly attempt: AttemptRef,
		options: OutputTiming & {
			spoolBytes: [number, number];
			/** The process started (a command this runner started, known after `run` returned). */
			onSpawned?: (process: {pid: number; startTicks?: string}) => void;
			onExit: (end: CommandEnd) => void;
		},
	) {
		this.output = new OutputRecorder({
			step: attempt.step,
			spoolBytes: options.spoolBytes,
			redactor: recorder.redactor,
			chunkChars: options.chunkChars,
			chunkMs: options.chunkMs,
			quietMs: options.quietMs,
			clock,
			// Output is masked as it streams; a log that failed takes nothing more.
			record: (draft) => {
				if (!recorder.logFailure) recorder.guarded(() => recorder.record(draft));
			},
		});
		this.listener = {
			output: (stream, text, spoolBytes) => {
				if (!this.isOver) this.output.add(stream, text, spoolBytes);
			},
			spawned: (process) => {
				this.isPidKnown = true;
				if (this.isOver) return;
				options.onSpawned?.(process);
				// Its start was on disk before; `release` still refuses if recording the process failed.
				if (this.isReleaseDue) this.release(true);
			},
			exited: (end) => {
				if (this.isOver) return;
				this.stop();
				options.onExit(end);
			},
		};
	}

	/** The command is under way: its handle, and the background sync while it runs. `isHeld`: it waits for `release`. */
	attach(handle: CommandHandle, isHeld = false): void {
		this.handle = handle;
		if (handle.pid !== undefined) this.isPidKnown = true;
		this.isHeld = isHeld;
		this.scheduleSync();
	}

	/**
	 * A held command's start is on disk (`isDurable`), and it runs; or the log failed, and it never
	 * does. It runs only once its pid is on record as well: a runner killed in between would leave a
	 * running step that a resume cannot find, calls lost, and asks the operator to check by hand.
	 */
	release(isDurable: boolean): void {
		if (!this.isHeld) return;
		// Its pid's record may have failed before a sync already under way answered well.
		if (this.recorder.logFailure) isDurable = false;
		if (isDurable && !this.isPidKnown) {
			this.isReleaseDue = true;
			return;
		}
		this.isHeld = false;
		if (isDurable) this.handle?.release?.();
		else this.handle?.cancel();
	}

	/** Records all output read so far, a held-back possible secret included (before a cancel is recorded). */
	finishOutput(): void {
		this.output.finish();
	}

	/** Stops the command; its end is reported as usual. */
	cancel(): void {
		// A held one is never let go after this, whatever answers later (the sync, its pid).
		this.isHeld = false;
		this.handle?.cancel();
	}

	/**
	 * The runner goes away: what was read is recorded, and the command is left running. A held one
	 * runs only when its start and its process are on disk: a step whose pid is not on record would
	 * run unwatched, and a resume would call it gone and might run it again. Left held, its wrapper
	 * sees the runner's pipe close and marks it as never run.
	 */
	detach(): void {
		if (this.isHeld) {
			const isDurable = this.recorder.guarded(() => this.recorder.flushAll()) && !this.recorder.logFailure;
			if (isDurable && this.isPidKnown) this.release(true);
			else this.isHeld = false; // Nor later, when the sync under way answers.
		}
		this.stop();
		this.handle?.detach();
	}

	private stop() {
		this.isOver = true;
		this.cancelSync?.();
		this.output.finish();
	}

	private scheduleSync() {
		if (!this.recorder.canFlushSoon || this.isOver) return;
		this.cancelSync = scheduleIn(this.clock, backgroundSyncMs, () => {
			this.recorder.flushSoon();
			this.scheduleSync();
		});
	}
}
