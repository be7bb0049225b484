// Finding and reading a recorded session: by id, by directory, or by the path of its log.
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';

export type SessionFiles = {log: string; bytes: Buffer; sig?: string};

/** Reads the log named by `arg`; a one-line reason when there is none. */
export function readSession(
	arg: string,
	sessions: string,
): {ok: true; files: SessionFiles} | {ok: false; problem: string} {
	const candidates = [arg, path.join(arg, 'session.jsonl'), path.join(sessions, arg, 'session.jsonl')];
	const log = candidates.find((c) => existsSync(c) && statSync(c).isFile());
	if (!log)
		return {
			ok: false,
			problem: `no session log at \`${arg}\` (give a session id from ${sessions}, its directory, or its session.jsonl)`,
		};
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

/** Ids of the session directories under `sessions` (none when it does not exist yet). */
export function listSessionIds(sessions: string): string[] {
	if (!existsSync(sessions)) return [];
	return readdirSync(sessions).filter((id) => existsSync(path.join(sessions, id, 'session.jsonl')));
}
