// Reads a `--var-file`: secret values kept out of argv, where any local user can read them. The
// file must be private: one that group or others can read is refused, as ssh refuses a key file.
import {closeSync, constants, fstatSync, openSync, readSync} from 'node:fs';

export type VarFile = {ok: true; text: string} | {ok: false; problem: string};

/** A var file is a few lines; anything bigger is not one. */
const maxBytes = 64 * 1024;

export function readVarFile(file: string): VarFile {
	let fd: number;
	try {
		// Non-blocking: a FIFO named as the file must not freeze the runner.
		fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return {ok: false, problem: 'no such file'};
		if (code === 'EACCES') return {ok: false, problem: 'permission denied'};
		return {ok: false, problem: `cannot be read (${code ?? (error as Error).message})`};
	}
	try {
		const stat = fstatSync(fd);
		if (!stat.isFile()) return {ok: false, problem: 'is not a regular file'};
		if ((stat.mode & 0o044) !== 0)
			return {
				ok: false,
				problem: `is readable by ${(stat.mode & 0o004) !== 0 ? 'others' : 'its group'} (mode ${(stat.mode & 0o777).toString(8)}); it holds secrets, so make it private: chmod 600 ${file}`,
			};
		if (stat.size > maxBytes)
			return {ok: false, problem: `is larger than ${maxBytes / 1024} KiB; a var file is a few lines`};
		const buffer = Buffer.alloc(stat.size);
		const read = readSync(fd, buffer, 0, stat.size, 0);
		return {ok: true, text: buffer.subarray(0, read).toString('utf8')};
	} finally {
		closeSync(fd);
	}
}
