// The session log on disk: created exclusively, appended one whole line per write, synced at
// the session's barriers, signed as it grows and sealed at the end. The only writer of
// session files.
import {createHash, sign, type Hash, type KeyObject} from 'node:crypto';
import {
	closeSync,
	fdatasync,
	fdatasyncSync,
	fsyncSync,
	ftruncateSync,
	mkdirSync,
	openSync,
	readFileSync,
	writeFileSync,
} from 'node:fs';
import path from 'node:path';
import {HeldDir} from './held-dir.js';
import {LineBuffer, writeWhole} from './line-bytes.js';
import {encodeEvent, encodeHeader, hashLine, type LogHeader} from '../core/audit/entry.js';
import {
	attestMessage,
	checkpointAfter,
	headText,
	outputCheckpointUs,
	resumeText,
	type AuditRecord,
	type LogRecord,
} from '../core/audit/records.js';
import {compactSshsig, signSshsig, signSshsigDigest, type IdentitySigner} from '../core/audit/signer.js';
import type {RunEvent} from '../core/run/events.js';

export class LogWriteError extends Error {}

export type LogSigning = {sessionKey: KeyObject; identity: IdentitySigner};

export class SessionLog {
	/** The log's path as the operator named it; the runner itself writes through `dir`. */
	readonly file: string;
	private seq = 0;
	private prev: string;
	private isBroken = false;
	private isSyncing = false;
	private lastCheckpointT = 0;
	private isSealed = false;
	private writeListener: ((seq: number) => void) | undefined;
	/** Where each line is encoded, reused: a fresh buffer per output record would be garbage at once. */
	private readonly lineBuffer = new LineBuffer();
	/** The hash of every byte written, for the whole-file signature at the seal. */
	private readonly fileHash: Hash = createHash(wholeFileHash);

	/** `kept`: the whole lines already in the file; the chain goes on from the last of them. */
	private constructor(
		file: string,
		/** The session directory, held open: a rename of it does not redirect the runner. */
		readonly dir: HeldDir,
		private readonly fd: number,
		kept: Buffer,
		private readonly session: string,
		private readonly signing: LogSigning,
	) {
		this.file = file;
		const lastStart = kept.lastIndexOf(0x0a, kept.length - 2) + 1;
		this.prev = hashLine(kept.subarray(lastStart, kept.length - 1));
		this.seq = countLines(kept) - 1;
		this.fileHash.update(kept);
	}

	/**
	 * Creates `<dir>/session.jsonl` (never over an existing one, so a session has one writer),
	 * writes the header and the identity's attestation of it.
	 */
	static async create(dir: string, header: LogHeader, signing: LogSigning): Promise<SessionLog> {
		const headerBytes = Buffer.from(`${encodeHeader(header)}\n`);
		// Signed before the file exists (an agent may take a while): the two lines then go out back to back.
		const attest = await signSshsig(signing.identity, attestMessage(headerBytes.subarray(0, -1)));
		// The sessions folder may be made; the session's own directory never over an existing one.
		mkdirSync(path.dirname(dir), {recursive: true, mode: 0o750});
		const held = HeldDir.create(dir, 0o750);
		let fd: number;
		try {
			fd = openSync(held.at(logName), 'wx', 0o640);
		} catch (error) {
			held.close();
			throw error;
		}
		writeWhole(fd, headerBytes);
		const log = new SessionLog(path.join(dir, logName), held, fd, headerBytes, header.session, signing);
		log.write({type: 'attest', t: 0, sshsig: compactSshsig(attest)});
		fsyncSync(fd);
		syncDirectory(held.at());
		return log;
	}

	/**
	 * Takes over the log of a session whose runner is gone: an unfinished last line (a crash
	 * mid-write, never part of the chain) is cut off, and the new runner's identity signs the
	 * chain head and the new session key in a `resume` record.
	 */
	static async reopen(
		file: string,
		takeover: {
			t: number;
			pid: number;
			identity: {key: string; fingerprint: string; source: 'agent' | 'local'};
			skey: string;
		},
		signing: LogSigning,
	): Promise<SessionLog> {
		const held = HeldDir.open(path.dirname(file));
		let bytes: Buffer;
		let fd: number;
		try {
			bytes = readFileSync(held.at(path.basename(file)));
			fd = openSync(held.at(path.basename(file)), 'a');
		} catch (error) {
			held.close();
			throw error;
		}
		const end = bytes.lastIndexOf(0x0a) + 1;
		const kept = bytes.subarray(0, end);
		const session = (JSON.parse(kept.subarray(0, kept.indexOf(0x0a)).toString('utf8')) as LogHeader).session;
		const seq = countLines(kept);
		const lastStart = kept.lastIndexOf(0x0a, kept.length - 2) + 1;
		const prev = hashLine(kept.subarray(lastStart, kept.length - 1));
		const sshsig = await signSshsig(signing.identity, resumeText(session, seq, prev, takeover.skey));
		try {
			if (end < bytes.length) ftruncateSync(fd, end);
		} catch (error) {
			closeSync(fd);
			held.close();
			throw error;
		}
		const log = new SessionLog(file, held, fd, kept, session, signing);
		log.write({
			type: 'resume',
			t: takeover.t,
			skey: takeover.skey,
			identity: takeover.identity,
			pid: takeover.pid,
			...(end < bytes.length ? {torn: bytes.length - end} : {}),
			sshsig: compactSshsig(sshsig),
		});
		fsyncSync(fd);
		return log;
	}

