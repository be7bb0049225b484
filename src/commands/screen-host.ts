// The screen commands as the build ships them: dist/screen-commands.script.js, compiled with
// V8's code cache (store/code-cache.ts). The script shares the CLI's UsageError (the exit policy
// tells a usage error by its class) and runner locks (one child holds them all), and takes what
// it loads on demand from the CLI's modules: a script has no import() of its own.
import {createRequire} from 'node:module';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {codeCacheDir, compileCachedScript} from '../store/code-cache.js';
import * as runnerLocks from './runner-locks.js';
import * as usageError from './usage-error.js';

type ScreenCommands = typeof import('./screen-commands.js');

/** Its `require('runbook-host:…')`s (scripts/screen-script.mjs names them). */
const hostRequires: Record<string, unknown> = {
	'runbook-host:usage-error': usageError,
	'runbook-host:runner-locks': runnerLocks,
};

/** Its `import('runbook-host:…')`s. */
const hostImports: Record<string, () => Promise<unknown>> = {
	conf: () => import('conf'),
	pg: () => import('pg'),
	'sender-thread': () => import('../store/archive/sender-thread.js'),
};

/** The screen commands from the script at `file`. */
export function loadScreenScript(file: string): ScreenCommands {
	const {value} = compileCachedScript(file, codeCacheDir());
	const moduleRequire = createRequire(file);
	const scriptRequire = Object.assign(
		(id: string) => (Object.hasOwn(hostRequires, id) ? hostRequires[id] : moduleRequire(id)),
		{resolve: moduleRequire.resolve, cache: moduleRequire.cache},
	);
	const scriptImport = (name: string) => {
		const load = hostImports[name];
		return load ? load() : Promise.reject(new Error(`the screen script asked for an unknown module: ${name}`));
	};
	const module = {exports: {} as ScreenCommands};
	(value as (...parameters: unknown[]) => void)(
		module.exports,
		scriptRequire,
		module,
		file,
		path.dirname(file),
		pathToFileURL(file).href,
		scriptImport,
	);
	return module.exports;
}
