// Bundles the CLI into one file: importing Ink unbundled costs ~7x `node -e 0` at start-up,
// a bundle about 3x (../shared/research/feasibility.md, section 2).
import {build} from 'esbuild';
import {fileURLToPath} from 'node:url';

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
await build({
	absWorkingDir: root,
	entryPoints: {runbook: 'src/cli.tsx'},
	outdir: 'dist',
	outExtension: {'.js': '.mjs'},
	// What is imported only on demand (conf, for one setting) goes in its own chunk, never parsed at start.
	splitting: true,
	chunkNames: 'chunks/[name]-[hash]',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	minify: true,
	sourcemap: 'linked',
	legalComments: 'none',
	logLevel: 'warning',
	plugins: [inkWithoutDevtools],
	// A native addon: loaded from node_modules, where npm built it, and only when an interactive step runs.
	external: ['node-pty'],
	define: {'process.env.NODE_ENV': '"production"'},
	banner: {
		js: "import {createRequire as __rbRequire} from 'node:module'; const require = __rbRequire(import.meta.url);",
	},
});
