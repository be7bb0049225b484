// `runbook import` of every real checklist: a runbook that validates, with no checklist line
// lost, and the Mac Roman mojibake repaired where the bytes show it.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {stringify} from 'yaml';
import {describe, expect, it} from 'vitest';
import {importChecklist, type ImportResult} from '../../src/core/import/checklist.js';
import {repairMojibake} from '../../src/core/import/mojibake.js';
import {parseRunbook} from '../../src/core/runbook/parse.js';
import {checklistDir as dir, checklistFiles as checklists} from '../helpers/checklists.js';

/** The draft of a checklist that imports. */
function draft(markdown: string, fallbackName = 'x'): Extract<ImportResult, {ok: true}> {
	const result = importChecklist(markdown, {fallbackName});
	if (!result.ok) throw new Error(result.problem);
	return result;
}

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

type DraftStep = Record<string, unknown> & {id: string};

function allDraftSteps(runbook: Record<string, unknown>): DraftStep[] {
	const phases = runbook.phases as Array<{steps: DraftStep[]}>;
	return [...phases.flatMap((p) => p.steps), ...((runbook.rollback as DraftStep[] | undefined) ?? [])];
}

// The rules of issue 12, written independently of the importer's own, for the checklists' commands.
const follow = /\btail\s+-\S*f|\bjournalctl\b.*\s-\S*f|\blogs\b.*\s(-f|--follow)\b|--follow\b|^\s*(sudo\s+)?watch\s/;
const changesProduction =
	/\bup\s+-d\b|\b(git|docker)\s+push\b|(^|\s)deploy\b|\b(restart|reload|stop|start)\b|\bapply\b|\bhelm\s+upgrade\b|\bkubectl\s+(delete|rollout)\b|(^|\s)migrate\b(?!.*--plan)|\balembic\s+(upgrade|downgrade)\b|\brestore\b|^\s*psql\b[^\n]*<|(^|\s)rm\s|\bDROP\b|\bdelete\b|\bprune\b|--replicas[= ]0|\bgit\s+(revert|checkout|pull|reset)\b/;
const interactive =
	/createsuperuser|(^|\s)(nano|vim?|emacs)\s|^\s*(sudo\s+)?psql\b(?![^\n]*(\s-c|\s-f|<))|^\s*ssh\s+\S+\s*$|docker\s+exec\s+-it\b|^\s*sudo\s/;
const exampleHost =
	/your-?[\w-]*\.(com|org|net|io|app)\b|\bexample\.(com|org|net)\b|\.onrender\.com\b.*\byour|\byourapp\b/;

describe('runbook import of each checklist in test/fixtures/checklists', () => {
	it('finds the checklists', () => expect(checklists.length).toBeGreaterThanOrEqual(4));

	for (const file of checklists) {
		describe(file, () => {
			const markdown = readFileSync(path.join(dir, file), 'utf8');
			const {runbook, report} = draft(markdown, file);
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

			const steps = allDraftSteps(runbook);
			const runs = steps.filter((s) => typeof s.run === 'string');
			const lines = (step: DraftStep) => String(step.run).split('\n');

			it('no step without `for` runs a follow command', () => {
				expect(
					runs.filter((s) => s.for === undefined && lines(s).some((l) => follow.test(l))).map((s) => s.id),
				).toEqual([]);
			});

			it('every command that changes production is typed-confirmed', () => {
				const changing = runs.filter((s) => lines(s).some((l) => changesProduction.test(l)));
				// The jewellery checklist deploys by pushing in a dashboard: it has no commands at all.
				if (!file.startsWith('jewellery')) expect(changing.length).toBeGreaterThan(0);
				expect(changing.filter((s) => s.confirm !== 'typed').map((s) => `${s.id}: ${String(s.run)}`)).toEqual([]);
				expect(
					report.firstChange === undefined || steps.find((s) => s.id === report.firstChange)?.confirm,
				).toBeTruthy();
			});

			it('every interactive command is an interactive step', () => {
				expect(
					runs.filter((s) => s.interactive !== true && lines(s).some((l) => interactive.test(l))).map((s) => s.id),
				).toEqual([]);
			});

			it('every example host in a command is a var', () => {
				expect(runs.filter((s) => exampleHost.test(String(s.run))).map((s) => String(s.run))).toEqual([]);
			});

			it('runs nothing that is not shell, and no run step after the optional later phase begins', () => {
				expect(
					runs.filter((s) => lines(s).some((l) => /^\s*[A-Z][a-z]|^\s*(SELECT|ALTER|def |import )/.test(l))),
				).toEqual([]);
				const phases = runbook.phases as Array<{id: string; steps: DraftStep[]}>;
				const later = phases.findIndex((p) => p.id === 'later');
				if (later >= 0) {
					expect(later).toBe(phases.length - 1);
					expect(phases[later]!.steps.every((s) => 'note' in s && !('run' in s) && !('check' in s))).toBe(true);
				}
				expect(runbook.target).toMatch(/^[a-z0-9-]+$/);
			});
		});
	}

	it('repairs the mojibake in the three checklists that have it, and leaves the fourth as it is', () => {
		const garbled = /üö|‚úÖ|‚ö†|‚ùå|üî/;
		const affected = checklists.filter((f) => garbled.test(readFileSync(path.join(dir, f), 'utf8')));
		expect(affected).toHaveLength(3);
		for (const file of affected) {
			const {runbook, report} = draft(readFileSync(path.join(dir, file), 'utf8'), file);
			const text = stringify(runbook);
			expect(report.mojibakeRepaired).toBeGreaterThan(0);
			expect(text).not.toMatch(garbled);
			expect(text).toMatch(/[✅🚨🚀⚠❌📋]/u);
		}
		const clean = checklists.find((f) => !affected.includes(f))!;
		expect(draft(readFileSync(path.join(dir, clean), 'utf8'), clean).report.mojibakeRepaired).toBe(0);
		expect(repairMojibake('café, naïve, 9:00 – 17:00').text).toBe('café, naïve, 9:00 – 17:00');
	});
});

