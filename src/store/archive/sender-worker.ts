// The archive sender's worker thread (started by sender-thread.ts): it connects at once, and once
// given its session runs the sender, woken by the runner's lines through shared memory, answering
// drain and close.
import os from 'node:os';
import {parentPort} from 'node:worker_threads';
import {Archive} from './client.js';
import {ArchiveSender} from './sender.js';
import {
	archivedSlot,
	waitingSlot,
	writtenSlot,
	type FromWorker,
	type ToWorker,
	type WorkerData,
} from './sender-protocol.js';

/** Atomics.waitAsync (Node 16+), which the ES2022 library types do not declare. */
const waitAsync = (
	Atomics as unknown as {
		waitAsync(array: BigInt64Array, index: number, value: bigint): {async: boolean; value: unknown};
	}
).waitAsync;

/** Runs the worker's side on this (worker) thread. */
export function runAsWorker({url, shared}: WorkerData): void {
	const port = parentPort!;
	try {
		// On Linux this thread only: when the cores are busy, the runner's thread goes first.
		os.setPriority(10);
	} catch {
		// Not permitted here: the sender runs at the runner's priority.
	}
	// Connected and readied now, while the run sets up: the first batch then waits for neither.
	const connection = Archive.connect(url).then(async (archive) => {
		await archive.readyForCopy().catch(() => {});
		return archive;
	});
	// Its failure is the sender's to report (it connects again); never an unhandled rejection.
	connection.catch(() => {});
	let sender: ArchiveSender | undefined;
	const answer = (message: FromWorker) => {
		Atomics.store(shared, archivedSlot, BigInt(message.status.archived));
		port.postMessage(message);
	};
	port.on('message', (message: ToWorker) => {
		if (message.type === 'start') {
			sender = new ArchiveSender({
				...message.session,
				url,
				connection,
				onStatus: (status) => answer({type: 'status', status}),
			}).start();
			void relayLines(shared, sender);
			return;
		}
		const running = sender;
		if (message.type === 'drain') {
			// The runner drains only a sender it started: `start` is always the first message. The
			// sender learns of lines written while it was busy only now (see relayLines).
			running?.poke(Number(Atomics.load(shared, writtenSlot)));
			void running
				?.drain(message.timeoutMs)
				.then((caughtUp) => answer({type: 'drained', id: message.id, caughtUp, status: running.status()}));
		} else if (running) {
			void running.close().then(() => answer({type: 'closed', status: running.status()}));
		} else {
			// Closed before it had a session: the early connection is all there is to end.
			void connection
				.then((archive) => archive.close())
				.catch(() => {})
				.then(() => answer({type: 'closed', status: {archived: -1, written: -1}}));
		}
	});
}

/** Tells the sender the runner's last seq whenever it waits for lines, waking it at the next line if there is none yet. */
async function relayLines(shared: BigInt64Array, sender: ArchiveSender): Promise<void> {
	let known = -1n;
	for (;;) {
		await sender.whenWaitingForLines();
		// Raised before the last seq is read: a line stored after the read finds it up and notifies.
		Atomics.store(shared, waitingSlot, 1n);
		const seen = Atomics.load(shared, writtenSlot);
		if (seen <= known) {
			const wait = waitAsync(shared, writtenSlot, seen);
			if (wait.async) await wait.value;
		}
		Atomics.store(shared, waitingSlot, 0n);
		known = Atomics.load(shared, writtenSlot);
		sender.poke(Number(known));
	}
}
