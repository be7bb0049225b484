import {spawnSync} from 'node:child_process';
import {cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCli} from '../helpers/cli.js';
import {skipUnless} from '../helpers/skip.js';
import {chromiumFlags, distinctPixelBytes, hasChromium} from '../helpers/chromium.js';

const logDir = mkdtempSync(path.join(os.tmpdir(), 'runbook-export-'));
const run = runCli(['run', 'test/fixtures/plain.yaml', '--yes', '--concurrent', '--log-dir', logDir], {
	env: {CI: 'true'},
});
const [id] = readdirSync(logDir);
const hasAsciinema = spawnSync('asciinema', ['--version']).status === 0;

describe('the post-mortem: sessions and export', () => {
	it('`runbook sessions` lists the session with its outcome and verdict', () => {
		expect(run.code).toBe(0);
		const listed = runCli(['sessions', '--log-dir', logDir, '--json']);
		expect(JSON.parse(listed.stdout)).toEqual([
			expect.objectContaining({id, runbook: 'Plain mode fixture', outcome: 'completed', verdict: 'VALID'}),
		]);
		expect(runCli(['sessions', '--log-dir', logDir]).stdout).toMatch(
			new RegExp(`^${id}\\s+\\S+ \\S+\\s+00:0\\d\\s+completed\\s+VALID`, 'm'),
		);
		expect(runCli(['sessions', '--log-dir', path.join(logDir, 'none')]).stdout).toMatch(/No sessions in/);
	});

	it('md: the timeline with each step, its command and output, who confirmed it, and the verdict', () => {
		const md = runCli(['export', id!, '--log-dir', logDir, '--format', 'md']);
		expect(md.code).toBe(0);
		expect(md.stdout).toMatch(/^# Plain mode fixture: completed/);
		expect(md.stdout).toContain('| Log verdict | VALID:');
		expect(md.stdout).toContain('ran `echo "hello from the runbook"; echo "to stderr" >&2`');
		expect(md.stdout).toMatch(/confirmed by \S+ at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(pre-approved/);
		expect(md.stdout).toContain('    hello from the runbook');
		expect(md.stdout).toMatch(/\| Only phase \| — \| 00:0\d \|/);
	});

	it('json: the folded state and every event', () => {
		const out = path.join(logDir, 'session.json');
		expect(runCli(['export', path.join(logDir, id!), '--format', 'json', '-o', out]).code).toBe(0);
		const json = JSON.parse(readFileSync(out, 'utf8'));
		expect(json.state.ended.status).toBe('completed');
		expect(json.verdict.verdict).toBe('VALID');
		expect(json.events[0].type).toBe('session-started');
	});

	skipUnless(hasAsciinema, 'asciinema is not installed (apt-get install asciinema)')(
		'cast: asciicast v2 with a marker per phase and step, which asciinema cat plays',
		() => {
			const out = path.join(logDir, 'session.cast');
			expect(runCli(['export', id!, '--log-dir', logDir, '--format', 'cast', '-o', out]).code).toBe(0);
			const [head, ...events] = readFileSync(out, 'utf8')
				.trimEnd()
				.split('\n')
				.map((l) => JSON.parse(l));
			expect(head).toMatchObject({version: 2, width: 80, height: 24, verdict: expect.stringMatching(/^VALID: /)});
			expect(Number.isInteger(head.timestamp)).toBe(true);
			expect(events.filter((e: unknown[]) => e[1] === 'm').map((e: unknown[]) => e[2])).toEqual([
				`verdict: ${head.verdict}`,
				'phase: Only phase',
				'step: say',
				'step: read',
				'step: pause',
				'step: ready',
			]);
			expect(
				events.every((e: unknown[], i: number) => i === 0 || (e[0] as number) >= (events[i - 1][0] as number)),
			).toBe(true);
			const played = spawnSync('script', ['-qec', `asciinema cat ${out}`, '/dev/null'], {encoding: 'utf8'});
			expect(played.status).toBe(0);
			expect(played.stdout).toContain('hello from the runbook');
		},
	);

	skipUnless(hasChromium, 'chromium is not installed (apt-get install chromium)')(
		'html: one self-contained file that Chromium renders, with the step names and a chart',
		() => {
			const out = path.join(logDir, 'session.html');
			expect(runCli(['export', id!, '--log-dir', logDir, '--format', 'html', '-o', out]).code).toBe(0);
			const html = readFileSync(out, 'utf8');
			expect(html).not.toMatch(/<(script|link|img)\b|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
			const profile = mkdtempSync(path.join(os.tmpdir(), 'runbook-chromium-'));
			const png = path.join(logDir, 'session.png');
			const shot = spawnSync(
				'chromium',
				[
					...chromiumFlags,
					`--user-data-dir=${profile}`,
					'--window-size=1000,1200',
					`--screenshot=${png}`,
					`file://${out}`,
				],
				{encoding: 'utf8', timeout: 60_000},
			);
			expect(shot.status, shot.stderr).toBe(0);
			expect(distinctPixelBytes(readFileSync(png))).toBeGreaterThan(20);
			const dom = spawnSync(
				'chromium',
				[...chromiumFlags, `--user-data-dir=${profile}`, '--dump-dom', `file://${out}`],
				{encoding: 'utf8', timeout: 60_000},
			).stdout;
			for (const step of ['say', 'read', 'pause', 'ready']) expect(dom).toContain(step);
			expect(dom).toContain('Plain mode fixture: completed');
			expect(dom).toContain('aria-label="timeline chart"');
		},
		90_000,
	);

	it('an INVALID log is not exported without --force; with it, every format carries the verdict', () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-export-invalid-'));
		cpSync(path.join(logDir, id!), path.join(dir, id!), {recursive: true});
		const file = path.join(dir, id!, 'session.jsonl');
		writeFileSync(file, readFileSync(file, 'utf8').replace('hello from the runbook', 'HELLO from the runbook'));
		const refused = runCli(['export', id!, '--log-dir', dir, '--format', 'md']);
		expect(refused.code).toBe(1);
		expect(refused.stdout).toBe('');
		expect(refused.stderr).toMatch(/^INVALID: line \d+ .*\nrunbook: export refused: .*--force/);
		const forced = (format: string) => runCli(['export', id!, '--log-dir', dir, '--format', format, '--force']);
		expect(forced('md').stdout).toMatch(/\| Log verdict \| INVALID: line \d+/);
		expect(forced('html').stdout).toMatch(/INVALID: line \d+/);
		expect(JSON.parse(forced('json').stdout).verdict.verdict).toBe('INVALID');
		const [head, first] = forced('cast')
			.stdout.split('\n')
			.map((l) => JSON.parse(l || 'null'));
		expect(head.verdict).toMatch(/^INVALID: line \d+/);
		expect(first).toEqual([0, 'm', `verdict: ${head.verdict}`]);
	});

	it("`verify` names the session, and another session's files put in its place are INVALID", () => {
		const verified = runCli(['verify', id!, '--log-dir', logDir]);
		expect(verified.code).toBe(0);
		expect(verified.stdout).toMatch(new RegExp(`^VALID: .* · session ${id}$`, 'm'));
		const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-swapped-'));
		cpSync(path.join(logDir, id!), path.join(dir, '20991231T000000Z-newer'), {recursive: true});
		const swapped = runCli(['verify', path.join(dir, '20991231T000000Z-newer')]);
		expect(swapped.code).toBe(1);
		expect(swapped.stdout).toContain(
			`INVALID: line 0 (byte 0): the header is of session \`${id}\`, not \`20991231T000000Z-newer\``,
		);
	});

	it('a bad format or session says why, exit 2', () => {
		expect(runCli(['export', id!, '--log-dir', logDir, '--format', 'pdf']).stderr).toMatch(
			/--format pdf: expected one of md, html, json, cast/,
		);
		expect(runCli(['export', id!, '--log-dir', logDir]).code).toBe(2);
		expect(runCli(['export', 'nope', '--log-dir', logDir, '--format', 'md']).stderr).toMatch(
			/no session log at `nope`/,
		);
	});
});
