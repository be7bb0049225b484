// One small bash per runner that starts every step's wrapper: forking it costs a fraction of
// forking the runner (a Node process of 100 MB or more), and the wrapper is a fork of it, not a
// bash of its own. It is started once, in its own session (out of reach of the terminal's
// SIGHUP), with job control on, so each wrapper leads a process group of its own and the whole
// step can be signalled at once. The next wrapper is forked ahead, while the runner is busy with
// the last step's end, and waits for its request: a step's start costs the fork of its own bash
// only. Nothing of the step goes through the runner: a runner that dies closes the request
// pipe, the waiting wrapper reads the end and the spawner exits, and the wrappers it started go
// on, write their status, and are found by `runbook resume`.
// Requests reach it through a private pipe, never argv (which any local user can read): the
// step's environment, secrets included, is sent as the difference from the spawner's own.
import type {ChildProcess} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {$} from 'zx/core';

/**
 * The step's shell, started ahead with the wrapper (see spawnerScript): a fresh `bash --noprofile
 * --norc -e -o pipefail` whose script is this text. It waits on its standard input (a pipe from
 * the wrapper) for the step's name, working directory and environment; a pipe that ends before
 * they are whole means its wrapper is gone, and nothing runs. It then does what the wrapper does
 * before it starts a fresh bash (its output into the spool, `cd`, the exports and unsets), tells
 * the wrapper `g` (the step runs: its status is to be written), restores `$0` and `SECONDS`,
 * and sources the step's script. It leaves no variable, trap, option or descriptor of its own:
 * the script sees what it would see as the script of a bash started with its environment in its
 * directory (test/exec/step-shell.test.ts compares the two). What sourcing cannot hide (`return`,
 * `caller`, the RETURN and ERR traps at the end, `BASH_SOURCE`, `BASH_LINENO`) is why a script
 * that names them starts a fresh bash instead (see canStartAhead).
 */
export const stepShellBootstrap = String.raw`
set -- "$_"
while (($# < 4)); do IFS= read -r -d '' || exit 126; set -- "$@" "$REPLY"; done
case $4 in '' | *[!0-9]*) exit 126 ;; esac
while (($# < 4 + $4)); do IFS= read -r -d '' || exit 126; set -- "$@" "$REPLY"; done
case $5 in '' | *[!0-9]*) exit 126 ;; esac
unset -v REPLY
exec 3>>"/proc/$PPID/fd/5/$2.out" 4>>"/proc/$PPID/fd/5/$2.err" || exit 126
cd -- "$3" || exit 126
(($5 == 0)) || export -- "\${@:6:$5}"
unset -v -- "\${@:6+$5}"
printf g
exec >&3 2>&4 3>&- 4>&- </dev/null
BASH_ARGV0="/proc/$PPID/fd/5/$2.sh"
SECONDS=0
eval "set --; : \${1@Q}; . \"\$0\""
`.replaceAll('\\$', '$');

/**
 * `$1`: a private directory, made by the runner, for the pipe on which each waiting wrapper tells
 * the spawner it has its request (`r`: fork the next) or that the runner is gone (`q`), and for
 * the step shell's bootstrap (`$2`, held open as fd 8); the spawner removes the directory once it
 * holds both open. One wrapper at a time reads requests: the next is forked only once the last
 * has read all of its own.
 *
 * The wrapper (`wait_for_step`, then `step`): a subshell of the spawner, so its `$BASHPID` is the
 * step's group. As soon as it is forked it starts the step's shell (see stepShellBootstrap) as a
 * coprocess, in its group, so that exec is paid while the runner is busy elsewhere. It answers
 * the request with its pid, on the runner's pipe, before the next wrapper may read.
 * A runner gone before it reads the pid makes that answer fail (SIGPIPE is ignored until the step
 * runs, so the wrapper hears it instead of dying silently): the wrapper tells the spawner `q`,
 * and the step does not run, since its runner cannot record that it started (its shell reads the
 * end of its pipe and exits).
 * Nothing of it goes to the runner after that, and its own messages go nowhere; a trapped SIGTERM
 * lets it outlive the step it was sent with, to write the step's status. Traps reset to the
 * default in the step, so the step can be stopped. It holds the spool directory open as fd 5
 * (`$1` of `step` is the runner's path to it) and names its files through that descriptor, `$2`
 * and a suffix: a session directory renamed later, or a runner gone, cannot send the status
 * elsewhere. `$3` is the step's working directory; `$4` says how the step starts: `ahead`, in the
 * shell started ahead, which the wrapper waits for (a trapped signal interrupts `wait`, so it
 * waits again while that shell lives), or `fresh`, in a bash the wrapper starts now, after the
 * shell started ahead is dismissed. The words after the coprocess's pid and descriptors count the
 * `NAME=value` words after them to export; the names after those are unset. The step reads its
 * script from `$2.sh`; the runner removes it (`rm` would be one more process a step). In the
 * fresh start no variable of the wrapper is used after the exports, which could overwrite one.
 */
