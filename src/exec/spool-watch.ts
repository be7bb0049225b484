// One change watcher per spool directory, shared by the steps that use it one after another: an
// inotify watch added and removed for every step cost the runner ~0.7 ms a step. It holds the
// process up only while a step listens. A watcher that fails is dropped, and the next step makes
// a new one; each step's own poll still finds what a lost notice would have told it.
import {watch, type FSWatcher} from 'node:fs';

type SharedWatch = {watcher: FSWatcher; listeners: Set<() => void>};

const watches = new Map<string, SharedWatch>();

/**
 * Calls `onChange` at each change in `dir` until the returned function is called; undefined when
 * the directory cannot be watched (the caller polls alone then).
 */
export function watchSpoolDirectory(dir: string, onChange: () => void): (() => void) | undefined {
	const shared = watches.get(dir) ?? startWatch(dir);
	if (!shared) return undefined;
	const listener = () => onChange();
	shared.listeners.add(listener);
	shared.watcher.ref();
	return () => {
		shared.listeners.delete(listener);
		if (shared.listeners.size === 0) shared.watcher.unref();
	};
}

function startWatch(dir: string): SharedWatch | undefined {
	const listeners = new Set<() => void>();
	let watcher: FSWatcher;
	try {
		watcher = watch(dir, () => {
			for (const listener of listeners) listener();
		});
	} catch {
		return undefined;
	}
	const shared = {watcher, listeners};
	watcher.on('error', () => {
		watcher.close();
		if (watches.get(dir) === shared) watches.delete(dir);
	});
	watches.set(dir, shared);
	return shared;
}
