// The deploy lab end to end: runbooks/django-crm-deploy.yaml run for real in a terminal against
// a Django CRM on gunicorn, a throwaway PostgreSQL and a bare git origin (test/lab/lab.sh),
// answered as an operator and their partner would. A good release ends with the new schema and
// a log that verifies; a release whose migration fails is rolled back, and every client the
// migration deleted is back after the restore. `npm run lab` leaves nothing behind on Ctrl-C.
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect} from 'vitest';
import {binRunbook, repoRoot, runCli} from '../helpers/cli.js';
import {hasPostgres} from '../helpers/pg-cluster.js';
import {isAlive} from '../helpers/procs.js';
import {skipUnless} from '../helpers/skip.js';
import {startTui, type Tui} from '../helpers/tmux.js';

const labScript = path.join(repoRoot, 'test/lab/lab.sh');
const runbookFile = path.join(repoRoot, 'runbooks/django-crm-deploy.yaml');
// The same interpreter and gunicorn as test/lab/lab.sh: Debian's, whatever python3 is first on PATH.
const python = process.env.LAB_PYTHON ?? '/usr/bin/python3';
const hasDjango =
	spawnSync(python, ['-c', 'import django, psycopg2'], {stdio: 'ignore'}).status === 0 &&
	existsSync(process.env.LAB_GUNICORN ?? '/usr/bin/gunicorn');
const itWithLab = skipUnless(
	hasDjango && hasPostgres,
	'the deploy lab needs python3-django, python3-psycopg2, gunicorn and PostgreSQL 15 (apt-get install them)',
);
const password = 'lab-Superuser-pass-93';

type Lab = {dir: string; vars: Record<string, string>; logDir: string};

/** What each test leaves: its terminals, and folders (labs, state) that `lab.sh down` stops and removes. */
const open: {tuis: Tui[]; labs: string[]} = {tuis: [], labs: []};
afterEach(() => {
	for (const t of open.tuis.splice(0)) t.kill();
	for (const dir of open.labs.splice(0)) execFileSync('bash', [labScript, 'down', dir]);
});

function labUp(release: 'good' | 'broken'): Lab {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-lab-'));
	open.labs.push(dir);
	execFileSync('bash', [labScript, 'up', dir, release], {stdio: ['ignore', 'ignore', 'pipe']});
	const vars = Object.fromEntries(
		readFileSync(path.join(dir, 'lab.vars'), 'utf8')
			.trim()
			.split('\n')
			.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
	);
	return {dir, vars, logDir: path.join(dir, 'sessions')};
}

function sql(lab: Lab, query: string): string {
	const {db_host: host, db_port: port, db_user: user} = lab.vars;
	return execFileSync('psql', ['-h', host!, '-p', port!, '-U', user!, '-d', 'crm', '-tAc', query], {
		encoding: 'utf8',
	}).trim();
}

function tui(command: string): Tui {
	const t = startTui(command, {cols: 120, rows: 40});
	open.tuis.push(t);
	return t;
}

