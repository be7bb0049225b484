// The screen commands (`run`, `resume`, `watch`, `replay`, `approve`) as one script for
// vm.Script, so V8 can keep its compiled code between runs (src/store/code-cache.ts): Node 20
// has no compile cache for ES modules, and compiling the ~1 MB that runs before the first frame
// took ~100 ms of every start. A script cannot await at its top level or import(), so the two
// modules that await at load are patched here, and what the script must share with the ES
// module CLI (the UsageError class, the runner locks' keeper, and the modules it loads on demand)
// comes from it instead.
import {readFileSync} from 'node:fs';

/** The parameters the script is a function of; src/store/code-cache.ts passes them in this order. */
export const scriptParameters = [
	'exports',
	'require',
	'module',
	'__filename',
	'__dirname',
	'__rbBundleUrl',
	'__rbImport',
];

/** What the script asks the CLI for, by the name after `runbook-host:` (src/commands/screen-host.ts). */
const hostModules = [
	{filter: /(^|\/)usage-error\.js$/, name: 'usage-error'},
	{filter: /(^|\/)runner-locks\.js$/, name: 'runner-locks'},
	{filter: /(^|\/)sender-thread\.js$/, name: 'sender-thread'},
	{filter: /^conf$/, name: 'conf'},
	{filter: /^pg$/, name: 'pg'},
];

/** Replaces each `from` of `file`'s source, found exactly once, or fails the build (a new version). */
function patched(file, replacements) {
	let source = readFileSync(file, 'utf8');
	for (const [from, to] of replacements) {
		if (source.split(from).length !== 2)
			throw new Error(`${file} changed: update scripts/screen-script.mjs for its new source`);
		source = source.replace(from, to);
	}
	return source;
}

/**
 * yoga-layout awaits its WebAssembly at load; here the module is compiled and instantiated
 * synchronously from the same inline bytes (Emscripten's instantiateWasm hook, given `true`).
 * Ink awaits its devtools only when DEV=true, which the shipped CLI never connects to.
 */
export const noTopLevelAwait = {
	name: 'no-top-level-await',
	setup(build) {
		build.onLoad({filter: /[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/}, (args) => ({
			loader: 'js',
			contents: patched(args.path, [
				[
					'const Yoga = wrapAssembly(await loadYoga());',
					'const yogaModule = {instantiateWasm: true};\nloadYoga(yogaModule);\nconst Yoga = wrapAssembly(yogaModule);',
				],
			]),
		}));
		build.onLoad({filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/}, (args) => ({
			loader: 'js',
			contents: patched(args.path, [
				['var _scriptDir = import.meta.url;', 'var _scriptDir = undefined;'],
				[
					'if(h.instantiateWasm)try{',
					'if(h.instantiateWasm===!0)return a(new WebAssembly.Instance(new WebAssembly.Module(wa()),d)),{};if(h.instantiateWasm)try{',
				],
			]),
		}));
		build.onLoad({filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/}, (args) => ({
			loader: 'js',
			contents: patched(args.path, [
				["await import('./devtools.js');", "throw new Error('Ink devtools are not part of runbook');"],
				['? await loadPackageJson()', '? {}'],
			]),
		}));
	},
};

/** The modules the script takes from the CLI: `require('runbook-host:…')`, `import('runbook-host:…')`. */
export const fromHost = {
	name: 'from-host',
	setup(build) {
		build.onResolve({filter: /./}, (args) => {
			const host = hostModules.find(({filter}) => filter.test(args.path));
			if (!host || (args.path.startsWith('.') && !args.importer.includes('/src/'))) return undefined;
			return {path: `runbook-host:${host.name}`, external: true};
		});
	},
};

/**
 * esbuild gives every module that imports a Node built-in a copy of its exports of its own
 * (`__toESM`: a getter defined per property, ~80 for `process`), 47 copies made at every start
 * (~6 ms). Here each built-in is copied once and the copy shared: an import namespace is
 * read-only, so no module can tell. The build fails where esbuild's output no longer has this shape.
 */
function sharedBuiltinNamespaces(bundle) {
	const builtinImport = /([\w$]+)\(require\("(node:[\w/]+)"\),1\)/g;
	const helpers = new Set([...bundle.matchAll(builtinImport)].map(([, helper]) => helper));
	const [helper] = helpers;
	// esbuild's __toESM, minified: (mod, isNodeMode, target) => (target = mod != null ? ...
	const isToESM = (name) =>
		new RegExp(`[,;\\s]${name.replace('$', '\\$')}=\\(([\\w$]+),[\\w$]+,([\\w$]+)\\)=>\\(\\2=\\1!=null\\?`).test(
			bundle,
		);
	if (helpers.size !== 1 || !isToESM(helper))
		throw new Error(
			'esbuild imports built-ins differently now: update sharedBuiltinNamespaces in scripts/screen-script.mjs',
		);
	return `${bundle.replace(builtinImport, (_, toESM, name) => `__rbBuiltin(${JSON.stringify(name)},${toESM})`)}
function __rbBuiltin(name, toESM) {
	const shared = (__rbBuiltin.namespaces ??= new Map());
	if (!shared.has(name)) shared.set(name, toESM(require(name), 1));
	return shared.get(name);
}`;
}

/**
 * The bundle as the script the loader runs: a function of `scriptParameters`, its imports from
 * the CLI through `__rbImport` (a script has no import()), and ASCII only, so it is read without
 * decoding (the escapes are inside regular expressions, where esbuild leaves characters as they are).
 */
export function asScript(bundle, metafile) {
	for (const output of Object.values(metafile.outputs))
		for (const {path, kind} of output.imports)
			if (kind === 'dynamic-import' && !path.startsWith('runbook-host:'))
				throw new Error(`the screen script imports ${path} itself: add it to hostModules in scripts/screen-script.mjs`);
	const body = sharedBuiltinNamespaces(bundle).split('import("runbook-host:').join('__rbImport("');
	const ascii = body.replace(/[^\x00-\x7f]/gu, (character) => {
		const codePoint = character.codePointAt(0);
		if (codePoint > 0xffff)
			throw new Error(`the screen script has U+${codePoint.toString(16)}: escape it in its source`);
		return `\\u${codePoint.toString(16).padStart(4, '0')}`;
	});
	return `(function (${scriptParameters.join(', ')}) {${ascii}\n})`;
}
