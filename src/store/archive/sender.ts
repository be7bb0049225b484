// Sends a session's log to the archive as it grows, off the runner's critical path: the
// recorder only pokes; this reads the lines back from session.jsonl and sends them in batches,
// on its own connection, and waits and retries while the archive is down. What is archived is
// remembered in `archive.json` beside the log, so the rest is sent later (`archive push`).
import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {openApprovalsDir, writeApprovalFile} from '../approvals-dir.js';
import {Archive, ArchiveError} from './client.js';
import {LogLines} from './log-lines.js';
import {MarkerFile, readMarker, type ArchiveMarker} from './marker.js';

export {markerName, readMarker, type ArchiveMarker} from './marker.js';

export type SenderStatus = {
	/** The last seq the archive holds (-1: none yet). */
	archived: number;
	/** The last seq known to be in the log. */
	written: number;
	/** Why the archive is behind, while it is. */
	problem?: string;
	/** The archive refused this log (a changed line): sending has stopped. */
	refused?: boolean;
};

export type SenderOptions = {
	url: string;
	/** The session directory, holding session.jsonl. */
	dir: string;
	session: string;
	/** At most this many bytes of lines per batch. @default 4 MiB */
	batchBytes?: number;
	/** After a poke, wait this long for more lines before sending. @default 50 */
	batchMs?: number;
	/** Wait after a failure, doubling up to `maxRetryMs`. @default 250 */
	retryMs?: number;
	maxRetryMs?: number;
	/** Hand approvals from the archive's table into the session's approvals/ folder. */
	takeApprovals?: boolean;
	/** A connection to `url` opened before the session existed, used first (a failed one is retried as usual). */
	connection?: Promise<Archive>;
	onStatus?: (status: SenderStatus) => void;
};

export class ArchiveSender {
	private archive: Archive | undefined;
	private earlyConnection: Promise<Archive> | undefined;
	private readonly log: LogLines;
	private readonly markerFile: MarkerFile;
	private marker: ArchiveMarker;
	private written: number;
	private problem: string | undefined;
	private isRefused = false;
	private isClosed = false;
	private isAtEnd = false;
	private wakeUp: (() => void) | undefined;
	/** The sender sleeps until the next line (not while it gathers a batch or waits to retry). */
	private isWaitingForLines = false;
	private readonly lineWaiters: Array<() => void> = [];
	private readonly drains = new Set<() => void>();
	private readonly logFile: string;
	private running: Promise<void> | undefined;

	constructor(private readonly options: SenderOptions) {
		this.logFile = path.join(options.dir, 'session.jsonl');
		this.log = new LogLines(this.logFile);
		this.markerFile = new MarkerFile(options.dir);
		this.earlyConnection = options.connection;
		this.marker = readMarker(options.dir);
		this.written = this.marker.archived;
	}

	/** Starts sending in the background; never throws. */
	start(): this {
		this.running ??= this.run();
		return this;
	}

	/** Lines up to `seq` are in the log: send them soon. Cheap, synchronous, never waits. */
	poke(seq?: number): void {
		if (seq !== undefined && seq > this.written) this.written = seq;
		this.isAtEnd = false;
		if (this.isWaitingForLines) this.wakeUp?.();
	}

	/** Resolves when the sender has sent what the log holds and waits for a poke (at once if it does now). */
	whenWaitingForLines(): Promise<void> {
		if (this.isWaitingForLines) return Promise.resolve();
		return new Promise((resolve) => this.lineWaiters.push(resolve));
	}

	status(): SenderStatus {
		return {
			archived: this.marker.archived,
			written: Math.max(this.written, this.marker.archived),
			...(this.problem ? {problem: this.problem} : {}),
			...(this.isRefused ? {refused: true} : {}),
		};
	}

	/** Waits until every line in the log (and its .sig, once written) is archived, or `timeoutMs`; true when all are. */
	async drain(timeoutMs: number): Promise<boolean> {
		this.isAtEnd = false;
		this.wakeUp?.();
		if (this.isCaughtUp()) return true;
		return new Promise<boolean>((resolve) => {
			const done = () => {
				clearTimeout(timer);
				this.drains.delete(done);
				resolve(this.isCaughtUp());
			};
			const timer = setTimeout(done, timeoutMs);
			this.drains.add(done);
		});
	}

	/** Stops sending; what is not archived stays pending in the marker. */
	async close(): Promise<void> {
		this.isClosed = true;
		this.wakeUp?.();
		await this.running;
	}

	/** Every line is archived, and the .sig too once the runner has written it. */
	private isCaughtUp(): boolean {
		return (
			this.isAtEnd && this.marker.archived >= this.written && (this.marker.hasSig || !existsSync(`${this.logFile}.sig`))
		);
	}

	private async run(): Promise<void> {
		let retryMs = this.options.retryMs ?? 250;
		while (!this.isClosed && !this.isRefused) {
			try {
				// Only drains asked for before this pass began are answered by it (one asked during it: next pass).
				const drainsBefore = [...this.drains];
				await this.connect();
				const sent = await this.sendBatch();
				this.problem = undefined;
				retryMs = this.options.retryMs ?? 250;
				if (sent === 'full') continue;
				if (sent === 'none') {
					await this.sendSignature();
					this.isAtEnd = true;
					for (const done of drainsBefore) done();
					if (this.drains.size > 0) continue;
					await this.sleep(1000, {untilNextLine: true});
				}
				// Lines come in bursts: the next ones go in one batch, not one batch each (each costs
				// the database a statement and a notification), unless someone waits for the end.
				if (!this.isClosed && this.drains.size === 0) await this.sleep(this.options.batchMs ?? 50);
			} catch (error) {
				this.problem = (error as Error).message;
				this.isRefused = isRefusal(error);
				await this.disconnect();
				// The broken connection may still hold writes that point into the read buffer.
				this.log.forgetBuffer();
				this.report();
				if (this.isRefused) for (const done of [...this.drains]) done();
				else await this.sleep(retryMs);
				retryMs = Math.min(retryMs * 2, this.options.maxRetryMs ?? 5000);
			}
		}
		await this.disconnect();
		await this.log.close();
		for (const done of [...this.drains]) done();
	}

