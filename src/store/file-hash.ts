// The SHA-512 of every byte written to the session log, for the whole-file signature at the seal.
// The bytes are copied into pages as they are written; a log that outgrows one page has its pages
// hashed on a worker thread, so a step that prints a lot costs the runner's thread a copy of its
// output, not a hash of it. What is hashed is what was written, never the file read back.
import {createHash} from 'node:crypto';
import {Worker} from 'node:worker_threads';

/** Bytes gathered before they go to the worker: a log smaller than this never starts one. */
const pageBytes = 1 << 20;

/** The worker: hashes each page it is given, in order, and answers `digest` with the SHA-512. */
const workerSource = `
const {parentPort} = require('node:worker_threads');
const hash = require('node:crypto').createHash('sha512');
parentPort.on('message', (message) => {
	if (message === 'digest') parentPort.postMessage(hash.digest());
	else hash.update(new Uint8Array(message));
});
`;

export class FileHash {
	private page = Buffer.allocUnsafeSlow(pageBytes);
	private filled = 0;
	private worker: Worker | undefined;
	private failure: Error | undefined;
	private answer: ((digest: Buffer) => void) | undefined;

	/** Adds bytes just written (copied: the caller may reuse its buffer at once). */
	update(bytes: Uint8Array): void {
		for (let at = 0; at < bytes.length;) {
			const count = Math.min(bytes.length - at, pageBytes - this.filled);
			this.page.set(bytes.subarray(at, at + count), this.filled);
			this.filled += count;
			at += count;
			if (this.filled === pageBytes) this.ship();
		}
	}

	/** The SHA-512 of everything added; call it once, at the end. */
	async digest(): Promise<Buffer> {
		const rest = this.page.subarray(0, this.filled);
		if (!this.worker) return createHash('sha512').update(rest).digest();
		const worker = this.worker;
		if (this.filled > 0) this.ship();
		const digest = new Promise<Buffer>((resolve, reject) => {
			if (this.failure) reject(this.failure);
			this.answer = resolve;
			worker.once('error', reject);
		});
		// Held open while the answer is awaited: an unreferenced worker alone would let the process end first.
		worker.ref();
		worker.postMessage('digest');
		try {
			return await digest;
		} finally {
			this.close();
		}
	}

	/** Stops the worker, if one was started (the log is closed, sealed or not). */
	close(): void {
		void this.worker?.terminate();
		this.worker = undefined;
	}

	private ship() {
		this.worker ??= this.startWorker();
		// A full page's memory moves to the worker (no copy) and a fresh one takes its place; a last,
		// partial one goes as a copy of what it holds.
		const isFull = this.filled === pageBytes;
		const buffer = isFull ? this.page.buffer : this.page.buffer.slice(0, this.filled);
		this.worker.postMessage(buffer, [buffer]);
		if (isFull) this.page = Buffer.allocUnsafeSlow(pageBytes);
		this.filled = 0;
	}

	private startWorker(): Worker {
		const worker = new Worker(workerSource, {eval: true});
		worker.on('message', (digest: Uint8Array) => this.answer?.(Buffer.from(digest)));
		worker.on('error', (error) => (this.failure ??= error));
		// It never keeps the runner alive: the log's close or seal ends it, and so does the process's end.
		worker.unref();
		return worker;
	}
}
