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
 * `$1`: a private directory, made by the runner, for the pipe on which each waiting wrapper tells
 * the spawner it has its request (`r`: fork the next) or that the runner is gone (`q`); the
 * spawner removes the directory once it holds the pipe open (fd 6). One wrapper at a time reads
 * requests: the next is forked only once the last has read all of its own.
 *
 * The wrapper (`wait_for_step`, then `step`): a subshell of the spawner, so its `$BASHPID` is the
 * step's group. It answers with that pid, on the runner's pipe, before the next wrapper may read.
 * A runner gone before it reads the pid makes that answer fail (SIGPIPE is ignored until the step
 * runs, so the wrapper hears it instead of dying silently): the wrapper tells the spawner `q`,
 * and the step does not run, since its runner cannot record that it started. It then opens the
 * step's files and goes to its directory while the runner puts the step's start on disk, and
 * waits for one more byte: `g` runs the step, anything else (a cancel before it ran) writes the
 * status of a SIGTERM without running it, and the end of the pipe (the runner gone) ends it
 * without a status. Only then may the next wrapper read. A SIGTERM, SIGINT or SIGHUP from the
 * moment its pid is told until the byte is read (a cancel sent as the step was starting) is
 * noted, and the step is not run either: the wrapper writes the status of a SIGTERM.
 * Nothing of it goes to the runner after that, and its own messages go nowhere; a trapped SIGTERM
 * lets it outlive the step it was sent with, to write the step's status. Traps reset to the
 * default in the step, so the step can be stopped. It holds the spool directory open as fd 5
 * (`$1` of `step` is the runner's path to it) and names its files through that descriptor, `$2`
 * and a suffix: a session directory renamed later, or a runner gone, cannot send the status
 * elsewhere. `$3` is the step's working directory; `$4` counts the `NAME=value` words after it
 * to export, and the names after those are unset. The step reads its script from `$2.sh`; the
 * runner removes it (`rm` would be one more process a step). Its own variables are unset before
 * the exports: an exported variable of the same name (the operator's `dir` or `i`) would
 * otherwise reach the step with the wrapper's value, and none is used after them.
 */
export const spawnerScript = String.raw`
set -m
mkfifo -m 600 -- "$1/ready" && exec 6<>"$1/ready" && rm -rf -- "$1" || exit 126
step() {
	exec 5<"$1" && exec >>"/proc/$BASHPID/fd/5/$2.out" 3>>"/proc/$BASHPID/fd/5/$2.err" 2>/dev/null && cd -- "$3"
	set -- "$?" "$@"
	IFS= read -r -n 1 go || { : >"/proc/$BASHPID/fd/5/$3.never"; printf q >&6; exit 0; }
	printf r >&6
	exec </dev/null 6>&-
	trap : TERM INT HUP
	trap - PIPE
	(($1 == 0)) || exit 126
	[[ $go == g && -z $stop ]] || { printf '143\n' >"/proc/$BASHPID/fd/5/$3.status"; exit 143; }
	shift
	unset -v dir base cwd count i word words go stop
	(($4 == 0)) || export -- "\${@:5:$4}"
	unset -v -- "\${@:5+$4}"
	bash --noprofile --norc -e -o pipefail -- "/proc/$BASHPID/fd/5/$2.sh" 2>&3 3>&- 5<&-
	set -- "$?" "$@"
	printf '%d\n' "$1" >"/proc/$BASHPID/fd/5/$3.status"
	exit "$1"
}
wait_for_step() {
	local dir base cwd count i word words=() go stop
	trap '' PIPE
	trap 'stop=1' TERM INT HUP
	IFS= read -r -d '' dir && IFS= read -r -d '' base && IFS= read -r -d '' cwd && IFS= read -r -d '' count &&
		for ((i = 0; i < count; i++)); do IFS= read -r -d '' word || { printf q >&6; exit 0; }; words+=("$word"); done &&
		printf '%d\n' "$BASHPID" || { printf q >&6; exit 0; }
	step "$dir" "$base" "$cwd" "\${words[@]}"
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
};

/** The wrapper's pid (its process group), or why it could not be started. */
export type SpawnReply = {pid: number} | {error: string};

export class StepSpawner {
	private child: ChildProcess | undefined;
	private readonly waiting: Array<(reply: SpawnReply) => void> = [];
	private pending = '';
	/** The release of the step asked for last, until it is said. */
	private held: ((go: boolean) => void) | undefined;

	/** `env`: the spawner's own environment, which each step's is sent as a difference from. */
	constructor(private readonly env: Record<string, string | undefined>) {}

	/**
	 * Starts the step's wrapper; `onReply` hears its pid, or why it did not start. The step runs
	 * once the returned `release` says go (true), never when it says no (false); the first word
	 * counts. A step still held when the next is asked for is not run.
	 */
	spawn(request: SpawnRequest, onReply: (reply: SpawnReply) => void): (go: boolean) => void {
		this.held?.(false);
		const child = this.child ?? this.start();
		const sets: string[] = [];
		const unsets: string[] = [];
		for (const [name, value] of Object.entries(request.env))
			if (value !== undefined && this.env[name] !== value) sets.push(`${name}=${value}`);
		for (const name of Object.keys(this.env))
			if (this.env[name] !== undefined && request.env[name] === undefined) unsets.push(name);
		const fields = [
			request.spoolDir,
			request.base,
			request.cwd,
			String(1 + sets.length + unsets.length),
			String(sets.length),
			...sets,
			...unsets,
		];
		if (fields.some((field) => field.includes('\0'))) {
			onReply({error: 'the step could not be started: a NUL character in its environment or paths'});
			return () => {};
		}
		this.waiting.push(onReply);
		child.stdin!.write(`${fields.join('\0')}\0`);
		const release = (go: boolean) => {
			if (this.held !== release) return;
			this.held = undefined;
			// A spawner gone meanwhile has already told the step it did not start.
			if (this.child === child) child.stdin!.write(go ? 'g' : 'x');
		};
		this.held = release;
		return release;
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
		const helper = sh`exec bash --noprofile --norc -c ${spawnerScript} runbook-spawner ${pipeDir}`;
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
		this.held = undefined;
		for (const reply of this.waiting.splice(0)) reply({error: 'the step spawner ended before it started the step'});
	}
}
