// Bundles the CLI into one file: importing Ink unbundled costs ~7x `node -e 0` at start-up,
// a bundle about 3x (../shared/research/feasibility.md, section 2).
import {build} from 'esbuild';
import {chmodSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {asScript, fromHost, noTopLevelAwait} from './screen-script.mjs';
import {lazySegmenter} from './lazy-segmenter.mjs';
import {stringWidthPrefilter} from './string-width-prefilter.mjs';
import {inkOutputRows} from './ink-output-rows.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Ink loads its devtools (react-devtools-core and ws) only when DEV=true. Bundled, that lazy
 * import would become a static one that fails at load; it is replaced by a stub instead.
 */
const inkWithoutDevtools = {
	name: 'ink-without-devtools',
	setup(build) {
		build.onResolve({filter: /^\.\/devtools\.js$/}, (args) =>
			args.importer.includes(`${'node_modules'}/ink/`)
				? {path: fileURLToPath(new URL('devtools-stub.mjs', import.meta.url))}
				: undefined,
		);
	},
};
// Chunk names carry a hash: an old build's would linger, and be packed, if not cleared first.
rmSync(new URL('../dist', import.meta.url), {recursive: true, force: true});

/** What both builds share: the CLI from src/cli.tsx, for Node 20, minified. */
const shared = {
	absWorkingDir: root,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	minify: true,
	legalComments: 'none',
	logLevel: 'warning',
	plugins: [inkWithoutDevtools, stringWidthPrefilter, lazySegmenter, inkOutputRows],
	define: {'process.env.NODE_ENV': '"production"'},
	banner: {
		js: "import {createRequire as __rbRequire} from 'node:module'; const require = __rbRequire(import.meta.url);",
	},
};
await build({
	...shared,
	// The screen commands come from dist/screen-commands.script.js (below), not from a chunk.
	define: {...shared.define, __RUNBOOK_SCREEN_SCRIPT__: 'true'},
	entryPoints: {runbook: 'src/cli.tsx'},
	outdir: 'dist',
	outExtension: {'.js': '.mjs'},
	// What is imported only on demand (conf, for one setting) goes in its own chunk, never parsed at start.
	splitting: true,
	chunkNames: 'chunks/[name]-[hash]',
	sourcemap: 'linked',
	// A native addon: loaded from node_modules, where npm built it, and only when an interactive step runs.
	external: ['node-pty'],
});
// For a jump box with nothing but node: one file, every pure-JS dependency inside it (conf and
// pg too, loaded on first use). node-pty, a native addon, stays out: an interactive step says it
// is missing, and where one is installed beside the file (node_modules/node-pty) it is used.
await build({
	...shared,
	define: {...shared.define, __RUNBOOK_SCREEN_SCRIPT__: 'false'},
	entryPoints: ['src/cli.tsx'],
	outfile: 'dist/runbook-standalone.mjs',
	external: ['node-pty'],
	banner: {js: `#!/usr/bin/env node\n${shared.banner.js}`},
});
chmodSync(new URL('../dist/runbook-standalone.mjs', import.meta.url), 0o755);

// The screen commands as one script that src/store/code-cache.ts compiles with V8's code cache
// (scripts/screen-script.mjs says why). esbuild marks it strict, as the ES modules it comes from are.
const screenScript = 'dist/screen-commands.script.js';
const {metafile} = await build({
	...shared,
	format: 'cjs',
	metafile: true,
	plugins: [...shared.plugins, noTopLevelAwait, fromHost],
	define: {...shared.define, 'import.meta.url': '__rbBundleUrl'},
	banner: {},
	entryPoints: ['src/commands/screen-commands.ts'],
	outfile: screenScript,
	external: ['node-pty'],
});
writeFileSync(
	new URL(`../${screenScript}`, import.meta.url),
	asScript(readFileSync(new URL(`../${screenScript}`, import.meta.url), 'utf8'), metafile),
);