/** The operator's terminal: the lab's environment, in its ops folder, a `--var` for each of the lab's vars. */
function operator(lab: Lab): Tui {
	const vars = Object.entries(lab.vars)
		.map(([name, value]) => `--var ${shellQuote(`${name}=${value}`)}`)
		.join(' ');
	return tui(
		`source ${lab.dir}/lab.env && cd ${lab.dir}/ops && node ${binRunbook} run ${runbookFile} ${vars} --log-dir ${lab.logDir}`,
	);
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

const sessionFile = (lab: Lab) => path.join(lab.logDir, readdirSync(lab.logDir)[0]!, 'session.jsonl');
const records = (lab: Lab) =>
	readFileSync(sessionFile(lab), 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((l) => JSON.parse(l) as Record<string, unknown> & {type: string});

/** Waits for `pattern`; outside the deploy window, overrides it with a reason first, as the README says. */
async function reach(t: Tui, pattern: string | RegExp, timeoutMs = 20_000): Promise<string> {
	const screen = await t.waitFor(
		new RegExp(`${typeof pattern === 'string' ? escape(pattern) : pattern.source}|Outside the deploy window`),
		timeoutMs,
	);
	if (!screen.includes('Outside the deploy window')) return screen;
	t.keys('o');
	await t.waitFor('Why start outside the deploy window?');
	t.type('deploy lab rehearsal, not production');
	t.keys('Enter');
	return t.waitFor(pattern, timeoutMs);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function tick(t: Tui, items: string[]) {
	for (const item of items) {
		await reach(t, `☐ ${item}`);
		t.keys('p');
	}
}

/** Review, backup and the plan, up to the typed confirmation of `migrate`, then the partner's approval. */
async function throughMigrateApproval(t: Tui, lab: Lab) {
	await tick(t, ['0036_add_customer_import_audit', '0037_clientvisit', 'No DeleteModel', 'Already applied']);
	await tick(t, ['SECRET_KEY is set', 'Database credentials', 'CORS_ALLOWED_ORIGINS', 'Security headers', 'Models:']);
	await tick(t, ['The platform (Render']);
	await reach(t, 'Run `backup`?');
	t.keys('Enter');
	await tick(t, ['The plan applies only 0036 and 0037']);
	await reach(t, /▶ migrate[\s\S]*Type `crm-production` to run it\./);
	t.type('crm-production');
	t.keys('Enter');
	await reach(t, 'Waiting for 1 more approval');
	approveAsPartner(lab);
	const partner = tui(`XDG_CONFIG_HOME=${partnerConfig(lab)} ${binRunbook} approve --log-dir ${lab.logDir}`);
	await partner.waitFor('Type `approve`');
	partner.type('approve');
	partner.keys('Enter');
	await partner.waitFor('approved: recorded in the session');
}

const partnerConfig = (lab: Lab) => path.join(lab.dir, 'partner');

/** The partner approves only sessions signed by a key they trust: the operator's. */
function approveAsPartner(lab: Lab) {
	const header = records(lab)[0] as unknown as {identity: {key: string}};
	mkdirSync(path.join(partnerConfig(lab), 'runbook'), {recursive: true});
	writeFileSync(path.join(partnerConfig(lab), 'runbook', 'allowed_signers'), `operator@lab ${header.identity.key}\n`);
}

describe('the deploy lab: runbooks/django-crm-deploy.yaml against Django, gunicorn and PostgreSQL', () => {
	itWithLab(
		'a full deploy: backup, approved migration, interactive createsuperuser, restart, health, a bounded log follow, sign-off',
		async () => {
			const lab = labUp('good');
			expect(sql(lab, "SELECT to_regclass('clients_clientvisit') IS NULL")).toBe('t');
			const t = operator(lab);
			await throughMigrateApproval(t, lab);
			await reach(t, 'Create a superuser now? (yes/no)', 60_000);
			t.type('yes');
			t.keys('Enter');
			await t.waitFor('Username', 30_000);
			t.type('ada');
			t.keys('Enter');
			await t.waitFor('Email address:');
			t.type('ada@crm.lab.invalid');
			t.keys('Enter');
			await t.waitFor(/Password: *$/m);
			t.type(password);
			t.keys('Enter');
			await t.waitFor('Password (again):');
			t.type(password);
			t.keys('Enter');
			await reach(t, 'Run `restart`?');
			t.keys('Enter');
			await reach(t, '☐ Authentication (/api/auth/login/)', 60_000);
			t.keys('p');
			const verified = t.screen();
			expect(verified).toMatch(/✓ health\b/);
			expect(verified).toMatch(/✓ static-files\b/);
			await tick(t, [
				'Customer list',
				'No 500 errors',
				'Customer records intact',
				'No missing foreign key',
				'The import audit table',
				'CORS headers above',
			]);
			await reach(t, 'Following: stops in');
			t.keys('x');
			await t.waitFor('Why end the wait early?');
			t.type('first requests clean');
			t.keys('Enter');
			await tick(t, ['Error logging configured', 'Monitoring set up', 'Rollback plan documented']);
			await tick(t, ['Someone watches, for 24 hours', 'Someone, daily for a week']);
			await t.waitFor('Sign-off: Backend developer');
			t.type('Ada');
			t.keys('Enter');
			await t.waitFor('Sign-off: DevOps engineer');
			t.type('Grace');
			t.keys('Enter');
			expect(await t.exitCode(20_000)).toBe(0);

			expect(sql(lab, "SELECT to_regclass('clients_clientvisit') IS NOT NULL")).toBe('t');
			expect(sql(lab, "SELECT name FROM django_migrations WHERE app = 'clients' ORDER BY id DESC LIMIT 1")).toBe(
				'0002_clientvisit',
			);
			expect(sql(lab, "SELECT is_superuser FROM auth_user WHERE username = 'ada'")).toBe('t');
			const log = records(lab);
			const text = readFileSync(sessionFile(lab), 'utf8');
			expect(text).not.toContain(password);
			expect(log.find((r) => r.type === 'approval-given' && r.step === 'migrate')).toBeDefined();
			const tty = log
				.filter((r) => r.type === 'output-recorded' && r.stream === 'tty' && r.step === 'createsuperuser')
				.map((r) => r.text)
				.join('');
			expect(tty).toContain('Superuser created successfully.');
			expect(log.find((r) => r.type === 'wait-ended' && r.step === 'follow-logs')).toMatchObject({
				isEarly: true,
				reason: 'first requests clean',
			});
			expect(log.find((r) => r.type === 'step-succeeded' && r.step === 'health')).toBeDefined();
			const verify = runCli(['verify', sessionFile(lab)]);
			expect(verify.stdout, verify.stderr).toMatch(/^VALID: \d+ lines, sealed/m);
		},
		150_000,
	);

	itWithLab(
		'a migration that fails is rolled back: stop, restore from the backup, revert, restart; every client is back',
		async () => {
			const lab = labUp('broken');
			const before = sql(lab, 'SELECT count(*) FROM clients_client');
			expect(Number(before)).toBe(250);
			const t = operator(lab);
			await throughMigrateApproval(t, lab);
			await reach(t, 'b roll back', 60_000);
			// The failed migration committed its clean-up before failing: clients are missing now.
			expect(sql(lab, 'SELECT count(*) FROM clients_client')).toBe('200');
			t.keys('b');
			await t.waitFor(/Why roll back/);
			t.type('0002 failed half-way');
			t.keys('Enter');
			await reach(t, 'Run `stop-app`?');
			t.keys('Enter');
			await reach(t, /▶ restore-db[\s\S]*Type `crm-production` to run it\./);
			t.type('crm-production');
			t.keys('Enter');
			await reach(t, /▶ revert-code[\s\S]*Type `crm-production` to run it\./);
			t.type('crm-production');
			t.keys('Enter');
			expect(await t.exitCode(30_000)).toBe(1);
			expect(t.screen()).toMatch(/↶ Rolled back in \d\d:\d\d · \d+ done, 1 failed[\s\S]*rolled back 4 steps/);

			expect(sql(lab, 'SELECT count(*) FROM clients_client')).toBe(before);
			const log = records(lab);
			for (const step of ['stop-app', 'restore-db', 'revert-code', 'restart-previous'])
				expect(log.find((r) => r.type === 'step-succeeded' && r.step === step)).toBeDefined();
			const origin = execFileSync('git', ['-C', path.join(lab.dir, 'origin.git'), 'log', '--format=%s', '-1', 'main'], {
				encoding: 'utf8',
			});
			expect(origin).toMatch(/^Revert "Release 2 \(broken\)/);
			const health = execFileSync('curl', ['-fsS', `${lab.vars.site_url}/api/health/`], {
				encoding: 'utf8',
				env: {...process.env, CURL_CA_BUNDLE: path.join(lab.dir, 'tls/cert.pem')},
			});
			expect(JSON.parse(health)).toMatchObject({status: 'ok', migration: '0001_initial'});
			const verify = runCli(['verify', sessionFile(lab)]);
			expect(verify.stdout, verify.stderr).toMatch(/^VALID: \d+ lines, sealed/m);
		},
		150_000,
	);

	itWithLab(
		'`npm run lab` sets the lab up in the terminal and tears it down on Ctrl-C: no folder, app or database left',
		async () => {
			const state = mkdtempSync(path.join(os.tmpdir(), 'runbook-lab-state-'));
			open.labs.push(state);
			const t = tui(`XDG_STATE_HOME=${state} bash ${labScript} run`);
			const screen = await t.waitFor('press Enter to start the runbook', 60_000);
			const dir = /setting up in (\S+)/.exec(screen)![1]!;
			const appPid = Number(readFileSync(path.join(dir, 'app.pid'), 'utf8'));
			const databasePid = Number(readFileSync(path.join(dir, 'pg/data/postmaster.pid'), 'utf8').split('\n')[0]);
			expect(isAlive(appPid) && isAlive(databasePid)).toBe(true);
			t.keys('C-c');
			expect(await t.exitCode(30_000)).toBe(130);
			expect(existsSync(dir)).toBe(false);
			expect(isAlive(appPid)).toBe(false);
			expect(isAlive(databasePid)).toBe(false);
		},
		90_000,
	);
});
