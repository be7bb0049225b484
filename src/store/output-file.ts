// Files a command writes for the operator (`export -o`, `import -o`), with a one-line reason when it cannot.
import {writeFileSync} from 'node:fs';

type Written = {ok: true} | {ok: false; problem: string};

/** `isNew`: refuse to replace a file that exists (a hand-finished runbook must never be overwritten by a draft). */
export function writeOutputFile(file: string, text: string, options: {isNew?: boolean} = {}): Written {
	try {
		writeFileSync(file, text, {flag: options.isNew ? 'wx' : 'w'});
		return {ok: true};
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EEXIST')
			return {
				ok: false,
				problem: 'the file exists; runbook will not overwrite it (choose another name, or remove it first)',
			};
		if (code === 'ENOENT') return {ok: false, problem: 'its folder does not exist'};
		if (code === 'EACCES') return {ok: false, problem: 'permission denied'};
		return {ok: false, problem: code ?? (error as Error).message};
	}
}
