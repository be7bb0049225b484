// A step runs in the shell its wrapper started ahead (the bootstrap sources its script) or, for a
// script or environment that could tell the difference, in a bash started for it. Whatever way
// it starts, the script must see the same shell: environment, variables, options, traps, signal
// dispositions, descriptors, `$0`, `$-`, working directory, and exit status.
import {spawn} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, existsSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {canStartAhead, spawnerScript, stepShellBootstrap} from '../../src/exec/step-spawner.js';

/**
 * Everything of its shell a script can see, but what changes from one process to the next, and
 * the call stack's variables, which sourcing sets (a script that names them starts a fresh bash).
 */
const dumpScript = String.raw`printf '%s\n' "underscore=$_" "dash=$-" "zero=$0" "args=$#" "lineno=$LINENO" "pwd=$PWD" "oldpwd=\${OLDPWD-unset}" "shlvl=$SHLVL" "seconds=$SECONDS" "umask=$(umask)"
printf 'physical=%s\n' "$(pwd -P)"
declare -p | grep -v -E '^declare -[-a-zA-Z]* (BASHPID|PPID|RANDOM|SRANDOM|EPOCHSECONDS|EPOCHREALTIME|SECONDS|_|BASH_COMMAND|LINENO|BASH_SOURCE|BASH_LINENO|BASH_ARGC|BASH_ARGV)='
declare -f
set -o
shopt
trap -p
ulimit -a
grep -E '^Sig(Ign|Blk|Cgt)' /proc/$$/status
ls /proc/$$/fd | sort -n | tr '\n' ' '
printf '\nfd0=%s fd1=%s fd2=%s\n' "$(readlink /proc/$$/fd/0)" "$(readlink /proc/$$/fd/1)" "$(readlink /proc/$$/fd/2)"
env -0 | sort -z | tr '\0' '\n'
echo "parent=$(cat /proc/$PPID/comm)"
`;

function startSpawner(env: Record<string, string | undefined>) {
	const pipeDir = mkdtempSync(path.join(os.tmpdir(), 'runbook-step-shell-'));
	const child = spawn(
		'bash',
		['--noprofile', '--norc', '-c', spawnerScript, 'runbook-spawner', pipeDir, stepShellBootstrap],
		{
			stdio: ['pipe', 'pipe', 'ignore'],
			detached: true,
			cwd: '/',
			env,
		},
	);
	let replies = '';
	child.stdout!.on('data', (chunk: Buffer) => (replies += chunk.toString()));
	return {child, replies: () => replies};
}

/** Runs `script` as step `base` through the spawner, started `how`; its status, output and error output. */
async function runStep(
	spawner: ReturnType<typeof startSpawner>,
	spoolDir: string,
	base: string,
	how: 'ahead' | 'fresh',
	script: string,
	cwd: string,
	changes: {sets: string[]; unsets: string[]},
) {
	writeFileSync(path.join(spoolDir, `${base}.sh`), script, {mode: 0o600});
	const words = [String(changes.sets.length), ...changes.sets, ...changes.unsets];
	spawner.child.stdin!.write(`${[spoolDir, base, cwd, how, String(words.length), ...words].join('\0')}\0`);
	const status = path.join(spoolDir, `${base}.status`);
	await expect
		.poll(() => existsSync(status) && readFileSync(status, 'utf8').endsWith('\n'), {timeout: 10_000, interval: 10})
		.toBe(true);
	const normalize = (text: string) => text.replace(/\/proc\/\d+\//g, '/proc/PID/').replaceAll(`${base}.`, 'STEP.');
	return {
		status: readFileSync(status, 'utf8'),
		out: normalize(readFileSync(path.join(spoolDir, `${base}.out`), 'utf8')),
		err: normalize(readFileSync(path.join(spoolDir, `${base}.err`), 'utf8')),
	};
}

describe('the shell a step runs in', () => {
	const spoolDir = mkdtempSync(path.join(os.tmpdir(), 'runbook-step-shell-spool-'));
	const work = mkdtempSync(path.join(os.tmpdir(), 'runbook-step-shell-cwd-'));
	mkdirSync(path.join(work, 'real'));
	symlinkSync(path.join(work, 'real'), path.join(work, 'link'));
	const spawner = startSpawner({...process.env, GONE: 'from the session', SAME: 'kept', CHANGED: 'old'});
	const changes = {sets: ['CHANGED=new', "NEW=two words\nand a 'quote'"], unsets: ['GONE']};
	let count = 0;
	const both = async (script: string, cwd = path.join(work, 'link')) => {
		const ahead = await runStep(spawner, spoolDir, `a${++count}`, 'ahead', script, cwd, changes);
		const fresh = await runStep(spawner, spoolDir, `f${count}`, 'fresh', script, cwd, changes);
		return {ahead, fresh};
	};

	it('is the same shell, whether started ahead or for the step', async () => {
		const {ahead, fresh} = await both(dumpScript);
		expect(fresh.err).toBe('');
		expect(fresh.out).toContain('NEW=two words');
		expect(fresh.out).not.toContain('GONE=');
		expect(ahead.out).toBe(fresh.out);
		expect(ahead.status).toBe(fresh.status);
	});

	it('fails the same way: -e, pipefail, a missing command, exit codes, signals, syntax errors', async () => {
		for (const script of [
			'false | cat\necho never',
			'echo one\nno-such-command-here\necho never',
			'set +e\nfalse\necho went on\nfalse',
			'exit 7',
			'kill -TERM $$',
			'echo before\nif then\necho after',
			'cat /dev/stdin; echo "read $?"',
		]) {
			const {ahead, fresh} = await both(script);
			expect({status: ahead.status, out: ahead.out, err: ahead.err}, script).toEqual({
				status: fresh.status,
				out: fresh.out,
				err: fresh.err,
			});
		}
	});

	it('starts a fresh bash for a script or an environment that could tell the difference', () => {
		expect(canStartAhead('make deploy', ['DEPLOY_ENV', 'RUNBOOK_SECRET_TOKEN'])).toBe(true);
		for (const script of ['return 3', 'trap "echo bye" EXIT', 'echo "${BASH_SOURCE[0]}"', 'caller'])
			expect(canStartAhead(script, []), script).toBe(false);
		for (const name of ['BASH_ENV', 'SHELLOPTS', 'LANG', 'LC_ALL', 'PWD', 'SHLVL', 'BASH_FUNC_f%%', 'not-a-name'])
			expect(canStartAhead('true', [name]), name).toBe(false);
	});
});
