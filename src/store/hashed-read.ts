// Reads a file in chunks for one pass over its lines while a worker thread takes the SHA-512 of
// the very same bytes (the whole-file signature's digest): the two cores share the work. The
// chunks go through a ring of slots in shared memory; a slot is read into again only once the
// worker has hashed it and the caller has passed it on.
import {closeSync, openSync, readSync} from 'node:fs';
import {Worker} from 'node:worker_threads';

/** Bytes per read: small enough to stay in cache. */
const slotBytes = 1 << 20;
/** Slots in the ring: enough to read on while the worker starts (a few tens of ms). */
const slotCount = 16;
// Control words: chunks read so far, chunks hashed so far, then each slot's length.
const filledWord = 0;
const hashedWord = 1;
const lengthWord = 2;

// The worker: plain JS (it is given as source text, so the bundle needs no second file), with
// nothing but node:crypto and the shared memory. A chunk of length 0 is the end of the file.
const workerSource = `
const {parentPort, workerData} = require('node:worker_threads');
const {createHash} = require('node:crypto');
const {memory, control, slotBytes, slotCount} = workerData;
const words = new Int32Array(control);
const bytes = new Uint8Array(memory);
const hash = createHash('sha512');
for (let chunk = 0; ; chunk++) {
	for (let filled = Atomics.load(words, ${filledWord}); filled <= chunk; filled = Atomics.load(words, ${filledWord}))
		Atomics.wait(words, ${filledWord}, filled);
	const slot = chunk % slotCount;
	const length = words[${lengthWord} + slot];
	if (length === 0) break;
	hash.update(bytes.subarray(slot * slotBytes, slot * slotBytes + length));
	Atomics.store(words, ${hashedWord}, chunk + 1);
	Atomics.notify(words, ${hashedWord});
}
parentPort.postMessage(hash.digest());
`;

type WaitAsync = (
	words: Int32Array,
	index: number,
	value: number,
) => {async: false; value: string} | {async: true; value: Promise<string>};
const waitAsync = (Atomics as unknown as {waitAsync?: WaitAsync}).waitAsync;

/** Whether this Node can hash on a worker (shared memory and Atomics.waitAsync). */
export const canHashOnWorker = typeof SharedArrayBuffer === 'function' && waitAsync !== undefined;

/**
 * Passes `file` through `onChunk` in order (each chunk a view of shared memory that is reused:
 * copy what you keep) and resolves with the SHA-512 of every byte passed. Rejects when the file
 * cannot be read or the worker fails.
 */
export async function readHashingOnWorker(file: string, onChunk: (chunk: Buffer) => void): Promise<Buffer> {
	const memory = new SharedArrayBuffer(slotBytes * slotCount);
	const control = new SharedArrayBuffer(4 * (lengthWord + slotCount));
	const words = new Int32Array(control);
	const worker = new Worker(workerSource, {eval: true, workerData: {memory, control, slotBytes, slotCount}});
	const failed = new Promise<never>((_resolve, reject) => {
		worker.once('error', reject);
		worker.once('exit', (code) => reject(new Error(`the hashing worker stopped (exit ${code})`)));
	});
	const digest = Promise.race([
		new Promise<Buffer>((resolve) => worker.once('message', (hash: Uint8Array) => resolve(Buffer.from(hash)))),
		failed,
	]);
	// Neither promise may go unhandled when the other settles first.
	failed.catch(() => undefined);
	let fd: number | undefined;
	try {
		fd = openSync(file, 'r');
		for (let chunk = 0; ; chunk++) {
			for (
				let hashed = Atomics.load(words, hashedWord);
				chunk - hashed >= slotCount;
				hashed = Atomics.load(words, hashedWord)
			) {
				const wait = waitAsync!(words, hashedWord, hashed);
				if (wait.async) await Promise.race([wait.value, failed]);
			}
			const slot = chunk % slotCount;
			const view = Buffer.from(memory, slot * slotBytes, slotBytes);
			const length = readSync(fd, view, 0, slotBytes, null);
			words[lengthWord + slot] = length;
			Atomics.store(words, filledWord, chunk + 1);
			Atomics.notify(words, filledWord);
			if (length === 0) break;
			onChunk(view.subarray(0, length));
		}
		return await digest;
	} finally {
		if (fd !== undefined) closeSync(fd);
		void worker.terminate();
	}
}
