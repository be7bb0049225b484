// Files a command writes for the operator (`export -o`, `import -o`), with a one-line reason when it cannot.
import {closeSync, openSync, writeFileSync, writeSync} from 'node:fs';

type Written = {ok: true} | {ok: false; problem: string};

/** `isNew`: refuse to replace a file that exists (a hand-finished runbook must never be overwritten by a draft). */
export function writeOutputFile(file: string, text: string, options: {isNew?: boolean} = {}): Written {
	try {
		writeFileSync(file, text, {flag: options.isNew ? 'wx' : 'w'});
		return {ok: true};
	} catch (error) {
		return {ok: false, problem: problemOf(error)};
	}
}

/** A document written as it is made: pieces are gathered into writes of about `batchChars`. */
export function writeOutputChunks(file: string, chunks: Iterable<string>): Written {
	let fd: number;
	try {
		fd = openSync(file, 'w');
	} catch (error) {
		return {ok: false, problem: problemOf(error)};
	}
	try {
		for (const batch of batchedText(chunks)) writeSync(fd, batch);
		return {ok: true};
	} catch (error) {
		return {ok: false, problem: problemOf(error)};
	} finally {
		closeSync(fd);
	}
}

/** Small pieces of text joined into pieces of at least `batchChars` (the last may be shorter): fewer writes. */
export function* batchedText(chunks: Iterable<string>, batchChars = 1 << 16): Generator<string> {
	let pending: string[] = [];
	let pendingChars = 0;
	for (const chunk of chunks) {
		pending.push(chunk);
		pendingChars += chunk.length;
		if (pendingChars < batchChars) continue;
		yield pending.join('');
		pending = [];
		pendingChars = 0;
	}
	if (pendingChars > 0) yield pending.join('');
}

function problemOf(error: unknown): string {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'EEXIST')
		return 'the file exists; runbook will not overwrite it (choose another name, or remove it first)';
	if (code === 'ENOENT') return 'its folder does not exist';
	if (code === 'EACCES') return 'permission denied';
	return code ?? (error as Error).message;
}