export const spawnerScript = String.raw`
set -m
printf '%s' "$2" >"$1/boot" && exec 8<"$1/boot" && mkfifo -m 600 -- "$1/ready" && exec 6<>"$1/ready" && rm -rf -- "$1" || exit 126
fresh_step() {
	exec >>"/proc/$BASHPID/fd/5/$2.out" 3>>"/proc/$BASHPID/fd/5/$2.err" 2>/dev/null </dev/null 6>&- 8<&-
	cd -- "$3" || exit 126
	(($4 == 0)) || export -- "\${@:5:$4}"
	unset -v -- "\${@:5+$4}"
	bash --noprofile --norc -e -o pipefail -- "/proc/$BASHPID/fd/5/$2.sh" 2>&3 3>&- 5<&-
	set -- "$?" "$@"
	printf '%d\n' "$1" >"/proc/$BASHPID/fd/5/$3.status"
	exit "$1"
}
step() {
	local pid=$5 orders=$6 said=$7 status word
	exec 5<"$1" || exit 126
	trap - PIPE
	if [[ $4 != ahead ]]; then
		exec {orders}>&- {said}<&-
		fresh_step "$1" "$2" "$3" "\${@:8}"
	fi
	exec >/dev/null 2>&1 </dev/null 6>&-
	printf '%s\0' "$2" "$3" "$(($# - 7))" "\${@:8}" >&"$orders"
	exec {orders}>&-
	while :; do
		wait "$pid"
		status=$?
		kill -0 "$pid" 2>/dev/null || break
	done
	# No status when its shell never ran the script, unless a signal (a cancel) ended it first.
	IFS= read -r -n 1 -u "$said" word && [[ $word == g ]] || ((status > 128)) || exit 126
	printf '%d\n' "$status" >"/proc/$BASHPID/fd/5/$2.status"
	exit "$status"
}
wait_for_step() {
	local dir base cwd how count i word words=() said from
	trap '' PIPE
	# _ as a bash started by name would find it: exec alone would pass on the last command's.
	coproc STEP_SHELL { trap - PIPE; hash bash && _=\${BASH_CMDS[bash]} exec bash --noprofile --norc -e -o pipefail -- "/proc/$$/fd/8" 6>&- 8<&-; }
	# A cancel may come as soon as the runner has the pid: the wrapper outlives it, to write the status.
	trap : TERM INT HUP
	# Its answer is read after it has exited, when bash has closed the coprocess's own descriptors.
	from=\${STEP_SHELL[0]}
	exec {said}<&"$from" {from}<&-
	IFS= read -r -d '' dir && IFS= read -r -d '' base && IFS= read -r -d '' cwd && IFS= read -r -d '' how && IFS= read -r -d '' count &&
		for ((i = 0; i < count; i++)); do IFS= read -r -d '' word || { printf q >&6; exit 0; }; words+=("$word"); done &&
		printf '%d\n' "$BASHPID" &&
		printf r >&6 || { printf q >&6; exit 0; }
	step "$dir" "$base" "$cwd" "$how" "$STEP_SHELL_PID" "\${STEP_SHELL[1]}" "$said" "\${words[@]}"
}
wait_for_step &
while IFS= read -r -n 1 -u 6 said && [[ $said == r ]]; do wait_for_step & done
`.replaceAll('\\$', '$');

export type SpawnRequest = {
	/** The spool directory, and the name in it of the step's files without their suffix (`.out`, `.err`, `.status`, `.sh`). */
	spoolDir: string;
	base: string;
	cwd: string;
	/** The step's whole environment: what differs from the spawner's is sent. */
	env: Record<string, string | undefined>;
	/** The step's script (it reaches the step through `<base>.sh`): whether it may run in the shell started ahead. */
	script: string;
};

/** The wrapper's pid (its process group), or why it could not be started. */
export type SpawnReply = {pid: number} | {error: string};

export class StepSpawner {
	private child: ChildProcess | undefined;
	private readonly waiting: Array<(reply: SpawnReply) => void> = [];
	private pending = '';

	/** `env`: the spawner's own environment, which each step's is sent as a difference from. */
	constructor(private readonly env: Record<string, string | undefined>) {}

