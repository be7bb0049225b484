// What the runner's thread and the archive sender's worker share: the slots of their shared
// memory and the messages between them (sender-thread.ts is the runner's side, sender-worker.ts
// the worker's).
import type {SenderOptions, SenderStatus} from './sender.js';

/** Which session to send, once it exists. */
export type SenderSession = Omit<SenderOptions, 'onStatus' | 'connection' | 'url'>;

export const workerRole = 'runbook-archive-sender';

/**
 * Slots of the shared BigInt64Array: the last seq in the log, the last seq archived, and 1 while
 * the sender waits for a line. Only then does a line wake its thread: a flood writes hundreds of
 * lines a second, and a wake-up for each (a futex and a thread switch on the runner's cores) cost
 * the run more than sending them; while the sender is busy it reads the log up to its end anyway.
 */
export const writtenSlot = 0;
export const archivedSlot = 1;
export const waitingSlot = 2;
export const sharedSlots = 3;

export type ToWorker =
	{type: 'start'; session: SenderSession} | {type: 'drain'; id: number; timeoutMs: number} | {type: 'close'};
export type FromWorker =
	| {type: 'status'; status: SenderStatus}
	| {type: 'drained'; id: number; caughtUp: boolean; status: SenderStatus}
	| {type: 'closed'; status: SenderStatus};
export type WorkerData = {role: typeof workerRole; url: string; shared: BigInt64Array};
