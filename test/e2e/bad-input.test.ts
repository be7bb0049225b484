import {mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCli} from '../helpers/cli.js';

const ok = `version: 1\nname: ok\nphases:\n  - id: p\n    steps:\n      - id: a\n        run: echo hi\n`;
const step = (body: string) => `version: 1\nname: t\nphases:\n  - id: p\n    steps:\n      - id: a\n${body}`;

/** [name, file content, the location and words the one-line reason must have] */
const cases: Array<[string, string | Buffer, RegExp]> = [
	['YAML syntax error', 'version: 1\nname: [unclosed\n', /:3:1: not valid YAML/],
	['tab indentation', 'version: 1\nname: t\nphases:\n\t- id: p\n', /:4:1: not valid YAML/],
	['duplicate key', 'version: 1\nversion: 1\nname: t\nphases: []\n', /:2:1: not valid YAML: map keys must be unique/],
	['wrong version', ok.replace('version: 1', 'version: 2'), /:1:10: `version` is `2`; expected `1`/],
	['name is a list', ok.replace('name: ok', 'name: [a, b]'), /:2:7: `name` is a list; expected text/],
	['no phases', 'version: 1\nname: t\n', /:1:1: runbook is missing `phases`/],
	['empty phases', 'version: 1\nname: t\nphases: []\n', /:3:9: `phases` needs at least 1 item/],
	['unknown top-level key', ok + 'sigoff: [a]\n', /:8:1: `sigoff` is not a runbook option; did you mean `signoff`\?/],
	[
		'unknown step key',
		step('        run: x\n        timout: 5m\n'),
		/:8:9: `timout` is not a step option; did you mean `timeout`\?/,
	],
	[
		'bad duration',
		step('        run: x\n        timeout: soon\n'),
		/:8:18: `timeout` is `soon`; expected a duration like `30s`/,
	],
	[
		'negative retries',
		step('        run: x\n        retries: -1\n'),
		/:8:18: `retries` is `-1`; expected a whole number from 0 to 100/,
	],
	[
		'confirm: maybe',
		step('        run: x\n        confirm: maybe\n'),
		/:8:18: `confirm` is `maybe`; expected `true`, `false` or `typed`/,
	],
	[
		'two kinds in one step',
		step('        run: x\n        check: y\n'),
		/:6:13: step `a` has `run` and `check`; a step has one kind/,
	],
	['a step that does nothing', step('        name: nothing\n'), /:6:13: step `a` does nothing/],
	['duplicate step ids', ok + '      - id: a\n        run: again\n', /:8:13: id `a` is used twice/],
	['undefined var', step('        run: psql -h {{ db_hots }}\n'), /:7:14: `\{\{ db_hots \}\}` is not defined/],
	[
		'var typo suggested',
		'version: 1\nname: t\nvars:\n  db_host: {default: x}\n' +
			step('        run: psql -h {{ db_hots }}\n').split('\n').slice(2).join('\n'),
		/did you mean `db_host`\?/,
	],
	['malformed reference', step('        run: echo {{ db host }}\n'), /`\{\{ db host \}\}` is not a variable reference/],
	[
		'rollback to nowhere',
		step('        run: x\n        rollback: restore\n'),
		/:8:19: `rollback: restore` names no step of the top-level `rollback` list/,
	],
	[
		'invalid regex',
		step('        run: x\n        expect: { stdout: "([" }\n'),
		/is not a pattern runbook can use: missing closing \]/,
	],
	[
		'option on the wrong kind',
		step('        check: looks fine\n        timeout: 5m\n'),
		/:8:9: `timeout` applies to `run` steps, not to the `check` step `a`/,
	],
	['bad when', step('        run: x\n        when: a and b\n'), /`when: a and b` is not a condition/],
	[
		'id with spaces',
		step('        run: x\n').replace('id: a', 'id: my step'),
		/:6:13: `id` is `my step`; expected an id/,
	],
	[
		'one approval is not a second approval',
		step('        run: x\n        approvals: 1\n'),
		/:8:20: `approvals` is `1`; expected a whole number from 2 to 10/,
	],
	[
		'approvals on a manual check',
		step('        check: looks fine\n        approvals: 2\n'),
		/:8:9: `approvals` applies to `run` and `poll` steps, not to the `check` step/,
	],
	[
		'a window without hours',
		ok.replace('phases:', 'window: {timezone: UTC, days: [mon]}\nphases:'),
		/:3:9: window is missing `hours`/,
	],
	[
		'a window in an unknown zone',
		ok.replace('phases:', 'window: {timezone: Mars/Olympus, days: [mon], hours: "09:00-17:00"}\nphases:'),
		/:3:20: `Mars\/Olympus` is not a time zone this system knows/,
	],
	[
		'a window on a day that is not one',
		ok.replace('phases:', 'window: {timezone: UTC, days: [monday], hours: "09:00-17:00"}\nphases:'),
		/:3:32: `days\[0\]` is `monday`; expected/,
	],
	[
		'a phase planned at 25:00',
		ok.replace('  - id: p\n', '  - id: p\n    at: "25:00"\n'),
		/:5:9: `at` is `25:00`; expected a time of day like `09:00`/,
	],
	['scalar document', 'just text\n', /:1:1: found `just text`; expected a runbook/],
	['empty file', '', /:1:1: the file is empty/],
	['binary file', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]), /is a binary file/],
	['not UTF-8', Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xff, 0xfe, 0x0a]), /is not UTF-8 text/],
];

