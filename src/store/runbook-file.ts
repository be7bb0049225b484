// Reads a runbook file as text, or says in one line why it cannot.
import {createHash} from 'node:crypto';
import {readFileSync, statSync} from 'node:fs';

export type RunbookFile = {ok: true; text: string; sha256: string} | {ok: false; problem: string};

export function readRunbookFile(file: string): RunbookFile {
	let bytes: Buffer;
	try {
		if (statSync(file).isDirectory()) return {ok: false, problem: 'is a directory, not a runbook file'};
		bytes = readFileSync(file);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return {ok: false, problem: 'no such file'};
		if (code === 'EACCES') return {ok: false, problem: 'permission denied'};
		return {ok: false, problem: `cannot be read (${code ?? (error as Error).message})`};
	}
	if (bytes.includes(0)) return {ok: false, problem: 'is a binary file, not a YAML runbook'};
	let text: string;
	try {
		text = new TextDecoder('utf-8', {fatal: true}).decode(bytes);
	} catch {
		return {ok: false, problem: 'is not UTF-8 text'};
	}
	return {ok: true, text: text.replace(/^\uFEFF/, ''), sha256: createHash('sha256').update(bytes).digest('hex')};
}
