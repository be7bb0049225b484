// Bundles the CLI into one file: importing Ink unbundled costs ~7x `node -e 0` at start-up,
// a bundle about 3x (../shared/research/feasibility.md, section 2).
import {build} from 'esbuild';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
	absWorkingDir: root,
	entryPoints: ['src/cli.tsx'],
	outfile: 'dist/runbook.mjs',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	minify: true,
	sourcemap: 'linked',
	legalComments: 'none',
	logLevel: 'warning',
	// Ink's lazy devtools import would otherwise be inlined with a static import that fails at load.
	alias: {'react-devtools-core': './scripts/devtools-stub.mjs'},
	define: {'process.env.NODE_ENV': '"production"'},
	banner: {js: "import {createRequire as __rbRequire} from 'node:module'; const require = __rbRequire(import.meta.url);"},
});
