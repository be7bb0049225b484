// One command's output on its way to the log: masked per stream as it streams, batched into
// chunks, and recorded with how far into the spool it reaches, so a later runner can go on from
// there. A line with no end yet (a prompt, a progress bar) is held back only while output flows,
// unless it could still become a secret: that waits for more output, the step's end or its cancel.
import type {StreamRedactor} from '../core/audit/redact.js';
import type {RunEvent} from '../core/run/events.js';
import {scheduleIn, type Clock} from './clock.js';

/** `tty`: an interactive step's terminal, where output and echoed input are one stream with no spool. */
type Stream = 'out' | 'err' | 'tty';
export type OutputDraft = Omit<Extract<RunEvent, {type: 'output-recorded'}>, 't'>;

export type OutputRecorderOptions = {
	step: string;
	/** Spool bytes of each stream (out, err) already recorded (a reattached command's). */
	spoolBytes: [number, number];
	/** Masks secrets: forked once per stream. */
	redactor: StreamRedactor;
	/** Output is recorded in chunks of at most this many characters... */
	chunkChars: number;
	/** ...and waits at most this long before it is recorded. */
	chunkMs: number;
	/** Held-back output that cannot be a secret is released after this long without new output. */
	quietMs: number;
	clock: Clock;
	record: (draft: OutputDraft) => void;
};

export class OutputRecorder {
	private pending = {stream: 'out' as Stream, text: '', redacted: 0};
	private readonly streams: Record<Stream, StreamRedactor>;
	private readonly spoolEnd: Record<Stream, number>;
	private cancelFlush: (() => void) | undefined;
	private cancelQuiet: (() => void) | undefined;

	constructor(private readonly options: OutputRecorderOptions) {
		this.streams = {out: options.redactor.fork(), err: options.redactor.fork(), tty: options.redactor.fork()};
		this.spoolEnd = {out: options.spoolBytes[0], err: options.spoolBytes[1], tty: 0};
	}

	/** `spoolBytes`: the byte of the stream's spool the text reaches. */
	add(stream: Stream, text: string, spoolBytes: number): void {
		this.spoolEnd[stream] = spoolBytes;
		const masked = this.streams[stream].push(text);
		this.addMasked(stream, masked.text, masked.count);
		this.cancelQuiet?.();
		this.cancelQuiet = scheduleIn(this.options.clock, this.options.quietMs, () => this.releaseQuiet());
	}

	/** Everything held back is resolved, masked and recorded: at the command's end, its cancel, or as the runner leaves. */
	finish(): void {
		this.cancelQuiet?.();
		this.cancelQuiet = undefined;
		for (const stream of ['out', 'err', 'tty'] as const) {
			const held = this.streams[stream].end();
			this.addMasked(stream, held.text, held.count);
		}
		this.flush();
	}

	/** Records what is batched now. */
	flush(): void {
		this.cancelFlush?.();
		this.cancelFlush = undefined;
		const {stream, text, redacted} = this.pending;
		if (!text) return;
		this.pending = {stream, text: '', redacted: 0};
		// What the redactor still holds is not recorded yet: a later runner reads it again.
		const spoolBytes = this.spoolEnd[stream] - Buffer.byteLength(this.streams[stream].held);
		this.options.record({
			type: 'output-recorded',
			step: this.options.step,
			stream,
			text,
			...(redacted > 0 ? {redacted} : {}),
			...(stream === 'tty' ? {} : {spoolBytes}),
		});
	}

	/** Output is quiet: a prompt with no newline is shown; a possible secret's beginning stays held. */
	private releaseQuiet() {
		this.cancelQuiet = undefined;
		for (const stream of ['out', 'err', 'tty'] as const) {
			const released = this.streams[stream].settle();
			this.addMasked(stream, released.text, released.count);
		}
		this.flush();
	}

	private addMasked(stream: Stream, text: string, redacted: number) {
		if (!text) return;
		if (this.pending.text && this.pending.stream !== stream) this.flush();
		this.pending = {stream, text: this.pending.text + text, redacted: this.pending.redacted + redacted};
		if (this.pending.text.length >= this.options.chunkChars) this.flush();
		else this.cancelFlush ??= scheduleIn(this.options.clock, this.options.chunkMs, () => this.flush());
	}
}
