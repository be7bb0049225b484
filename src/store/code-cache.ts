// V8's compiled code for a script, kept between runs in the user's cache folder: Node 20 has no
// compile cache for ES modules, and compiling the screen commands took ~100 ms of every start.
// A cache is used only for the exact bytes it was made from (their SHA-256 names it), by the V8
// and architecture that made it, and only when this user alone can write it; V8 refuses one that
// does not fit its version or flags, and a fresh one is written then.
import {createHash} from 'node:crypto';
import {
	closeSync,
	fstatSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import {constants as fsConstants} from 'node:fs';
import {isAscii} from 'node:buffer';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

/** `$XDG_CACHE_HOME/runbook`, else `~/.cache/runbook`. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
	const cache =
		env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
	return path.join(cache, 'runbook');
}

/** The cache found: `used` by V8, `rejected` by it (another V8 or flags), or `absent` (none, or not this user's alone). */
export type CacheOutcome = 'used' | 'rejected' | 'absent';

export type CompiledScript = {
	/** The script's completion value: for a function expression, the function. */
	value: unknown;
	cache: CacheOutcome;
	/** Settles once a fresh cache was written (or could not be); at once when none was needed. */
	written: Promise<void>;
};

/** Largest cache file read: a bigger one is not ours. */
const maxCacheBytes = 64 * 1024 * 1024;

/**
 * Compiles and runs the script at `file` with the code cache kept in `cacheDir` for these bytes.
 * Where there was none, or V8 refused it, a new one is made `writeAfterMs` later, when the code
 * the first moments ran (the first frame) is compiled too and goes in it; the timer never keeps
 * the process alive, and a cache that cannot be written is only a slower next start.
 */
export function compileCachedScript(file: string, cacheDir: string, writeAfterMs = 1000): CompiledScript {
	const bytes = readFileSync(file);
	// The build makes the script ASCII: read as Latin-1, it needs no decoding.
	const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
	const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
	// The install's folder is in the name too: two installs (two versions, two checkouts) each keep
	// their own cache instead of removing each other's at every start.
	const install = createHash('sha256')
		.update(path.resolve(path.dirname(file)))
		.digest('hex')
		.slice(0, 12);
	const prefix = `${path.basename(file)}-${install}-`;
	const cacheFile = path.join(cacheDir, `${prefix}${digest}-v8-${process.versions.v8}-${process.arch}.code`);
	const cachedData = readOwnFile(cacheFile);
	const script = new vm.Script(source, {filename: file, ...(cachedData ? {cachedData} : {})});
	const value: unknown = script.runInThisContext();
	const cache: CacheOutcome = cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'used';
	const written =
		cache === 'used'
			? Promise.resolve()
			: new Promise<void>((resolve) => {
					setTimeout(() => {
						writeCache(cacheDir, cacheFile, prefix, script);
						resolve();
					}, writeAfterMs).unref();
				});
	return {value, cache, written};
}

/** The file's bytes when it is a regular file of this user that no one else can write; else undefined. */
function readOwnFile(file: string): Buffer | undefined {
	let fd: number | undefined;
	try {
		fd = openSync(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
		const stat = fstatSync(fd);
		const isOwn = stat.isFile() && stat.uid === process.getuid?.() && (stat.mode & 0o022) === 0;
		return isOwn && stat.size <= maxCacheBytes ? readFileSync(fd) : undefined;
	} catch {
		return undefined; // None yet, or unreadable: compiled from the source, as without a cache.
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
}

/** Writes the cache whole (a temporary file renamed over it) and removes those of this install's other builds. */
function writeCache(cacheDir: string, cacheFile: string, prefix: string, script: vm.Script): void {
	const temporary = `${cacheFile}.${process.pid}.tmp`;
	try {
		mkdirSync(cacheDir, {recursive: true, mode: 0o700});
		writeFileSync(temporary, script.createCachedData(), {mode: 0o600, flag: 'wx'});
		renameSync(temporary, cacheFile);
		for (const name of readdirSync(cacheDir))
			if (name.startsWith(prefix) && name.endsWith('.code') && path.join(cacheDir, name) !== cacheFile)
				rmSync(path.join(cacheDir, name), {force: true});
	} catch {
		// A read-only home, a full disk: the next start compiles again.
		try {
			rmSync(temporary, {force: true});
		} catch {
			// Nothing was written there either.
		}
	}
}
