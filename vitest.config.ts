import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
		environment: 'node',
		globalSetup: ['test/helpers/test-tmpdir.ts'],
		testTimeout: 20_000,
		hookTimeout: 20_000,
		// End-to-end tests each start a private tmux server; two cores are what CI has.
		maxWorkers: 2,
		// A frame snapshot that is missing fails, inside CI and out; `vitest run -u` writes it.
		update: 'none',
		// The JSON report lets .ci/run print the plain "N passed, N failed" line CI reads.
		reporters: ['default', ['json', {outputFile: '.vitest-report.json'}]],
	},
});
