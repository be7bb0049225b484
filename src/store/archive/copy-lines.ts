// A batch of a session's lines sent with COPY … FROM STDIN (FORMAT binary), written straight
// from the buffer the log was read into: the big lines of a 50 MB step are never copied in
// JavaScript (node-postgres would copy a bytea parameter twice while building its Bind
// message), and the server parses no arrays and runs no function over them.
import type {Client} from 'pg';

/** The protocol side of node-postgres's Connection that a custom query uses. */
type PgConnection = {
	query(text: string): void;
	endCopyFrom(): void;
	stream: {cork(): void; uncork(): void; write(chunk: Uint8Array): boolean};
};

const copySignature = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * The COPY data for lines `first`… of a session: one CopyData message per line, whose frame
 * (message header, tuple header) is a small buffer and whose body is the line itself, a view
 * into `chunk`. `lineEnds[i]` is the offset in `chunk` of line i's newline.
 */
export function copyFrames(session: string, first: number, chunk: Buffer, lineEnds: number[]): Buffer[] {
	const sessionBytes = Buffer.from(session, 'utf8');
	// 'd' + length, then field count, session (len + bytes), seq (len + int8), line length.
	const frameBytes = 5 + 2 + 4 + sessionBytes.length + 4 + 8 + 4;
	const head = Buffer.alloc(5 + copySignature.length + 8);
	head.write('d', 0, 'latin1');
	head.writeInt32BE(4 + copySignature.length + 8, 1);
	copySignature.copy(head, 5);
	const frames = Buffer.alloc(frameBytes * lineEnds.length + 7);
	const out: Buffer[] = [head];
	let start = 0;
	for (let index = 0; index < lineEnds.length; index++) {
		const end = lineEnds[index]!;
		let at = index * frameBytes;
		const frameStart = at;
		frames.write('d', at, 'latin1');
		frames.writeInt32BE(frameBytes - 1 + (end - start), at + 1);
		frames.writeInt16BE(3, at + 5);
		frames.writeInt32BE(sessionBytes.length, at + 7);
		at += 11 + sessionBytes.copy(frames, at + 11);
		frames.writeInt32BE(8, at);
		frames.writeBigInt64BE(BigInt(first + index), at + 4);
		frames.writeInt32BE(end - start, at + 12);
		out.push(frames.subarray(frameStart, at + 16), chunk.subarray(start, end));
		start = end + 1;
	}
	const trailerAt = frameBytes * lineEnds.length;
	frames.write('d', trailerAt, 'latin1');
	frames.writeInt32BE(6, trailerAt + 1);
	frames.writeInt16BE(-1, trailerAt + 5);
	out.push(frames.subarray(trailerAt, trailerAt + 7));
	return out;
}

/** A query node-postgres runs like its own (client.query(copy)), settled through `done`. */
export class CopyLinesQuery {
	private error: Error | undefined;
	private isSettled = false;
	readonly done: Promise<void>;
	private settle!: (error?: Error) => void;
	/** Set by node-postgres: clears its query_timeout timer (a timeout comes as handleError). */
	callback: ((error?: Error) => void) | undefined;

	constructor(
		private readonly text: string,
		private readonly frames: Buffer[],
	) {
		this.done = new Promise<void>((resolve, reject) => {
			this.settle = (error) => {
				if (this.isSettled) return;
				this.isSettled = true;
				this.callback?.(error);
				if (error) reject(error);
				else resolve();
			};
		});
	}

	submit(connection: PgConnection): void {
		connection.query(this.text);
	}

	/** The server is ready for the data: every frame in one corked write (a writev, no copy). */
	handleCopyInResponse(connection: PgConnection): void {
		connection.stream.cork();
		for (const frame of this.frames) connection.stream.write(frame);
		connection.stream.uncork();
		connection.endCopyFrom();
	}

	handleError(error: Error): void {
		this.error = error;
		// A broken connection sends no ReadyForQuery: settle now.
		this.settle(error);
	}

	handleReadyForQuery(): void {
		this.settle(this.error);
	}

	handleCommandComplete(): void {}
	handleRowDescription(): void {}
	handleDataRow(): void {}
	handleEmptyQuery(): void {}
	handleCopyData(): void {}
	handlePortalSuspended(): void {}
}

/**
 * Each line is a row the server builds in memory it allocates and frees, and a batch's rows take
 * about as much as the batch before the statement frees them. glibc gives freed memory at the top
 * of the heap back to the kernel once more than 128 kB of it is free, so a server process takes
 * fresh pages from the kernel for every batch and faults on each: about 40% of the server's CPU
 * on the 50 MB step. Freeing one allocation larger than glibc's mmap threshold raises that
 * threshold to its size and the trim threshold to twice that (glibc's dynamic mmap threshold,
 * mallopt(3)), for this server process only: the batches then reuse the heap's pages. lpad
 * allocates 4 bytes a character in a UTF-8 database and writes one: a 4 MiB allocation (an 8 MiB
 * trim threshold, above a 4 MiB batch) for 1 MiB written, once per connection. Off glibc, or in a
 * single-byte database, it is a short string built and dropped.
 */
const keepServerHeapSql = "SELECT octet_length(lpad('', chars, 'x')) FROM generate_series(1048576, 1048576) AS chars";

/** Connections whose server process has been asked to keep its heap: the answer, or its promise. */
const keptHeaps = new WeakMap<Client, Promise<unknown>>();

/** Asks the server process behind `client` to keep its heap (once per connection; see keepServerHeapSql). */
export async function keepServerHeap(client: Client): Promise<void> {
	let kept = keptHeaps.get(client);
	if (!kept) {
		kept = client.query(keepServerHeapSql);
		keptHeaps.set(client, kept);
	}
	await kept;
}

/** COPY lines `first`… of a session into runbook.events, straight from `chunk`; rejects with the server's error. */
export async function copyLines(
	client: Client,
	session: string,
	first: number,
	chunk: Buffer,
	lineEnds: number[],
): Promise<void> {
	await keepServerHeap(client);
	const copy = new CopyLinesQuery(
		'COPY runbook.events (session_id, seq, line) FROM STDIN (FORMAT binary)',
		copyFrames(session, first, chunk, lineEnds),
	);
	// node-postgres queues it like its own queries, and applies query_timeout to it.
	client.query(copy as never);
	await copy.done;
}
