// Reads a runbook (or a checklist to import) as text, or says in one line why it cannot. Only a
// regular file of bounded size is read: `/dev/zero`, a named pipe or a 50 MB file is refused at
// once instead of hanging or filling the memory.
import {createHash} from 'node:crypto';
import {closeSync, constants, fstatSync, openSync, readSync} from 'node:fs';
import {maxRunbookBytes} from '../core/runbook/limits.js';

export type RunbookFile = {ok: true; text: string; sha256: string} | {ok: false; problem: string};

/** The runbook at `file`: its UTF-8 text (without a byte-order mark) and the SHA-256 of its bytes. */
export function readRunbookFile(file: string): RunbookFile {
	return readTextFile(file, {what: 'runbook', kind: 'YAML runbook'});
}

/**
 * `file` as UTF-8 text, refused with a reason when it is not a regular file, is larger than
 * `maxRunbookBytes`, holds NUL bytes or is not UTF-8. `what` names it in messages.
 */
export function readTextFile(file: string, names: {what: string; kind: string}): RunbookFile {
	const read = readBoundedBytes(file, names.what);
	if (!read.ok) return read;
	const bytes = read.bytes;
	if (bytes.includes(0)) return {ok: false, problem: `is a binary file, not a ${names.kind}`};
	let text: string;
	try {
		text = new TextDecoder('utf-8', {fatal: true}).decode(bytes);
	} catch {
		return {ok: false, problem: 'is not UTF-8 text'};
	}
	return {ok: true, text: text.replace(/^\uFEFF/, ''), sha256: createHash('sha256').update(bytes).digest('hex')};
}

function readBoundedBytes(file: string, what: string): {ok: true; bytes: Buffer} | {ok: false; problem: string} {
	let fd: number;
	try {
		// Non-blocking, so opening a named pipe with no writer returns at once.
		fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
	} catch (error) {
		return {ok: false, problem: openProblem(error as NodeJS.ErrnoException)};
	}
	try {
		const stat = fstatSync(fd);
		if (stat.isDirectory()) return {ok: false, problem: `is a directory, not a ${what} file`};
		if (!stat.isFile()) return {ok: false, problem: `is ${specialKind(stat)}, not a regular file; give a ${what} file`};
		if (stat.size > maxRunbookBytes)
			return {ok: false, problem: `is ${megabytes(stat.size)}; a ${what} may be at most ${megabytes(maxRunbookBytes)}`};
		// One byte more than allowed, to notice a file that grew after the check.
		const buffer = Buffer.alloc(maxRunbookBytes + 1);
		let length = 0;
		for (let got = -1; got !== 0 && length < buffer.length; length += got)
			got = readSync(fd, buffer, length, buffer.length - length, null);
		if (length > maxRunbookBytes)
			return {ok: false, problem: `is larger than ${megabytes(maxRunbookBytes)}; a ${what} may be at most that`};
		return {ok: true, bytes: buffer.subarray(0, length)};
	} catch (error) {
		return {ok: false, problem: openProblem(error as NodeJS.ErrnoException)};
	} finally {
		closeSync(fd);
	}
}

function openProblem(error: NodeJS.ErrnoException): string {
	if (error.code === 'ENOENT') return 'no such file';
	if (error.code === 'EACCES') return 'permission denied';
	if (error.code === 'EISDIR') return 'is a directory, not a file';
	if (error.code === 'ELOOP') return 'is a loop of symbolic links';
	return `cannot be read (${error.code ?? error.message})`;
}

function specialKind(stat: ReturnType<typeof fstatSync>): string {
	if (stat.isFIFO()) return 'a named pipe';
	if (stat.isCharacterDevice()) return 'a character device';
	if (stat.isBlockDevice()) return 'a block device';
	if (stat.isSocket()) return 'a socket';
	return 'a special file';
}

function megabytes(bytes: number): string {
	return bytes < 1024 * 1024 ? `${bytes} bytes` : `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`;
}
