// What an operator may type for SESSION: a log path, a session directory, an id, `latest`, or
// any prefix of an id that names one session only.
import {accessSync, constants, existsSync, readdirSync, statSync} from 'node:fs';
import path from 'node:path';

export type SessionName = {ok: true; log: string} | {ok: false; problem: string};

/** The log file `arg` names, looked for in this order: a path, an id under `sessions`, `latest`, a prefix. */
export function resolveSessionLog(arg: string, sessions: string): SessionName {
	const byPath = [arg, path.join(arg, 'session.jsonl'), logOf(sessions, arg)].find(isFile);
	if (byPath) return {ok: true, log: byPath};
	const ids = listSessionIds(sessions);
	if (arg === 'latest') {
		const newest = ids.sort().at(-1);
		if (newest !== undefined) return {ok: true, log: logOf(sessions, newest)};
		return {ok: false, problem: `no sessions in ${sessions}, so no \`latest\``};
	}
	const matches = arg === '' ? [] : ids.filter((id) => id.startsWith(arg)).sort();
	if (matches.length === 1) return {ok: true, log: logOf(sessions, matches[0]!)};
	if (matches.length > 1)
		return {
			ok: false,
			problem: `\`${arg}\` names ${matches.length} sessions in ${sessions}; give more of the id:\n${matches.map((id) => `  ${id}`).join('\n')}`,
		};
	return {
		ok: false,
		problem: `no session log at \`${arg}\` (give a session id from ${sessions}, a unique prefix of one, \`latest\`, its directory, or its session.jsonl)`,
	};
}

/** Ids of the session directories under `sessions` (none when it does not exist yet). */
export function listSessionIds(sessions: string): string[] {
	try {
		return readdirSync(sessions).filter((id) => existsSync(logOf(sessions, id)));
	} catch {
		// Not there yet, or not ours to read: no sessions to offer.
		return [];
	}
}

function logOf(sessions: string, id: string): string {
	return path.join(sessions, id, 'session.jsonl');
}

function isFile(candidate: string): boolean {
	return existsSync(candidate) && statSync(candidate).isFile();
}

/** Why `sessions` cannot be listed (not a folder, or not ours to read); undefined when it can, or is not there yet. */
export function sessionsDirProblem(sessions: string): string | undefined {
	try {
		if (!statSync(sessions).isDirectory())
			return `${sessions} is not a folder (--log-dir names the folder sessions go in)`;
		accessSync(sessions, constants.R_OK | constants.X_OK);
		return undefined;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return undefined;
		return `cannot read the sessions folder ${sessions}: ${code === 'EACCES' ? 'permission denied' : code}`;
	}
}