describe('bad runbooks get one clear reason, exit 2 and no stack trace', () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-bad-'));
	for (const [name, content, expected] of cases) {
		it(name, () => {
			const file = path.join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
			writeFileSync(file, content);
			for (const args of [
				['validate', file],
				['run', file],
			]) {
				const {code, stderr, stdout} = runCli(args, {env: {CI: 'true'}});
				expect(code).toBe(2);
				expect(stdout).toBe('');
				expect(stderr).toMatch(expected);
				expect(stderr).not.toMatch(/\n\s+at /);
				if (typeof content === 'string' && content !== '')
					expect(stderr.trim()).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
			}
		});
	}

	it('a directory, a missing file, and bad flags each say what is wrong', () => {
		const folder = path.join(dir, 'a-folder.yaml');
		mkdirSync(folder, {recursive: true});
		const good = path.join(dir, 'good.yaml');
		writeFileSync(good, ok);
		const expectations: Array<[string[], RegExp]> = [
			[['run', folder], /a-folder\.yaml: is a directory/],
			[['run', path.join(dir, 'missing.yaml')], /missing\.yaml: no such file/],
			[['run', good, '--frm', 'a'], /unknown option '--frm'/],
			[['run', good, '--var', 'nope'], /--var nope: expected name=value/],
			[['run', good, '--var', 'x=1'], /the runbook has no var `x`/],
			[['run', good, '--from', 'b'], /--from: no step `b`/],
			[['run'], /takes one FILE/],
			[['deploy'], /unknown command `deploy`/],
			[['valdate', good], /did you mean `validate`\?/],
		];
		for (const [args, expected] of expectations) {
			const {code, stderr} = runCli(args, {env: {CI: 'true'}});
			expect(code, args.join(' ')).toBe(2);
			expect(stderr).toMatch(expected);
			expect(stderr.trim().split('\n')).toHaveLength(1);
		}
	});

	it('verify and keys: a missing session, a bad allowed_signers, an unusable settings folder, a log that is not one', () => {
		const notADir = path.join(dir, 'settings-file');
		writeFileSync(notADir, '');
		const badSigners = path.join(dir, 'allowed_signers');
		writeFileSync(badSigners, 'alice@example.com not-a-key\n');
		const garbage = path.join(dir, 'garbage.jsonl');
		writeFileSync(garbage, 'this is not a session log\n');
		const good = path.join(dir, 'good-for-verify.yaml');
		writeFileSync(good, ok);
		const logDir = path.join(dir, 'verify-sessions');
		expect(runCli(['run', good, '--log-dir', logDir], {env: {CI: 'true'}}).code).toBe(0);
		const expectations: Array<[string[], Record<string, string>, number, RegExp]> = [
			[['verify', 'no-such-session'], {}, 2, /no session log at `no-such-session`/],
			[['verify', logDir, '--principal', 'alice'], {}, 2, /no session log|--principal needs --allowed-signers/],
			[['verify', garbage], {}, 1, /INVALID: line 0 \(byte 0\): not a JSON object/],
			[['keys'], {XDG_CONFIG_HOME: notADir}, 2, /cannot set up the signing identity .*ENOTDIR/],
			[
				['run', good, '--log-dir', logDir],
				{XDG_CONFIG_HOME: notADir, CI: 'true'},
				2,
				/cannot set up the signing identity .*ENOTDIR/,
			],
		];
		for (const [args, env, code, expected] of expectations) {
			const result = runCli(args, {env});
			expect(result.code, args.join(' ')).toBe(code);
			expect(`${result.stdout}${result.stderr}`).toMatch(expected);
			expect(result.stderr).not.toMatch(/\n\s+at /);
		}
		const [id] = readdirSync(logDir);
		const signersResult = runCli(['verify', path.join(logDir, id!), '--allowed-signers', badSigners]);
		expect(signersResult.code).toBe(2);
		expect(signersResult.stderr).toMatch(/allowed_signers: line 1: no SSH public key/);
	});

	it('watch, resume, approve and import: a log that breaks off, a log that is not one, a directory for a checklist', () => {
		const good = path.join(dir, 'good-for-watch.yaml');
		writeFileSync(good, ok);
		const logDir = path.join(dir, 'watch-sessions');
		expect(runCli(['run', good, '--log-dir', logDir], {env: {CI: 'true'}}).code).toBe(0);
		const [id] = readdirSync(logDir);
		const log = path.join(logDir, id!, 'session.jsonl');
		const lines = readFileSync(log, 'utf8').split('\n');
		lines.splice(4, 1, '{"seq":4,"t":1,"type":"note-add');
		writeFileSync(log, lines.join('\n'));
		const broken = path.join(dir, 'broken-log');
		mkdirSync(broken);
		writeFileSync(path.join(broken, 'session.jsonl'), 'this is not a session log\n');
		const expectations: Array<[string[], number, RegExp]> = [
			[
				['watch', path.dirname(log)],
				1,
				/^runbook: line 4 of the log is not a log line; stopped following \(`runbook verify` says more\)$/m,
			],
			[['watch', broken], 2, /^runbook: \S+: not a session log: the first line is not JSON$/],
			[['resume', broken], 2, /^runbook: \S+: not a session log: the first line is not JSON$/],
			[['approve', broken], 2, /^runbook: \S+: not a session log: the first line is not JSON$/],
			[['import', dir], 2, /^runbook: \S+: is a directory, not a checklist file$/],
		];
		for (const [args, code, expected] of expectations) {
			const result = runCli(args, {env: {CI: 'true'}});
			expect(result.code, args.join(' ')).toBe(code);
			expect(result.stderr.trim()).toMatch(expected);
			expect(result.stderr).not.toMatch(/\n\s+at /);
		}
	});

	it('reports every problem of a file at once, in file order', () => {
		const file = path.join(dir, 'many.yaml');
		writeFileSync(file, step('        run: x\n        timout: 5m\n        retries: lots\n        confirm: maybe\n'));
		const {code, stderr} = runCli(['validate', file]);
		expect(code).toBe(2);
		expect(
			stderr
				.trim()
				.split('\n')
				.map((l) => l.split(': ')[0]!.replace(file, 'F')),
		).toEqual(['F:8:9', 'F:9:18', 'F:10:18']);
	});

	it('the demo and every example runbook validate', () => {
		const {code, stdout} = runCli(['validate', 'runbooks/demo.yaml']);
		expect(code).toBe(0);
		expect(stdout).toMatch(/runbooks\/demo\.yaml: valid \(3 phases, 14 steps\)/);
	});
});
