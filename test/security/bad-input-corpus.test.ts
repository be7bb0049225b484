// Every case of the bad-input corpus, run through the built CLI as an operator would: exit 2, one
// clear line on stderr, no stack trace, and done in under 2 s (a hang is a failure, not a wait).
import {spawnSync} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {binRunbook, isolatedEnv, repoRoot} from '../helpers/cli.js';
import {importInputCases, runbookInputCases, sessionInputCases, type BadInputCase} from './bad-input-cases.js';

/**
 * A hang is killed here and fails. Each case takes 0.3–0.5 s on a quiet machine (the 2 s promise);
 * the bound is wider because CI runs this file beside the kill -9 test on two cores, where node's
 * own start-up alone has taken over 2 s. A wall-clock figure belongs in bench/, not in a test.
 */
const budgetMs = 6000;
const corpus: BadInputCase[] = [...runbookInputCases, ...importInputCases, ...sessionInputCases];

describe('the bad-input corpus: exit 2, one clear line, no stack trace, under 2 s', () => {
	it('has at least 40 cases, each named once', () => {
		expect(corpus.length).toBeGreaterThanOrEqual(40);
		expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
	});

	for (const badInput of corpus) {
		it(badInput.name, () => {
			const args = badInput.args(mkdtempSync(path.join(os.tmpdir(), 'runbook-corpus-')));
			const startedMs = performance.now();
			const result = spawnSync(process.execPath, [binRunbook, ...args], {
				cwd: repoRoot,
				env: {...process.env, ...isolatedEnv, CI: 'true'},
				encoding: 'utf8',
				input: '',
				timeout: budgetMs,
				maxBuffer: 1024 * 1024,
			});
			const elapsedMs = performance.now() - startedMs;
			expect(result.signal, `killed after ${budgetMs} ms: it hangs`).toBeNull();
			expect(result.status).toBe(2);
			expect(result.stderr).not.toMatch(/internal error|\n\s+at |Cannot read properties|undefined|\[object /);
			expect(result.stderr.trim().split('\n')).toHaveLength(1);
			expect(result.stderr).toMatch(badInput.reason);
			expect(elapsedMs).toBeLessThan(budgetMs);
		});
	}
});