	/** Appends one event as one whole line, and a signed checkpoint after it when one is due. */
	append(event: RunEvent): void {
		if (this.isSealed) throw new LogWriteError(`the session log ${this.file} is sealed; nothing more can be recorded`);
		this.write(event);
		const isOutputDue = event.type === 'output-recorded' && event.t - this.lastCheckpointT >= outputCheckpointUs;
		if (checkpointAfter.has(event.type) || isOutputDue) this.checkpoint(event.t);
	}

	/** Signs the chain head with the session key. */
	checkpoint(t: number): void {
		this.lastCheckpointT = t;
		this.write({
			type: 'checkpoint',
			t,
			sig: sign(null, headText('checkpoint', this.session, this.seq + 1, this.prev), this.signing.sessionKey).toString(
				'base64',
			),
		});
	}

	/**
	 * The last line, signed by the session key and the identity; then `session.jsonl.sig` over
	 * the whole file, in the held directory. `movedTo`: where the session directory is now, when
	 * someone renamed it while the session ran.
	 */
	async seal(t: number): Promise<{movedTo?: string}> {
		if (this.isBroken || this.isSealed) return {};
		const text = headText('seal', this.session, this.seq + 1, this.prev);
		const sshsig = await signSshsig(this.signing.identity, text);
		const seal: AuditRecord = {
			type: 'seal',
			t,
			sig: sign(null, text, this.signing.sessionKey).toString('base64'),
			sshsig: compactSshsig(sshsig),
		};
		this.write(seal);
		this.isSealed = true;
		this.flush();
		const whole = await signSshsigDigest(this.signing.identity, {
			hashAlgorithm: wholeFileHash,
			bytes: this.fileHash.digest(),
		});
		writeFileSync(this.dir.at(`${logName}.sig`), whole, {mode: 0o644, flag: 'wx'});
		const movedTo = this.dir.movedTo();
		return movedTo === undefined ? {} : {movedTo};
	}

	/** Calls `listener` with the seq of each line once it is written (the archive sender's poke; it must not block). */
	onWrite(listener: (seq: number) => void): void {
		this.writeListener = listener;
	}

	/** The hash of the last line written. */
	head(): string {
		return this.prev;
	}

	flush(): void {
		if (!this.isBroken) fdatasyncSync(this.fd);
	}

	/** Starts an fdatasync on the thread pool, so a later flush() has little left to do. */
	flushSoon(): void {
		if (this.isBroken || this.isSyncing) return;
		this.isSyncing = true;
		fdatasync(this.fd, () => {
			this.isSyncing = false;
		});
	}

	/**
	 * Everything appended so far goes to disk on the thread pool; `done` hears once it is there,
	 * or the error that kept it from the disk (the log is broken from then on).
	 */
	flushThen(done: (error?: Error) => void): void {
		if (this.isBroken) {
			done(new LogWriteError(`the session log ${this.file} could not be written earlier; nothing more is recorded`));
			return;
		}
		fdatasync(this.fd, (error) => {
			if (!error) return done();
			this.isBroken = true;
			done(new LogWriteError(`cannot sync the session log ${this.file}: ${error.code ?? error.message}`));
		});
	}

	close(): void {
		try {
			if (!this.isBroken) fsyncSync(this.fd);
		} finally {
			closeSync(this.fd);
			this.dir.close();
		}
	}

	private write(record: LogRecord): void {
		if (this.isBroken)
			throw new LogWriteError(`the session log ${this.file} could not be written earlier; nothing more is recorded`);
		// Encoded to bytes once: the same bytes are written and hashed.
		const bytes = this.lineBuffer.encode(encodeEvent(this.seq + 1, this.prev, record));
		try {
			writeWhole(this.fd, bytes);
		} catch (error) {
			this.isBroken = true;
			throw new LogWriteError(
				`cannot write the session log ${this.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
			);
		}
		this.seq++;
		this.prev = hashLine(bytes.subarray(0, bytes.length - 1));
		this.fileHash.update(bytes);
		this.writeListener?.(this.seq);
	}
}

const logName = 'session.jsonl';
// SHA-512, what ssh-keygen signs with by default and what every earlier release's verify expects: those
// would call a SHA-256 .sig a changed file. verify accepts both, so a later format may move to SHA-256.
const wholeFileHash = 'sha512';

function countLines(bytes: Buffer): number {
	let count = 0;
	for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) count++;
	return count;
}

function syncDirectory(dir: string) {
	try {
		const fd = openSync(dir, 'r');
		try {
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
	} catch {
		// Some filesystems cannot fsync a directory; the file itself is synced.
	}
}
