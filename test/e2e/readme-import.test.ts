// The README shows an imported draft: its report lines and its piece of YAML must be what
// `runbook import` prints and writes today, or the README misleads the reader.
import {mkdtempSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {repoRoot, runCli} from '../helpers/cli.js';

/** The fenced blocks of the README section on real checklists, in order. */
function sectionBlocks(): string[] {
	const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
	const start = readme.indexOf('## Real checklists');
	const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
	return [...section.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

describe('the README’s imported draft', () => {
	it('is what `runbook import` reports and writes for the AstroAxis checklist', () => {
		const [report, draft] = sectionBlocks();
		const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'runbook-readme-')), 'draft.yaml');
		const result = runCli(['import', 'test/fixtures/checklists/astroaxis-fastapi-two-day-plan.md', '-o', out]);
		expect(result.code).toBe(0);
		const stderr = result.stderr.replace(/test\/fixtures\/checklists\//, '…/').replace(out, 'draft.yaml');
		for (const line of report!.trimEnd().split('\n')) expect(stderr).toContain(line);
		expect(readFileSync(out, 'utf8')).toContain(draft!.split('\n').slice(0, 4).join('\n'));
		for (const piece of draft!.split('      - id: ').slice(1))
			expect(readFileSync(out, 'utf8')).toContain(`      - id: ${piece}`.trimEnd());
	});
});
