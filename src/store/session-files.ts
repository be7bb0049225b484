// Reading a recorded session, named as session-names.ts allows.
import {closeSync, existsSync, openSync, readFileSync, readSync} from 'node:fs';
import {resolveSessionLog} from './session-names.js';

export {listSessionIds, sessionsDirProblem} from './session-names.js';

export type SessionFiles = {log: string; bytes: Buffer; sig?: string};

/** Reads the log named by `arg`; a one-line reason when there is none. */
export function readSession(
	arg: string,
	sessions: string,
): {ok: true; files: SessionFiles} | {ok: false; problem: string} {
	const named = resolveSessionLog(arg, sessions);
	if (!named.ok) return named;
	const {log} = named;
	try {
		const bytes = readFileSync(log);
		const sigFile = `${log}.sig`;
		return {ok: true, files: {log, bytes, ...(existsSync(sigFile) ? {sig: readFileSync(sigFile, 'utf8')} : {})}};
	} catch (error) {
		return {
			ok: false,
			problem: `cannot read ${log}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
		};
	}
}

/** Bytes per read of a streamed log: small enough to stay in cache, and reused (fresh memory is slow to touch). */
const streamChunkBytes = 1 << 20;

/**
 * Passes the log named by `arg` through `onChunk` (a buffer that is reused: copy what you keep),
 * with its `.sig` beside it; a one-line reason when it cannot be read. The `.sig` is read first
 * and given to `onSig` before any chunk (which hash to stream the file through is in it).
 */
export function streamSession(
	arg: string,
	sessions: string,
	onChunk: (chunk: Buffer) => void,
	onSig?: (sig: string | undefined) => void,
): {ok: true; log: string; sig?: string} | {ok: false; problem: string} {
	const named = resolveSessionLog(arg, sessions);
	if (!named.ok) return named;
	const {log} = named;
	try {
		const sigFile = `${log}.sig`;
		const sig = existsSync(sigFile) ? readFileSync(sigFile, 'utf8') : undefined;
		onSig?.(sig);
		const fd = openSync(log, 'r');
		try {
			const buffer = Buffer.allocUnsafe(streamChunkBytes);
			for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) onChunk(buffer.subarray(0, read));
		} finally {
			closeSync(fd);
		}
		return {ok: true, log, ...(sig !== undefined ? {sig} : {})};
	} catch (error) {
		return {
			ok: false,
			problem: `cannot read ${log}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
		};
	}
}

export function readText(file: string): {ok: true; text: string} | {ok: false; problem: string} {
	try {
		return {ok: true, text: readFileSync(file, 'utf8')};
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		return {
			ok: false,
			problem: `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory, not a file' : ((error as NodeJS.ErrnoException).code ?? (error as Error).message)}`,
		};
	}
}

/** Reads `file` when it exists; undefined when it does not (an optional settings file). */
export function readTextIfPresent(file: string): ReturnType<typeof readText> | undefined {
	return existsSync(file) ? readText(file) : undefined;
}
