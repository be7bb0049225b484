// The archive sender on a worker thread of its own. While a step floods output, the runner's
// event loop is busy drawing and writing the log; a sender sharing that loop waits a turn for
// every read, answer and marker write, falls behind, and the end of the run waits for it to
// catch up. On its own thread it keeps up, and the runner's thread does no more per line than
// store the last seq written in shared memory; the header reads how far the archive is from it.
//
// The worker runs this very file: imported on its own (archive-stream.ts imports it with
// import(), so the bundle gives it a chunk of its own, without Ink), it starts the sender below.
import {realpathSync} from 'node:fs';
import os from 'node:os';
import {fileURLToPath} from 'node:url';
import {isMainThread, parentPort, Worker, workerData} from 'node:worker_threads';
import {ArchiveSender, readMarker, type SenderOptions, type SenderStatus} from './sender.js';

/** What the runner needs of a sender, on this thread or on a worker. */
export type Sender = Pick<ArchiveSender, 'poke' | 'status' | 'drain' | 'close'>;
export type SenderThreadOptions = Omit<SenderOptions, 'onStatus'>;

const workerRole = 'runbook-archive-sender';
/** Slots of the shared BigInt64Array: the last seq in the log, the last seq archived. */
const writtenSlot = 0;
const archivedSlot = 1;

type ToWorker = {type: 'drain'; id: number; timeoutMs: number} | {type: 'close'};
type FromWorker =
	| {type: 'status'; status: SenderStatus}
	| {type: 'drained'; id: number; caughtUp: boolean; status: SenderStatus}
	| {type: 'closed'; status: SenderStatus};
type WorkerData = {role: typeof workerRole; options: SenderThreadOptions; shared: BigInt64Array};

/** Atomics.waitAsync (Node 16+), which the ES2022 library types do not declare. */
const waitAsync = (
	Atomics as unknown as {
		waitAsync(array: BigInt64Array, index: number, value: bigint): {async: boolean; value: unknown};
	}
).waitAsync;

/** Starts sending `options.dir`'s log: on a worker thread where this file can run as one, else on this thread. */
export function startSender(options: SenderThreadOptions): Sender {
	return canRunAsWorker() ? new SenderThread(options) : new ArchiveSender(options).start();
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
	private readonly shared = new BigInt64Array(new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT));
	private readonly worker: Worker;
	private written: number;
	private last: SenderStatus;
	private readonly waiting = new Map<number, (caughtUp: boolean) => void>();
	private nextId = 0;
	private hasExited = false;
	private closing: Promise<void> | undefined;

	constructor(options: SenderThreadOptions) {
		const archived = readMarker(options.dir).archived;
		this.written = archived;
		this.last = {archived, written: archived};
		Atomics.store(this.shared, writtenSlot, BigInt(archived));
		Atomics.store(this.shared, archivedSlot, BigInt(archived));
		const data: WorkerData = {role: workerRole, options, shared: this.shared};
		this.worker = new Worker(new URL(import.meta.url), {workerData: data});
		// Never what keeps the runner alive: it is held only while the runner waits on it.
		this.worker.unref();
		this.worker.on('message', (message: FromWorker) => {
			this.last = message.status;
			if (message.type === 'drained') this.waiting.get(message.id)?.(message.caughtUp);
		});
		this.worker.on('error', (error) => {
			this.last = {...this.status(), problem: `the archive sender stopped: ${error.message}`};
		});
		this.worker.on('exit', () => {
			this.hasExited = true;
			for (const settle of [...this.waiting.values()]) settle(false);
		});
	}

	poke(seq?: number): void {
		if (seq === undefined || seq <= this.written) return;
		this.written = seq;
		Atomics.store(this.shared, writtenSlot, BigInt(seq));
		Atomics.notify(this.shared, writtenSlot);
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

/** The worker's side: the sender, woken by the runner's pokes, answering drain and close. */
function runAsWorker({options, shared}: WorkerData): void {
	const port = parentPort!;
	try {
		// On Linux this thread only: when the cores are busy, the runner's thread goes first.
		os.setPriority(10);
	} catch {
		// Not permitted here: the sender runs at the runner's priority.
	}
	const sender = new ArchiveSender({
		...options,
		onStatus: (status) => {
			Atomics.store(shared, archivedSlot, BigInt(status.archived));
			port.postMessage({type: 'status', status} satisfies FromWorker);
		},
	}).start();
	void relayPokes(shared, sender);
	port.on('message', (message: ToWorker) => {
		if (message.type === 'drain')
			void sender.drain(message.timeoutMs).then((caughtUp) => {
				const status = sender.status();
				Atomics.store(shared, archivedSlot, BigInt(status.archived));
				port.postMessage({type: 'drained', id: message.id, caughtUp, status} satisfies FromWorker);
			});
		else
			void sender.close().then(() => port.postMessage({type: 'closed', status: sender.status()} satisfies FromWorker));
	});
}

/** Pokes the sender each time the runner stores a new last seq (no message per line). */
async function relayPokes(shared: BigInt64Array, sender: ArchiveSender): Promise<void> {
	let seen = Atomics.load(shared, writtenSlot);
	sender.poke(Number(seen));
	for (;;) {
		const wait = waitAsync(shared, writtenSlot, seen);
		if (wait.async) await wait.value;
		seen = Atomics.load(shared, writtenSlot);
		sender.poke(Number(seen));
	}
}

if (!isMainThread && (workerData as Partial<WorkerData> | undefined)?.role === workerRole)
	runAsWorker(workerData as WorkerData);
