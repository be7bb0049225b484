// Where session directories live, and a new one's name.
import {randomBytes} from 'node:crypto';
import {statSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** `--log-dir`, else `$XDG_STATE_HOME/runbook/sessions`, else `~/.local/state/runbook/sessions`. */
export function sessionsDir(override: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
	if (override) return path.resolve(override);
	const state =
		env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME)
			? env.XDG_STATE_HOME
			: path.join(os.homedir(), '.local', 'state');
	return path.join(state, 'runbook', 'sessions');
}

/**
 * A directory name that claims to be a session's id (`20261122T093015Z-3fa9c2`, any word after
 * the stamp): such a directory must hold that session. Any other name (a session directory
 * renamed to `…-moved`) claims none, and the header's id is the session's.
 */
export function isSessionIdShaped(name: string): boolean {
	return /^\d{8}T\d{6}Z-\w+$/.test(name);
}

/** `20261122T093015Z-3fa9c2`: sorts by start time; the suffix keeps two starts in one second apart. */
export function newSessionId(now: Date): string {
	const stamp = now
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d+Z$/, 'Z');
	return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * Why the sessions folder is unsafe to share, when it is: writable by its group or by others
 * without the sticky bit, anyone who can write there can rename, swap or remove another's
 * session directory. Undefined when it is safe, or does not exist yet.
 */
export function openSessionsFolderWarning(dir: string): string | undefined {
	let mode: number;
	try {
		mode = statSync(dir).mode;
	} catch {
		return undefined;
	}
	const writers = [mode & 0o020 ? 'its group' : '', mode & 0o002 ? 'others' : ''].filter(Boolean);
	if (writers.length === 0 || mode & 0o1000) return undefined;
	return `the sessions folder ${dir} is writable by ${writers.join(' and ')} without the sticky bit, so they can rename, swap or remove your sessions; make it mode 3770 (chmod 3770 ${dir}; see README: paired deploys)`;
}
