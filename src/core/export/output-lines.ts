// A command's recorded output as lines, in the order they were recorded: chunks end anywhere,
// so an unfinished line per stream waits for its end (or for the command's). Pure.
import type {RunEvent} from '../run/events.js';

export type Stream = Extract<RunEvent, {type: 'output-recorded'}>['stream'];

export type RecordedLine = {text: string; stream: Stream};

export class OutputLines {
	private readonly partial: Record<Stream, string> = {out: '', err: '', tty: ''};

	/** The lines this chunk completes. */
	push(stream: Stream, text: string): RecordedLine[] {
		const pieces = (this.partial[stream] + text).split('\n');
		this.partial[stream] = pieces.pop()!;
		return pieces.map((line) => ({text: line, stream}));
	}

	/** The unfinished lines, at the command's end. */
	flush(): RecordedLine[] {
		const rest = (['out', 'err', 'tty'] as const)
			.filter((stream) => this.partial[stream] !== '')
			.map((stream) => ({text: this.partial[stream], stream}));
		this.partial.out = this.partial.err = this.partial.tty = '';
		return rest;
	}
}