	private async connect(): Promise<void> {
		if (this.archive && !this.archive.broken) return;
		await this.disconnect();
		this.archive = await this.openConnection();
		const held = await this.archive.lastSeq(this.options.session);
		// The archive is the judge of where to go on from: it may hold more (an earlier push)
		// or less (another archive) than the marker says.
		if (held !== this.marker.archived) {
			await this.seekTo(held);
			this.report();
		}
		if (this.options.takeApprovals) {
			await this.archive.listenApprovals((session) => {
				if (session === this.options.session) void this.takeApprovals().catch(() => {});
			});
			await this.takeApprovals();
		}
	}

	private async openConnection(): Promise<Archive> {
		const early = this.earlyConnection;
		this.earlyConnection = undefined;
		const archive = await early?.catch(() => undefined);
		if (!archive || archive.broken) {
			await archive?.close();
			return Archive.connect(this.options.url, {onBroken: () => this.wakeUp?.()});
		}
		archive.onBroken(() => this.wakeUp?.());
		return archive;
	}

	private async disconnect(): Promise<void> {
		const archive = this.archive;
		this.archive = undefined;
		await archive?.close();
	}

	/** Sends the next whole lines of the log: none, a full batch (more may wait), or the rest of the log. */
	private async sendBatch(): Promise<'none' | 'full' | 'rest'> {
		const batchBytes = this.options.batchBytes ?? 4 * 1024 * 1024;
		const {chunk, lineEnds, bytes} = await this.log.read(this.marker.offset, batchBytes);
		if (lineEnds.length === 0) return 'none';
		const first = this.marker.archived + 1;
		const last = await this.archive!.appendChunk(this.options.session, first, chunk, lineEnds);
		this.marker = {...this.marker, archived: first + lineEnds.length - 1, offset: this.marker.offset + bytes};
		if (last > this.written) this.written = last;
		await this.saveMarker();
		this.report();
		return chunk.length >= batchBytes ? 'full' : 'rest';
	}

	/** session.jsonl.sig, once the seal is archived and the runner has written it. */
	private async sendSignature(): Promise<void> {
		if (this.marker.hasSig || this.marker.archived < 0) return;
		let sig: string;
		try {
			sig = await readFile(`${this.logFile}.sig`, 'utf8');
		} catch {
			return;
		}
		await this.archive!.putSignature(this.options.session, sig);
		this.marker = {...this.marker, hasSig: true};
		await this.saveMarker();
	}

	/** Moves the marker to just after line `seq` (-1: the start), reading the log from the start if it must. */
	private async seekTo(seq: number): Promise<void> {
		if (seq < this.marker.archived) this.marker = {...this.marker, archived: -1, offset: 0};
		while (this.marker.archived < seq) {
			const {lineEnds, bytes} = await this.log.read(this.marker.offset, 4 * 1024 * 1024, seq - this.marker.archived);
			// The archive holds lines this file does not: only verify can say what that means.
			if (lineEnds.length === 0) break;
			this.marker = {
				...this.marker,
				archived: this.marker.archived + lineEnds.length,
				offset: this.marker.offset + bytes,
			};
		}
		await this.saveMarker();
	}

	private async takeApprovals(): Promise<void> {
		const archive = this.archive;
		if (!archive) return;
		const answers = await archive.approvalsAfter(this.options.session, this.marker.approvalId);
		if (answers.length === 0) return;
		openApprovalsDir(this.options.dir);
		for (const answer of answers) {
			let content: unknown;
			try {
				content = JSON.parse(answer.body.toString('utf8'));
			} catch {
				content = {unreadable: answer.body.toString('base64')};
			}
			writeApprovalFile(this.options.dir, content);
			this.marker = {...this.marker, approvalId: answer.id};
		}
		await this.saveMarker();
	}

	private saveMarker(): Promise<void> {
		return this.markerFile.save(this.marker);
	}

	private report(): void {
		this.options.onStatus?.(this.status());
	}

	/** Waits `ms`; a drain, a close or a broken connection ends it early, and with `untilNextLine` a poke too. */
	private sleep(ms: number, {untilNextLine = false} = {}): Promise<void> {
		this.isWaitingForLines = untilNextLine;
		if (untilNextLine) for (const waiter of this.lineWaiters.splice(0)) waiter();
		return new Promise((resolve) => {
			const finish = () => {
				clearTimeout(timer);
				this.isWaitingForLines = false;
				resolve();
			};
			const timer = setTimeout(finish, ms);
			timer.unref();
			this.wakeUp = () => {
				this.wakeUp = undefined;
				finish();
			};
		});
	}
}

/** A refusal is final: the archive holds other bytes for this session, or lines this log lacks. */
function isRefusal(error: unknown): boolean {
	return error instanceof ArchiveError && (error.code === '23505' || error.code === '23514');
}
