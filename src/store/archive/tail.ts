// Follows a session through the archive, for `watch --archive` on another machine: LISTEN for
// "session X has lines up to seq N", then SELECT the lines after the last one seen. Whole lines
// only, in order; a watcher only ever reads.
import {Archive} from './client.js';

/** What WatchSession reads lines from: a local log's tail, or this. */
export type LineSource = {
	readLines(): string[];
	/** Why no line after those read can be trusted (the follower stops there and says it). */
	readonly broken?: string | undefined;
	follow(onGrow: () => void, pollMs?: number): void;
	close(): void;
};

export class ArchiveTail implements LineSource {
	private queue: string[] = [];
	private lastSeq = -1;
	private onGrow: (() => void) | undefined;
	private isFetching = false;
	private isFetchWanted = false;
	private poller: NodeJS.Timeout | undefined;
	private isClosed = false;
	/** Why the archive could not be read, the last time it could not. */
	problem: string | undefined;

	private constructor(
		private readonly archive: Archive,
		readonly session: string,
	) {}

	/** Connects, listens, then reads what the archive holds already (so nothing falls between the two). */
	static async open(url: string, session: string): Promise<ArchiveTail> {
		const archive = await Archive.connect(url);
		const tail = new ArchiveTail(archive, session);
		await archive.listenEvents((announced, lastSeq) => {
			if (announced === session && lastSeq > tail.lastSeq) tail.fetchSoon();
		});
		await tail.fetch();
		return tail;
	}

	/** Reads what the archive holds now, without waiting for an announcement. */
	async fetchNow(): Promise<void> {
		await this.fetch();
	}

	/** The lines that arrived since the last call. */
	readLines(): string[] {
		const lines = this.queue;
		this.queue = [];
		return lines;
	}

	/** `onGrow` on each announcement; every `pollMs` (default 2 s) in case one was missed. */
	follow(onGrow: () => void, pollMs = 2000): void {
		this.onGrow = onGrow;
		this.poller = setInterval(() => this.fetchSoon(), Math.max(pollMs, 1000));
	}

	close(): void {
		if (this.isClosed) return;
		this.isClosed = true;
		if (this.poller) clearInterval(this.poller);
		void this.archive.close();
	}

	private fetchSoon(): void {
		if (this.isClosed) return;
		if (this.isFetching) {
			this.isFetchWanted = true;
			return;
		}
		void this.fetch().then(() => this.onGrow?.());
	}

	private async fetch(): Promise<void> {
		this.isFetching = true;
		try {
			do {
				this.isFetchWanted = false;
				for (;;) {
					const batch = await this.archive.linesAfter(this.session, this.lastSeq);
					if (batch.length === 0) break;
					for (const row of batch) this.queue.push(row.line.toString('utf8'));
					this.lastSeq = batch[batch.length - 1]!.seq;
				}
			} while (this.isFetchWanted && !this.isClosed);
			this.problem = undefined;
		} catch (error) {
			this.problem = (error as Error).message;
		} finally {
			this.isFetching = false;
		}
	}
}
