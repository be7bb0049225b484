// Runs the built CLI as an operator would, with no terminal.
import {spawnSync} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const binRunbook = `${repoRoot}bin/runbook`;

/**
 * The environment a spawned runbook gets in tests: its own settings folder (so the signing key
 * is made there, never in the real one) and no ssh-agent unless a test starts one.
 */
export const isolatedEnv: Record<string, string> = {
	XDG_CONFIG_HOME: mkdtempSync(path.join(os.tmpdir(), 'runbook-config-')),
	SSH_AUTH_SOCK: '',
};

export function runCli(args: string[], options: {env?: Record<string, string>; cwd?: string; input?: string} = {}) {
	const result = spawnSync(process.execPath, [binRunbook, ...args], {
		cwd: options.cwd ?? repoRoot,
		env: {...process.env, ...isolatedEnv, ...options.env},
		encoding: 'utf8',
		input: options.input ?? '',
		timeout: 60_000,
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}
