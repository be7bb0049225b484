// Where runbook's settings live, apart from the identity code that also uses it: the CLI asks
// whether an archive may be configured before it loads anything else of the run.
import {existsSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The folder conf uses for `runbook` on Linux: `$XDG_CONFIG_HOME/runbook`, else `~/.config/runbook`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
	return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'runbook');
}

/** settings.json in the settings folder (conf's file); undefined when no home can be found. */
export function settingsFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
	try {
		return path.join(configDir(env), 'settings.json');
	} catch {
		return undefined;
	}
}

/** Whether any setting is stored: without the file, no setting (an archive's among them) applies. */
export function hasSettings(env: NodeJS.ProcessEnv = process.env): boolean {
	const file = settingsFile(env);
	return file !== undefined && existsSync(file);
}
