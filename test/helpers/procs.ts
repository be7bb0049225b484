import {readFileSync} from 'node:fs';

/** Alive means running: a zombie waiting for a reaper counts as dead (procfs state Z). */
export function isAlive(pid: number): boolean {
	try {
		return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
	} catch {
		return false;
	}
}
