// Where session directories live, and a new one's name.
import {randomBytes} from 'node:crypto';
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

/** `20261122T093015Z-3fa9c2`: sorts by start time; the suffix keeps two starts in one second apart. */
export function newSessionId(now: Date): string {
	const stamp = now
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d+Z$/, 'Z');
	return `${stamp}-${randomBytes(3).toString('hex')}`;
}