describe('what the importer makes of a checklist', () => {
	const {runbook, report} = draft(
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

/** A checklist of one section holding one bash block of `commands`. */
function shellDraft(commands: string[], extra: string[] = []) {
	return draft(['# Deploy shop', '## Deploy', '```bash', ...commands, '```', ...extra].join('\n'), 'shop');
}

describe('import rules, one at a time', () => {
	it('every follow command runs for a bounded time, taken from the checklist when it says one', () => {
		const follows = [
			'docker compose logs -f web',
			'tail -f /var/log/app.log',
			'journalctl -fu app',
			'kubectl logs -f deploy/api',
			'watch kubectl get pods',
			'kubectl logs deploy/api --follow',
		];
		const {runbook, report} = shellDraft(follows.flatMap((c) => [c, '']));
		const runs = allDraftSteps(runbook).filter((s) => 'run' in s);
		expect(runs.map((s) => [s.run, s.for])).toEqual(follows.map((c) => [c, '5m']));
		expect(report.follows).toBe(6);
		const timed = draft(
			['## Watch', '- [ ] Watch logs for 30 minutes', '  ```bash', '  docker compose logs -f', '  ```'].join('\n'),
		);
		expect(allDraftSteps(timed.runbook).find((s) => 'run' in s)).toMatchObject({for: '30m'});
		// `-f` that is no follow: a compose file, a failing curl, a forced removal.
		const {runbook: plain} = shellDraft(['docker compose -f prod.yml ps', 'curl -f https://shop.test/health']);
		expect(allDraftSteps(plain).find((s) => 'run' in s)).not.toHaveProperty('for');
	});

	it('a follow command among others is a step of its own, so `for` bounds only it', () => {
		const {runbook} = shellDraft(['docker compose up -d', 'docker compose logs -f api']);
		expect(allDraftSteps(runbook).map((s) => [s.run, s.for, s.confirm])).toEqual([
			['docker compose up -d', undefined, 'typed'],
			['docker compose logs -f api', '5m', undefined],
		]);
	});

	it('every production-changing command is typed-confirmed, and the first of them is the first change', () => {
		const changing = [
			'docker compose up -d',
			'docker push shop/api:1.2',
			'git push origin main',
			'fly deploy',
			'sudo systemctl restart shop',
			'kubectl apply -f k8s/',
			'helm upgrade shop ./chart',
			'terraform apply',
			'kubectl delete pod api-1',
			'kubectl rollout restart deploy/api',
			'python manage.py migrate',
			'alembic upgrade head',
			'pg_restore -d shop backup.dump',
			'psql shop < backup.sql',
			'rm -rf /srv/shop/releases/old',
			'psql -c "DROP TABLE old_orders"',
			'aws s3 rm s3://shop/tmp --recursive',
			'docker system prune -f',
			'kubectl scale deploy/api --replicas=0',
			'kubectl delete deployment api',
			'heroku config:set env SHOP_READONLY=1',
		];
		const {runbook, report} = shellDraft(changing.flatMap((c) => [c, '']));
		const runs = allDraftSteps(runbook).filter((s) => 'run' in s);
		expect(runs.filter((s) => s.confirm !== 'typed').map((s) => s.run)).toEqual([]);
		expect(report.firstChange).toBe(runs[0]!.id);
	});

	it('read-only commands are never typed-confirmed, nor the first step that changes things', () => {
		const readOnly = [
			'ls -la /srv/shop',
			'git status',
			'kubectl get pods',
			'kubectl describe deploy/api',
			'helm list',
			'pulumi preview',
			'terraform plan',
			'python manage.py migrate --plan',
			'python manage.py makemigrations --check --dry-run',
			'kubectl apply -f k8s/ --dry-run=client',
			'sudo systemctl status shop',
			'kubectl rollout status deploy/api',
		];
		const {runbook, report} = shellDraft([...readOnly.flatMap((c) => [c, '']), 'python manage.py migrate']);
		const runs = allDraftSteps(runbook).filter((s) => 'run' in s);
		expect(runs.filter((s) => s.confirm === 'typed').map((s) => s.run)).toEqual(['python manage.py migrate']);
		expect(report.firstChange).toBe(runs.at(-1)!.id);
	});

	it('interactive commands become interactive steps; the same tools with a command do not', () => {
		const interactiveCommands = [
			'python manage.py createsuperuser',
			'psql shop',
			'nano /etc/nginx/sites-available/shop',
			'vim config.yml',
			'ssh deploy@shop.internal',
			'docker exec -it shop-db bash',
			'read -sp "Admin password: " ADMIN_PASSWORD',
		];
		const {runbook, report} = shellDraft(interactiveCommands.flatMap((c) => [c, '']));
		const runs = allDraftSteps(runbook).filter((s) => 'run' in s);
		expect(runs.filter((s) => s.interactive !== true).map((s) => s.run)).toEqual([]);
		expect(report.interactive).toBe(interactiveCommands.length);
		const {runbook: batch} = shellDraft([
			'psql -c "select 1" shop',
			'',
			'ssh deploy@shop.internal uptime',
			'',
			'psql shop < dump.sql',
		]);
		expect(allDraftSteps(batch).filter((s) => s.interactive === true)).toEqual([]);
	});

	it('placeholders and example hosts become vars, each guess reported', () => {
		const {runbook, report} = shellDraft([
			'curl -fsS https://your-domain.com/health',
			'curl -fsS https://api.example.com/health',
			'curl -fsS https://yourapp.onrender.com/health',
			'echo "deployed by [Name]" | mail -s deploy <ops-list>',
		]);
		expect(allDraftSteps(runbook).find((s) => 'run' in s)!.run).toBe(
			[
				'curl -fsS https://{{ domain }}/health',
				'curl -fsS https://api.{{ domain }}/health',
				'curl -fsS https://{{ app_host }}/health',
				'echo "deployed by {{ name }}" | mail -s deploy {{ ops_list }}',
			].join('\n'),
		);
		expect(Object.keys(runbook.vars as object).sort()).toEqual(['app_host', 'domain', 'name', 'ops_list']);
		for (const text of ['your-domain.com', 'yourapp.onrender.com', '[Name]', '<ops-list>'])
			expect(report.guesses.some((g) => g.includes(`${text} is a placeholder`))).toBe(true);
	});

	it('comment lines that ask for a manual look become one check step; remarks stay notes', () => {
		const {runbook} = shellDraft([
			'python manage.py migrate',
			'# Check Sentry for errors',
			'# Confirm the queue drains',
			'',
			'# Note: staging first',
		]);
		const steps = allDraftSteps(runbook);
		expect(steps.find((s) => 'check' in s)).toMatchObject({
			check: ['Check Sentry for errors', 'Confirm the queue drains'],
		});
		expect(steps.find((s) => 'run' in s)!.run).toBe('python manage.py migrate');
		expect(steps.some((s) => s.note === 'Note: staging first')).toBe(true);
	});

	it('one check step per checklist group, holding its items', () => {
		const {runbook} = draft(['## Verify', ...Array.from({length: 5}, (_, i) => `- [ ] item ${i + 1}`)].join('\n'));
		expect(allDraftSteps(runbook)).toEqual([
			{id: 'verify', name: 'Verify', check: ['item 1', 'item 2', 'item 3', 'item 4', 'item 5']},
		]);
	});

	it('later and maintenance sections are notes in an optional last phase; when-to-act sections are notes', () => {
		const {runbook} = draft(
			[
				'## Deploy',
				'```bash',
				'fly deploy',
				'```',
				'## Post-deploy checks',
				'- [ ] health is green',
				'## First week',
				'- [ ] review logs daily',
				'```bash',
				'docker system prune -f',
				'```',
				'## Maintenance',
				'- [ ] rotate keys',
				'## Rollback',
				'### When to roll back',
				'- error rate above 5%',
				'### Steps',
				'1. **Redeploy previous**',
				'   ```bash',
				'   fly deploy --image shop:previous',
				'   ```',
				'## Escalation path',
				'1. Call the on-call lead',
			].join('\n'),
		);
		const phases = runbook.phases as Array<{id: string; name: string; steps: DraftStep[]}>;
		expect(phases.at(-1)).toMatchObject({id: 'later', name: 'Later (optional): after this run'});
		expect(phases.at(-1)!.steps.every((s) => Object.keys(s).sort().join() === 'id,name,note')).toBe(true);
		expect(String(phases.at(-1)!.steps[0]!.note)).toContain('docker system prune -f');
		const runs = phases.flatMap((p) => p.steps).filter((s) => 'run' in s);
		expect(runs.map((s) => s.run)).toEqual(['fly deploy']);
		expect((runbook.rollback as DraftStep[]).map((s) => s.run)).toEqual(['fly deploy --image shop:previous']);
		const notes = phases.flatMap((p) => p.steps).map((s) => String(s.note ?? ''));
		expect(notes.some((n) => n.includes('error rate above 5%'))).toBe(true);
		expect(notes.some((n) => n.includes('Call the on-call lead'))).toBe(true);
	});

	it('guesses the target from the app name, so typed confirmations ask for it', () => {
		expect(draft('# Production Deployment Checklist - Jewellery CRM\n- [ ] a').runbook.target).toBe('jewellery-crm');
		expect(draft('# Deployment Checklist\n```bash\nsudo systemctl restart billing-api\n```').runbook.target).toBe(
			'billing-api',
		);
		expect(draft('# Production Deployment Checklist\n- [ ] a', 'django-crm-deploy').runbook.target).toBe('django-crm');
	});

	it('a curl that cannot fail is reported, not changed', () => {
		const {runbook, report} = shellDraft(['curl https://shop.test/health', '', 'curl -fsS https://shop.test/ready']);
		expect(allDraftSteps(runbook).map((s) => s.run)).toEqual([
			'curl https://shop.test/health',
			'curl -fsS https://shop.test/ready',
		]);
		expect(report.guesses.filter((g) => g.includes('without `-f`'))).toHaveLength(1);
	});

	it('a fenced block that is not shell is never a run step, even in a bash fence', () => {
		const blocks = {
			'SQL statements': ['SELECT count(*) FROM orders;', 'ALTER TABLE orders ADD COLUMN note text;'],
			'application code': ['from shop import app', 'app.config["DEBUG"] = False'],
			'a decision tree': ['Error rate > 5%?', '├── YES → roll back', '└── NO → keep watching'],
			'a message template': ['Subject: Deploy tonight', 'Hi team,', 'We deploy at 22:00.'],
		};
		for (const [kind, lines] of Object.entries(blocks)) {
			const {runbook, report} = shellDraft(lines);
			expect(allDraftSteps(runbook).filter((s) => 'run' in s)).toEqual([]);
			expect(allDraftSteps(runbook).some((s) => String(s.note).includes(lines[0]!))).toBe(true);
			expect(report.guesses.some((g) => g.includes(`holds ${kind}`))).toBe(true);
		}
	});

	it('refuses an empty checklist, or one with nothing to make steps of, with a reason', () => {
		expect(importChecklist('', {fallbackName: 'x'})).toEqual({
			ok: false,
			problem: 'the checklist is empty; there is nothing to import',
		});
		expect(importChecklist('# Deploy\n\nJust words.\n', {fallbackName: 'x'})).toMatchObject({
			ok: false,
			problem: expect.stringContaining('no list items, code blocks or tables'),
		});
	});
});
