// `for:` end to end in a real terminal: a real `tail -f` runs for its time and is stopped, the
// step counting as done; `x` ends it early with a reason. The log says how each ended.
import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {binRunbook} from '../helpers/cli.js';
import {isAlive} from '../helpers/procs.js';
import {closedAfterEachTest} from '../helpers/tmux.js';

type Fixture = {logDir: string; runbook: string; env: string};

function fixture(forText: string): Fixture {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-follow-'));
	const runbook = path.join(dir, 'follow.yaml');
	const appLog = path.join(dir, 'app.log');
	writeFileSync(appLog, 'GET /health 200\n');
	writeFileSync(
		runbook,
		[
			'version: 1',
			'name: Follow',
			'phases:',
			'  - id: watch',
			'    steps:',
			'      - id: logs',
			'        run: tail -f "$APP_LOG"',
			`        for: ${forText}`,
			'      - id: after',
			'        run: echo "after ran"',
			'',
		].join('\n'),
	);
	return {logDir: path.join(dir, 'sessions'), runbook, env: `APP_LOG=${appLog}`};
}

const records = (f: Fixture) => {
	const dir = path.join(f.logDir, readdirSync(f.logDir)[0]!);
	return readFileSync(path.join(dir, 'session.jsonl'), 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((l) => JSON.parse(l) as Record<string, unknown> & {type: string; t: number});
};

const tui = closedAfterEachTest();

describe('a `for:` step with a real `tail -f`', () => {
	it('is stopped at its time, its process tree gone, and the step counts as done', async () => {
		const f = fixture('2s');
		const t = tui(`${f.env} ${binRunbook} run ${f.runbook} --log-dir ${f.logDir}`);
		await t.waitFor('GET /health 200');
		await t.waitFor(/Following: stops in [0-9:]+/);
		expect(await t.exitCode(15_000)).toBe(0);
		expect(t.screen()).toMatch(/✓ logs +stopped \(for\)/);
		const log = records(f);
		const started = log.find((r) => r.type === 'command-started' && r.step === 'logs')!;
		const ended = log.find((r) => r.type === 'wait-ended' && r.step === 'logs')!;
		expect(ended.isEarly).toBe(false);
		expect(ended.t - started.t).toBeGreaterThanOrEqual(2_000_000);
		expect(ended.t - started.t).toBeLessThan(4_000_000);
		expect(log.find((r) => r.type === 'step-succeeded' && r.step === 'logs')).toBeDefined();
		expect(log.find((r) => r.type === 'step-succeeded' && r.step === 'after')).toBeDefined();
		const spawned = log.find((r) => r.type === 'command-spawned' && r.step === 'logs')!;
		expect(isAlive(spawned.pid as number)).toBe(false);
	}, 30_000);

	it('`x` ends it early with a reason, recorded, and the run goes on', async () => {
		const f = fixture('10m');
		const t = tui(`${f.env} ${binRunbook} run ${f.runbook} --log-dir ${f.logDir}`);
		await t.waitFor('GET /health 200');
		await t.waitFor('Following: stops in');
		t.keys('x');
		await t.waitFor('Why end the wait early?');
		t.type('deploy looks healthy');
		t.keys('Enter');
		expect(await t.exitCode(15_000)).toBe(0);
		const log = records(f);
		expect(log.find((r) => r.type === 'wait-ended' && r.step === 'logs')).toMatchObject({
			isEarly: true,
			reason: 'deploy looks healthy',
		});
		expect(log.find((r) => r.type === 'step-succeeded' && r.step === 'logs')).toBeDefined();
		expect(log.find((r) => r.type === 'step-succeeded' && r.step === 'after')).toBeDefined();
	}, 30_000);
});