	/** Starts the step's wrapper; `onReply` hears its pid, or why it did not start. */
	spawn(request: SpawnRequest, onReply: (reply: SpawnReply) => void): void {
		const child = this.child ?? this.start();
		const sets: string[] = [];
		const unsets: string[] = [];
		for (const [name, value] of Object.entries(request.env))
			if (value !== undefined && this.env[name] !== value) sets.push(`${name}=${value}`);
		for (const name of Object.keys(this.env))
			if (this.env[name] !== undefined && request.env[name] === undefined) unsets.push(name);
		const how = canStartAhead(request.script, [...sets.map((set) => set.slice(0, set.indexOf('='))), ...unsets])
			? 'ahead'
			: 'fresh';
		const fields = [
			request.spoolDir,
			request.base,
			request.cwd,
			how,
			String(1 + sets.length + unsets.length),
			String(sets.length),
			...sets,
			...unsets,
		];
		if (fields.some((field) => field.includes('\0'))) {
			onReply({error: 'the step could not be started: a NUL character in its environment or paths'});
			return;
		}
		this.waiting.push(onReply);
		child.stdin!.write(`${fields.join('\0')}\0`);
	}

	private start(): ChildProcess {
		const sh = $({
			shell: 'bash',
			prefix: '',
			postfix: '',
			cwd: '/',
			env: this.env,
			quiet: true,
			verbose: false,
			nothrow: true,
			// setsid: its own session, and so every wrapper it starts, out of reach of the terminal's SIGHUP.
			detached: true,
			preferLocal: false,
			stdio: ['pipe', 'pipe', 'ignore'],
			log: () => {},
		});
		const pipeDir = mkdtempSync(path.join(os.tmpdir(), 'runbook-spawner-'));
		const helper = sh`exec bash --noprofile --norc -c ${spawnerScript} runbook-spawner ${pipeDir} ${stepShellBootstrap}`;
		const child = helper.child!;
		this.child = child;
		child.stdout!.setEncoding('utf8');
		child.stdout!.on('data', (text: string) => this.replies(text));
		child.stdin!.on('error', () => this.ended(child));
		const ended = () => this.ended(child);
		helper.then(ended, ended);
		// The runner's exit is the spawner's end (its request pipe closes): it never holds the runner up.
		child.unref();
		for (const stream of [child.stdin, child.stdout] as Array<{unref?: () => void} | null>) stream?.unref?.();
		return child;
	}

	private replies(text: string) {
		this.pending += text;
		for (let at = this.pending.indexOf('\n'); at !== -1; at = this.pending.indexOf('\n')) {
			const line = this.pending.slice(0, at);
			this.pending = this.pending.slice(at + 1);
			const pid = Number(line);
			this.waiting.shift()?.(Number.isInteger(pid) && pid > 0 ? {pid} : {error: `the step spawner said: ${line}`});
		}
	}

	/** The spawner is gone: steps waiting for it did not start, and the next one starts a new spawner. */
	private ended(child: ChildProcess) {
		if (this.child !== child) return;
		this.child = undefined;
		this.pending = '';
		for (const reply of this.waiting.splice(0)) reply({error: 'the step spawner ended before it started the step'});
	}
}

/**
 * Names bash reads or sets up as it starts, or that the bootstrap's own `cd` and exports would
 * treat otherwise than a bash started with them: a step whose environment changes one of them
 * starts a fresh bash.
 */
const startupNames =
	/^(BASH.*|SHELLOPTS|POSIXLY_CORRECT|ENV|SHLVL|PWD|OLDPWD|CDPATH|PPID|UID|EUID|GROUPS|IFS|PS4|LINENO|SECONDS|RANDOM|SRANDOM|EPOCHSECONDS|EPOCHREALTIME|HOSTNAME|HOSTTYPE|MACHTYPE|OSTYPE|DIRSTACK|FUNCNAME|GLOBIGNORE|HIST.*|TERM|COLUMNS|LINES|TMOUT|TZ|LANG|LC_.*|OPTIND|OPTERR|MAIL.*|SHELL|COMP_.*|INPUTRC|EMACS|REPLY)$/;

/**
 * Words by which a script could tell that it was sourced by the bootstrap rather than run as a
 * bash's script: a `return` at its top level, `caller`, a RETURN or ERR trap (they would fire
 * once more as the source ends), and the call stack's variables.
 */
const sourcedTells = /\b(return|caller|trap)\b|BASH_SOURCE|BASH_LINENO|BASH_ARGV|BASH_ARGC|FUNCNAME/;

/** Whether the step can run in the shell started ahead, exactly as in a bash started for it; else it starts one. */
export function canStartAhead(script: string, changedNames: string[]): boolean {
	if (sourcedTells.test(script)) return false;
	return changedNames.every((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !startupNames.test(name));
}
