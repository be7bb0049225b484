// Whether a process id still names the process we started: pids are reused, so the kernel's
// start time (in clock ticks since boot) is recorded beside it and compared.
import {readdirSync, readFileSync} from 'node:fs';

/** Field 22 of /proc/PID/stat; undefined when the process is gone or /proc cannot say. */
export function processStartTicks(pid: number): string | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name (field 2) may hold spaces and parentheses: count from the last `)`.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const state = fields[0];
		if (state === 'Z' || state === 'X') return undefined;
		return fields[19];
	} catch {
		return undefined;
	}
}

/** A runbook runner is alive with this pid (pids are reused: its command line must say runbook). */
export function isRunnerAlive(pid: number): boolean {
	if (pid === process.pid) return false;
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('runbook') && processStartTicks(pid) !== undefined;
	} catch {
		return false;
	}
}

/** The process is alive and is the one that started at `startTicks` (when that is known). */
export function isSameProcess(pid: number, startTicks: string | undefined): boolean {
	const now = processStartTicks(pid);
	if (now !== undefined) return startTicks === undefined || now === startTicks;
	if (startTicks !== undefined) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Every live descendant of `pid`, found through /proc: children that left its process group are still its children. */
export function descendantsOf(pid: number): number[] {
	const childrenOf = new Map<number, number[]>();
	let entries: string[];
	try {
		entries = readdirSync('/proc');
	} catch {
		return [];
	}
	for (const entry of entries) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), Number(entry)]);
		} catch {
			// Gone meanwhile.
		}
	}
	const found: number[] = [];
	for (let queue = [pid]; queue.length > 0;) {
		const children = childrenOf.get(queue.shift()!) ?? [];
		found.push(...children);
		queue.push(...children);
	}
	return found;
}
