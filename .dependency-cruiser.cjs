// The layer rules of src/README.md, checked by machine: `npm run lint` fails on a crossing.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
	forbidden: [
		{
			name: 'core-is-pure',
			comment: 'core/ imports nothing of ours outside itself: parsing, events, the reducer and verification stay testable without I/O.',
			severity: 'error',
			from: {path: '^src/core/'},
			to: {path: '^src/', pathNot: '^src/core/'},
		},
		{
			name: 'core-has-no-io',
			comment: 'core/ uses no Ink, React, zx, conf, file system, processes or network.',
			severity: 'error',
			from: {path: '^src/core/'},
			to: {dependencyTypes: ['core', 'npm'], path: '^(ink|react|zx|conf|pg|node-pty|fs|node:fs|fs/promises|node:fs/promises|child_process|node:child_process|net|node:net)$'},
		},
		{
			name: 'only-exec-imports-zx',
			comment: 'exec/ is the one place that runs processes through zx.',
			severity: 'error',
			from: {path: '^src/', pathNot: '^src/exec/'},
			to: {path: '(^|/)node_modules/zx/|^zx$'},
		},
		{
			name: 'only-store-and-exec-touch-files',
			comment: 'Every file on disk goes through store/ (or exec/, for the step spool).',
			severity: 'error',
			from: {path: '^src/', pathNot: '^src/(store|exec)/'},
			to: {dependencyTypes: ['core'], path: '^(node:)?fs(/promises)?$'},
		},
		{
			name: 'ui-draws-only',
			comment: 'ui/ draws state and turns keys into intents; it never runs processes or reads files.',
			severity: 'error',
			from: {path: '^src/ui/'},
			to: {path: '^src/(exec|store)/'},
		},
		{
			name: 'ui-runs-nothing',
			severity: 'error',
			from: {path: '^src/ui/'},
			to: {dependencyTypes: ['core'], path: '^(node:)?child_process$'},
		},
		{
			name: 'run-does-not-import-audit',
			comment: 'audit/ reads the events run/ defines; run/ never reaches back, so the two cannot form a cycle.',
			severity: 'error',
			from: {path: '^src/core/run/'},
			to: {path: '^src/core/audit/'},
		},
		{name: 'no-circular', severity: 'error', from: {path: '^src/'}, to: {circular: true}},
	],
	options: {
		doNotFollow: {path: 'node_modules'},
		tsConfig: {fileName: 'tsconfig.json'},
		tsPreCompilationDeps: true,
		enhancedResolveOptions: {exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js', '.mjs']},
	},
};
