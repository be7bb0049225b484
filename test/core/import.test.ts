// `runbook import` of every real checklist: a runbook that validates, with no checklist line
// lost, and the Mac Roman mojibake repaired where the bytes show it.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {stringify} from 'yaml';
import {describe, expect, it} from 'vitest';
import {importChecklist} from '../../src/core/import/checklist.js';
import {repairMojibake} from '../../src/core/import/mojibake.js';
import {parseRunbook} from '../../src/core/runbook/parse.js';
import {checklistDir as dir, checklistFiles as checklists} from '../helpers/checklists.js';

/** Words of two or more letters or digits: what a line says, without its Markdown. */
const words = (text: string) =>
	(text.replace(/<[A-Za-z][^<>\s]*>|\bYOUR_[A-Z0-9_]+\b/g, ' ').match(/[\p{L}\p{N}]{2,}/gu) ?? []).map((w) =>
		w.toLowerCase(),
	);

function strings(value: unknown, out: string[] = []): string[] {
	if (typeof value === 'string') out.push(value);
	else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
	else if (value && typeof value === 'object') {
		for (const [key, item] of Object.entries(value)) {
			out.push(key);
			strings(item, out);
		}
	}
	return out;
}

describe('runbook import of each checklist in test/fixtures/checklists', () => {
	it('finds the checklists', () => expect(checklists.length).toBeGreaterThanOrEqual(4));

	for (const file of checklists) {
		describe(file, () => {
			const markdown = readFileSync(path.join(dir, file), 'utf8');
			const {runbook, report} = importChecklist(markdown, {fallbackName: file});
			const yaml = stringify(runbook, {lineWidth: 0});

			it('produces a runbook that validates', () => {
				const parsed = parseRunbook(yaml);
				expect(parsed.ok ? [] : parsed.problems).toEqual([]);
				expect(report.phases).toBeGreaterThan(1);
			});

			it('loses no line: every word of every line is in a step, a note, a name or a var', () => {
				const kept = new Set(words(strings(runbook).join('\n')));
				const repaired = repairMojibake(markdown).text;
				// Fence lines are markup: their language tag is not content.
				const lost = repaired
					.split('\n')
					.map((line, i) => ({
						line: i + 1,
						missing: /^\s*(```|~~~)/.test(line) ? [] : words(line).filter((w) => !kept.has(w)),
					}))
					.filter((l) => l.missing.length > 0);
				expect(lost).toEqual([]);
			});
		});
	}

	it('repairs the mojibake in the three checklists that have it, and leaves the fourth as it is', () => {
		const garbled = /üö|‚úÖ|‚ö†|‚ùå|üî/;
		const affected = checklists.filter((f) => garbled.test(readFileSync(path.join(dir, f), 'utf8')));
		expect(affected).toHaveLength(3);
		for (const file of affected) {
			const {runbook, report} = importChecklist(readFileSync(path.join(dir, file), 'utf8'), {fallbackName: file});
			const text = stringify(runbook);
			expect(report.mojibakeRepaired).toBeGreaterThan(0);
			expect(text).not.toMatch(garbled);
			expect(text).toMatch(/[✅🚨🚀⚠❌📋]/u);
		}
		const clean = checklists.find((f) => !affected.includes(f))!;
		expect(
			importChecklist(readFileSync(path.join(dir, clean), 'utf8'), {fallbackName: clean}).report.mojibakeRepaired,
		).toBe(0);
		expect(repairMojibake('café, naïve, 9:00 – 17:00').text).toBe('café, naïve, 9:00 – 17:00');
	});
});

describe('what the importer makes of a checklist', () => {
	const {runbook, report} = importChecklist(
		[
			'# Deploy billing',
			'## Day 2',
			'- [ ] **9:00 AM**: Deploy backend',
			'- [ ] **10:30 AM**: Post-deployment monitoring',
			'  - Watch logs for 30 minutes',
			'```bash',
			'# Run migrations',
			'python manage.py migrate --database <db-host>',
			'curl -fsS https://YOUR_DOMAIN/health',
			'```',
			'## Rollback Plan',
			'1. **Restore database**',
			'   ```bash',
			'   psql app < backup.sql',
			'   ```',
			'## Sign-off',
			'- [ ] **DevOps Engineer**: infrastructure verified',
		].join('\n'),
		{fallbackName: 'x'},
	);
	const phases = runbook.phases as Array<{
		name: string;
		at?: string;
		timebox?: string;
		steps: Array<Record<string, unknown>>;
	}>;

	it('times of day become the phase start and timebox; "for 30 minutes" a wait', () => {
		expect(phases[0]).toMatchObject({name: 'Day 2', at: '09:00', timebox: '120m'});
		expect(phases[0]!.steps.find((s) => 'wait' in s)).toMatchObject({wait: '30m'});
	});

	it('a shell block becomes run steps named by its comments, placeholders vars, destructive commands typed', () => {
		const run = phases[0]!.steps.find((s) => 'run' in s)!;
		expect(run).toMatchObject({
			name: 'Run migrations',
			run: 'python manage.py migrate --database {{ db_host }}\ncurl -fsS https://{{ your_domain }}/health',
			confirm: 'typed',
		});
		expect(runbook.vars).toEqual({
			db_host: {prompt: 'Value for <db-host>'},
			your_domain: {prompt: 'Value for YOUR_DOMAIN'},
		});
		expect(run.rollback).toEqual(['restore-database']);
	});

	it('the rollback section is the rollback list; the sign-off section the sign-off roles', () => {
		expect(runbook.rollback).toEqual([
			{
				id: 'restore-database',
				name: 'Rollback Plan › Restore database',
				run: 'psql app < backup.sql',
				confirm: 'typed',
			},
		]);
		expect(runbook.signoff).toEqual(['DevOps Engineer']);
		expect(report.guesses.some((g) => g.includes('rollback section'))).toBe(true);
	});
});
