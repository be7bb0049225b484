// The screen commands' compiled code is kept between runs; a start must never run code from a
// cache that is not of the script's exact bytes, or that someone else could have written.
import {chmodSync, mkdtempSync, readdirSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {codeCacheDir, compileCachedScript} from '../../src/store/code-cache.js';

function scriptAndCache(source: string) {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'rb-code-cache-'));
	const file = path.join(dir, 'screen.script.js');
	writeFileSync(file, source);
	return {file, cacheDir: path.join(dir, 'cache')};
}

const answering = (answer: string) => `(function () { return ${JSON.stringify(answer)}; })`;
const run = (value: unknown) => (value as () => string)();

describe('the code cache', () => {
	it('is written after a first start and used by the next one', async () => {
		const {file, cacheDir} = scriptAndCache(answering('first'));
		const first = compileCachedScript(file, cacheDir, 0);
		expect([first.cache, run(first.value)]).toEqual(['absent', 'first']);
		await first.written;
		const second = compileCachedScript(file, cacheDir, 0);
		expect([second.cache, run(second.value)]).toEqual(['used', 'first']);
	});

	it('is not used for a script changed since, even one of the same length', async () => {
		const {file, cacheDir} = scriptAndCache(answering('older'));
		await compileCachedScript(file, cacheDir, 0).written;
		writeFileSync(file, answering('newer'));
		const after = compileCachedScript(file, cacheDir, 0);
		expect([after.cache, run(after.value)]).toEqual(['absent', 'newer']);
		await after.written;
		expect(readdirSync(cacheDir)).toHaveLength(1); // The older build's cache is removed.
	});

	it("of another install is kept, as is that install's own", async () => {
		const one = scriptAndCache(answering('one'));
		const other = scriptAndCache(answering('other'));
		const sharedCache = one.cacheDir;
		await compileCachedScript(one.file, sharedCache, 0).written;
		await compileCachedScript(other.file, sharedCache, 0).written;
		expect(readdirSync(sharedCache)).toHaveLength(2);
		expect(compileCachedScript(one.file, sharedCache, 0).cache).toBe('used');
		expect(compileCachedScript(other.file, sharedCache, 0).cache).toBe('used');
	});

	it('is not used when others can write it', async () => {
		const {file, cacheDir} = scriptAndCache(answering('mine'));
		await compileCachedScript(file, cacheDir, 0).written;
		chmodSync(path.join(cacheDir, readdirSync(cacheDir)[0]!), 0o666);
		expect(compileCachedScript(file, cacheDir, 0).cache).toBe('absent');
	});

	it('that cannot be written leaves the start as it is', async () => {
		const {file} = scriptAndCache(answering('runs'));
		// A folder inside a file: it can never be made.
		const readOnly = compileCachedScript(file, path.join(file, 'cache'), 0);
		expect(run(readOnly.value)).toBe('runs');
		await expect(readOnly.written).resolves.toBeUndefined();
	});

	it('lives in XDG_CACHE_HOME, else ~/.cache', () => {
		expect(codeCacheDir({XDG_CACHE_HOME: '/var/cache/me'})).toBe('/var/cache/me/runbook');
		expect(codeCacheDir({XDG_CACHE_HOME: 'relative'})).toBe(path.join(os.homedir(), '.cache', 'runbook'));
	});
});
