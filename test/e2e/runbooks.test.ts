// Every runbook under runbooks/ loads and dry-runs through the CLI; every real checklist has its
// hand-finished runbook, with what a production change needs.
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseRunbook} from '../../src/core/runbook/parse.js';
import {allSteps} from '../../src/core/runbook/model.js';
import {repoRoot, runCli} from '../helpers/cli.js';
import {checklistFiles} from '../helpers/checklists.js';

const dir = path.join(repoRoot, 'runbooks');
const runbooks = readdirSync(dir)
	.filter((f) => f.endsWith('.yaml'))
	.sort();
const checklists = checklistFiles;

describe('runbooks/', () => {
	for (const file of runbooks) {
		it(`${file} validates and dry-runs, showing every step`, () => {
			const validated = runCli(['validate', path.join(dir, file)]);
			expect(validated.stderr).toBe('');
			expect(validated.code).toBe(0);
			const dry = runCli(['run', path.join(dir, file), '--dry-run']);
			expect(dry.code).toBe(0);
			const parsed = parseRunbook(readFileSync(path.join(dir, file), 'utf8'));
			if (!parsed.ok) throw new Error('does not parse');
			for (const step of allSteps(parsed.runbook)) expect(dry.stdout).toContain(step.id);
		});
	}

	for (const checklist of checklists) {
		it(`${checklist} has a hand-finished runbook with a window, secrets kept out of the log, typed confirmations, timeboxes, rollback and sign-off`, () => {
			const file = checklist.replace(/\.md$/, '.yaml');
			expect(runbooks).toContain(file);
			const parsed = parseRunbook(readFileSync(path.join(dir, file), 'utf8'));
			if (!parsed.ok) throw new Error('does not parse');
			const rb = parsed.runbook;
			const steps = allSteps(rb);
			expect(rb.window).toBeDefined();
			expect(
				rb.secrets.length +
					Object.values(rb.env).filter((e) => e.secret).length +
					Object.values(rb.vars).filter((v) => v.secret).length +
					steps.filter((s) => s.ask?.isSecret).length +
					// What the operator types into an interactive step (a password to sudo or a script) is never recorded.
					steps.filter((s) => s.isInteractive).length,
			).toBeGreaterThan(0);
			expect(steps.some((s) => s.confirm === 'typed')).toBe(true);
			expect(rb.phases.every((p) => p.timeboxMs !== undefined)).toBe(true);
			expect(rb.rollback.length).toBeGreaterThan(0);
			expect(steps.some((s) => s.rollback.length > 0)).toBe(true);
			expect(rb.signoff.length).toBeGreaterThan(0);
			expect(steps.filter((s) => s.kind === 'run' || s.kind === 'poll').length).toBeGreaterThan(2);
		});
	}
});
