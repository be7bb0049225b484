// One command's output on its way to the log: masked per stream as it streams, batched into
// chunks, and recorded with how far into the spool it reaches, so a later runner can go on from
// there. A line with no end yet (a prompt, a progress bar) is held back only while output flows,
// unless it may be the start of a secret: that is held until resolved or the command ends.
import type {StreamRedactor} from '../core/audit/redact.js';
import type {RunEvent} from '../core/run/events.js';

type Stream = 'out' | 'err';
export type OutputDraft = Omit<Extract<RunEvent, {type: 'output-recorded'}>, 't'>;

export type OutputRecorderOptions = {
	step: string;
	/** Spool bytes of each stream already recorded (a reattached command's). */
	from: [number, number];
	/** Masks secrets: forked once per stream. */
	redactor: StreamRedactor;
	/** Output is recorded in chunks of at most this many characters... */
	chunkChars: number;
	/** ...and waits at most this long before it is recorded. */
	chunkMs: number;
	/** After this long without new output, held-back text that cannot start a secret is released. */
	quietMs: number;
	record: (draft: OutputDraft) => void;
};

export class OutputRecorder {
	private pending = {stream: 'out' as Stream, text: '', redacted: 0};
	private readonly streams: Record<Stream, StreamRedactor>;
	private readonly spoolEnd: Record<Stream, number>;
	private flushTimer: NodeJS.Timeout | undefined;
	private quietTimer: NodeJS.Timeout | undefined;

	constructor(private readonly options: OutputRecorderOptions) {
		this.streams = {out: options.redactor.fork(), err: options.redactor.fork()};
		this.spoolEnd = {out: options.from[0], err: options.from[1]};
	}

	/** `end`: the spool byte the text reaches. */
	add(stream: Stream, text: string, end: number): void {
		this.spoolEnd[stream] = end;
		const masked = this.streams[stream].push(text);
		this.addMasked(stream, masked.text, masked.count);
		if (this.quietTimer) clearTimeout(this.quietTimer);
		this.quietTimer = setTimeout(() => this.settle(), this.options.quietMs);
	}

	/** After a quiet spell: what cannot start a secret is recorded; a possible start stays held until resolved. */
	private settle(): void {
		this.quietTimer = undefined;
		for (const stream of ['out', 'err'] as const) {
			const released = this.streams[stream].settle();
			this.addMasked(stream, released.text, released.count);
		}
		this.flush();
	}

	/** Everything held back is masked and recorded: at the command's end, or as the runner leaves. */
	finish(): void {
		if (this.quietTimer) clearTimeout(this.quietTimer);
		this.quietTimer = undefined;
		for (const stream of ['out', 'err'] as const) {
			const held = this.streams[stream].end();
			this.addMasked(stream, held.text, held.count);
		}
		this.flush();
	}

	/** Records what is batched now (before a cancel is recorded, for example). */
	flush(): void {
		if (this.flushTimer) clearTimeout(this.flushTimer);
		this.flushTimer = undefined;
		const {stream, text, redacted} = this.pending;
		if (!text) return;
		this.pending = {stream, text: '', redacted: 0};
		// What the redactor still holds is not recorded yet: a later runner reads it again.
		const at = this.spoolEnd[stream] - Buffer.byteLength(this.streams[stream].held);
		this.options.record({
			type: 'output-recorded',
			step: this.options.step,
			stream,
			text,
			...(redacted > 0 ? {redacted} : {}),
			at,
		});
	}

	private addMasked(stream: Stream, text: string, redacted: number) {
		if (!text) return;
		if (this.pending.text && this.pending.stream !== stream) this.flush();
		this.pending = {stream, text: this.pending.text + text, redacted: this.pending.redacted + redacted};
		if (this.pending.text.length >= this.options.chunkChars) this.flush();
		else this.flushTimer ??= setTimeout(() => this.flush(), this.options.chunkMs);
	}
}
