// The archive sender on a worker thread of its own. While a step floods output, the runner's
// event loop is busy drawing and writing the log; a sender sharing that loop waits a turn for
// every read, answer and marker write, falls behind, and the end of the run waits for it to
// catch up. On its own thread it keeps up, and the runner's thread does no more per line than
// store the last seq written in shared memory; the header reads how far the archive is from it.
//
// The thread is started as soon as the run knows it has an archive, before its session exists:
// booting a thread, loading node-postgres and connecting take about 150 ms of CPU, and while the
// runner's thread loads the screen and sets up the session the other core is idle. Started with
// the session, that work would land in the first step, competing with its output for the cores.
//
// The worker runs this very file: imported on its own (archive-stream.ts imports it with
// import(), so the bundle gives it a chunk of its own, without Ink), it loads sender-worker.ts.
// The runner's thread loads only this and the protocol, before it loads the screen.
import {realpathSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {isMainThread, Worker, workerData} from 'node:worker_threads';
import {readMarker} from './marker.js';
import type {ArchiveSender, SenderStatus} from './sender.js';
import {
	archivedSlot,
	sharedSlots,
	waitingSlot,
	workerRole,
	writtenSlot,
	type FromWorker,
	type SenderSession,
	type ToWorker,
	type WorkerData,
} from './sender-protocol.js';

export type {SenderSession} from './sender-protocol.js';

/** What the runner needs of a sender, on this thread or on a worker. */
export type Sender = Pick<ArchiveSender, 'poke' | 'status' | 'drain' | 'close'>;

/** A sender made ready before its session: `start` gives it the session; `cancel` when it will have none. */
export type PreparedSender = {start(session: SenderSession): Sender; cancel(): void};

/**
 * Readies a sender to `url` before its session exists: where this file can run as a worker, the
 * thread starts now and connects. On this thread nothing happens until `start` (a connection
 * opened here would keep a run that never starts from exiting).
 */
export async function prepareSender(url: string): Promise<PreparedSender> {
	if (!canRunAsWorker()) {
		const {ArchiveSender: SenderHere} = await import('./sender.js');
		return {start: (session) => new SenderHere({...session, url}).start(), cancel: () => {}};
	}
	const thread = new SenderThread(url);
	return {start: (session) => thread.start(session), cancel: () => void thread.close()};
}

/**
 * Node cannot run TypeScript sources (the tests import them) in a worker, and the one-file
 * bundle is the CLI itself: loaded in a worker, it would start a second run. Those send on this thread.
 */
function canRunAsWorker(): boolean {
	const file = fileURLToPath(import.meta.url);
	if (!/\.m?js$/.test(file)) return false;
	try {
		return realpathSync(process.argv[1] ?? '') !== realpathSync(file);
	} catch {
		return true;
	}
}

/** The runner's side: pokes through shared memory, drains and closes through messages. */
class SenderThread implements Sender {
	private readonly shared = new BigInt64Array(new SharedArrayBuffer(sharedSlots * BigInt64Array.BYTES_PER_ELEMENT));
	private readonly worker: Worker;
	private written = -1;
	private last: SenderStatus = {archived: -1, written: -1};
	private readonly waiting = new Map<number, (caughtUp: boolean) => void>();
	private nextId = 0;
	private hasExited = false;
	/** The last drain found every line archived: nothing is under way. */
	private isCaughtUp = false;
	private closing: Promise<void> | undefined;

	constructor(url: string) {
		const data: WorkerData = {role: workerRole, url, shared: this.shared};
		this.worker = new Worker(new URL(import.meta.url), {workerData: data});
		// Never what keeps the runner alive: it is held only while the runner waits on it.
		this.worker.unref();
		this.worker.on('message', (message: FromWorker) => {
			this.last = message.status;
			if (message.type === 'drained') {
				this.isCaughtUp = message.caughtUp;
				this.waiting.get(message.id)?.(message.caughtUp);
			}
		});
		this.worker.on('error', (error) => {
			this.last = {...this.status(), problem: `the archive sender stopped: ${error.message}`};
		});
		this.worker.on('exit', () => {
			this.hasExited = true;
			for (const settle of [...this.waiting.values()]) settle(false);
		});
	}

	/** Gives the thread its session; the runner's side of its sender. */
	start(session: SenderSession): this {
		const archived = readMarker(session.dir).archived;
		this.written = archived;
		this.last = {archived, written: archived};
		Atomics.store(this.shared, writtenSlot, BigInt(archived));
		Atomics.store(this.shared, archivedSlot, BigInt(archived));
		this.post({type: 'start', session});
		return this;
	}

	poke(seq?: number): void {
		if (seq === undefined || seq <= this.written) return;
		this.written = seq;
		this.isCaughtUp = false;
		Atomics.store(this.shared, writtenSlot, BigInt(seq));
		// Once: the sender clears the flag again only when it next waits.
		if (Atomics.compareExchange(this.shared, waitingSlot, 1n, 0n) === 1n) Atomics.notify(this.shared, writtenSlot);
	}

	status(): SenderStatus {
		const archived = Number(Atomics.load(this.shared, archivedSlot));
		return {...this.last, archived, written: Math.max(this.written, archived)};
	}

	async drain(timeoutMs: number): Promise<boolean> {
		if (this.hasExited) return false;
		const id = this.nextId++;
		return this.waitFor(timeoutMs + 1000, (settle) => {
			this.waiting.set(id, settle);
			this.post({type: 'drain', id, timeoutMs});
			return () => this.waiting.delete(id);
		});
	}

	close(): Promise<void> {
		this.closing ??= (async () => {
			if (this.isCaughtUp) {
				// Nothing to wait for: the thread's end closes its connection (the server sees the
				// client leave), and the run does not wait for the thread to wind down.
				void this.worker.terminate();
				return;
			}
			if (!this.hasExited) {
				// The sender gives a broken connection a second to end, and a batch under way its answer.
				await this.waitFor(5000, (settle) => {
					const onMessage = (message: FromWorker) => message.type === 'closed' && settle(true);
					this.worker.on('message', onMessage);
					this.worker.once('exit', () => settle(false));
					this.post({type: 'close'});
					return () => this.worker.off('message', onMessage);
				});
			}
			await this.worker.terminate();
		})();
		return this.closing;
	}

	/** Holds the runner alive while it waits on the worker, at most `limitMs` (a stuck worker never holds a run). */
	private waitFor(limitMs: number, start: (settle: (value: boolean) => void) => () => void): Promise<boolean> {
		return new Promise<boolean>((resolve) => {
			this.worker.ref();
			let stop: () => void = () => {};
			const settle = (value: boolean) => {
				clearTimeout(timer);
				stop();
				this.worker.unref();
				resolve(value);
			};
			const timer = setTimeout(() => settle(false), limitMs);
			stop = start(settle);
		});
	}

	private post(message: ToWorker): void {
		this.worker.postMessage(message);
	}
}

if (!isMainThread && (workerData as Partial<WorkerData> | undefined)?.role === workerRole)
	void import('./sender-worker.js').then(({runAsWorker}) => runAsWorker(workerData as WorkerData));
