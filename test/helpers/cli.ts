// Runs the built CLI as an operator would, with no terminal.
import {spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const binRunbook = `${repoRoot}bin/runbook`;

export function runCli(args: string[], options: {env?: Record<string, string>; cwd?: string; input?: string} = {}) {
	const result = spawnSync(process.execPath, [binRunbook, ...args], {
		cwd: options.cwd ?? repoRoot,
		env: {...process.env, ...options.env},
		encoding: 'utf8',
		input: options.input ?? '',
		timeout: 60_000,
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}
