// The bad-input corpus: inputs a careless colleague or a hostile one might hand runbook, each with
// the one-line reason it must give. Add a case by adding a row; bad-input-corpus.test.ts runs them.
import {execFileSync} from 'node:child_process';
import {mkdirSync, symlinkSync, truncateSync, writeFileSync} from 'node:fs';
import path from 'node:path';

export type BadInputCase = {
	name: string;
	/** Makes whatever the case needs under `dir` (a fresh folder of its own) and gives the arguments. */
	args: (dir: string) => string[];
	/** What the one line on stderr must say. */
	reason: RegExp;
};

/** Writes `content` to `dir/name` and gives its path. */
function file(dir: string, name: string, content: string | Buffer): string {
	const target = path.join(dir, name);
	writeFileSync(target, content);
	return target;
}

/** A case for each command, each given a runbook file with `content`. */
function runbookCases(
	name: string,
	content: string | Buffer,
	reason: RegExp,
	commands: string[] = ['validate'],
): BadInputCase[] {
	return commands.map((command) => ({
		name: `${command}: ${name}`,
		args: (dir) => [command, file(dir, 'runbook.yaml', content)],
		reason,
	}));
}

const head = 'version: 1\nname: t\n';
/** A runbook whose one step is `body` (lines indented under `- id: a`). */
const step = (body: string, extra = '') =>
	`${head}${extra}phases:\n  - id: p\n    steps:\n      - id: a\n${body.replace(/^/gm, '        ')}\n`;
const varWith = (spec: string) => step('run: echo {{ v }}', `vars:\n  v: ${spec}\n`);
/** Each level names the one before nine times: 9^7 strings from a file of a few hundred bytes. */
const aliasBomb =
	'a: &a ["x","x","x","x","x","x","x","x","x"]\n' +
	['b', 'c', 'd', 'e', 'f', 'g']
		.map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdef'[i]}`).join(',')}]\n`)
		.join('') +
	`${head}phases: []\n`;
const catastrophic = '^(a+)+$';
const almostA = `${'a'.repeat(5000)}b`;
const fifo = (dir: string, name: string) => {
	const target = path.join(dir, name);
	execFileSync('mkfifo', [target]);
	return target;
};
const sparse = (dir: string, name: string, bytes: number) => {
	const target = file(dir, name, '');
	truncateSync(target, bytes);
	return target;
};

export const runbookInputCases: BadInputCase[] = [
	// YAML that would crash the loader or expand without end.
	...runbookCases('a YAML alias bomb', aliasBomb, /:2:\d+: not valid YAML: its aliases .* expand too far/, [
		'validate',
		'run',
	]),
	...runbookCases(
		'an alias to no anchor',
		`${head}target: *nope\nphases: []\n`,
		/:3:9: not valid YAML: the alias `\*nope` names no anchor/,
	),
	...runbookCases('a merge key to no anchor', `<<: *base\n${head}`, /:1:5: not valid YAML: the alias `\*base`/),
	...runbookCases('nesting 100 000 deep', `name: ${'['.repeat(100_000)}\n`, /not valid YAML: nested too deeply/),
	...runbookCases('two YAML documents', `${head}---\nphases: []\n`, /not valid YAML: a runbook is one YAML document/),
	...runbookCases('a `!!binary` document', '!!binary aGVsbG8=\n', /:1:\d+: found a value of a special YAML type/),
	// Documents of the wrong shape: a reason a person can act on, never "Cannot read properties".
	...runbookCases('the document `null`', 'null\n', /:1:1: found null; expected a runbook/, ['validate', 'run']),
	...runbookCases('the document `~`', '~\n', /:1:1: found null; expected a runbook/),
	...runbookCases('a list at top level', '- a\n- b\n', /:1:1: found a list; expected a runbook/),
	...runbookCases('a number at top level', '42\n', /:1:1: found `42`; expected a runbook/),
	...runbookCases('only comments', '# nothing here\n', /:1:1: found null; expected a runbook/),
	...runbookCases('no `phases`', head, /:1:1: runbook is missing `phases`/),
	...runbookCases('phases is a mapping', `${head}phases: {p: 1}\n`, /:3:9: `phases` is a mapping; expected a list/),
	...runbookCases(
		'a phase that is a string',
		`${head}phases:\n  - deploy\n`,
		/`phases\[0\]` is `deploy`; expected a phase/,
	),
	...runbookCases('a phase that is null', `${head}phases:\n  -\n`, /`phases\[0\]` is null; expected a phase/),
	...runbookCases('steps: null', `${head}phases:\n  - id: p\n    steps:\n`, /`steps` is null; expected a list/),
	...runbookCases(
		'a step that is a string',
		`${head}phases:\n  - id: p\n    steps:\n      - restart the app\n`,
		/`steps\[0\]` is `restart the app`; expected a step/,
		['validate', 'run'],
	),
	...runbookCases('a step that is null', `${head}phases:\n  - id: p\n    steps:\n      - ~\n`, /`steps\[0\]` is null/),
	...runbookCases('vars is a list', step('run: x', 'vars: [a, b]\n'), /`vars` is a list; expected a mapping/),
	...runbookCases('a var that is a string', step('run: x', 'vars:\n  v: hello\n'), /`v` is `hello`; expected a var/),
	// Patterns: RE2 only, matched in linear time.
	...runbookCases(
		'a catastrophic pattern with a long default',
		varWith(`{pattern: "${catastrophic}", default: "${almostA}"}`),
		/:4:\d+: the default `a+b` of `v` does not match its pattern/,
		['validate', 'run'],
	),
	...runbookCases(
		'a backreference in expect.stdout',
		step('run: x\nexpect: {stdout: "(a)\\\\1"}'),
		/:8:\d+: `\(a\)\\1` is not a pattern runbook can use: invalid escape sequence/,
		['validate', 'run'],
	),
	...runbookCases('a lookahead in a var pattern', varWith('{pattern: "^(?=x)"}'), /:4:\d+: .* unsupported Perl syntax/),
	...runbookCases(
		'a lookbehind in an env pattern',
		step('run: x', 'env:\n  HOST: {pattern: "(?<=a)b"}\n'),
		/:4:\d+: .*is not a pattern runbook can use/,
	),
	...runbookCases(
		'an unclosed class in an ask pattern',
		step('ask: {var: x, prompt: X, pattern: "["}'),
		/missing closing \]/,
	),
	...runbookCases('a repeat count RE2 refuses', step('run: x\nexpect: {stdout: "a{5000}"}'), /invalid repeat count/),
	// Durations: a poll floor, and nothing past what a timer can hold.
	...runbookCases(
		'`every: 0s` on a poll',
		step('poll: {run: x, timeout: 5m, every: 0s}'),
		/:7:\d+: `every` is `0s`; a poll waits at least 1s/,
		['validate', 'run'],
	),
	...runbookCases(
		'`every: 500ms` on a poll',
		step('poll: {run: x, timeout: 5m, every: 500ms}'),
		/at least 1s between tries/,
	),
	...runbookCases(
		'a timeout of 9999h',
		step('run: x\ntimeout: 9999h'),
		/:8:18: `timeout` is `9999h`; the longest duration/,
		['validate', 'run'],
	),
	...runbookCases(
		'a wait of 1e12 seconds',
		step('wait: 1000000000000'),
		/:7:15: `wait` is `1000000000000`; the longest/,
	),
	...runbookCases('a poll timeout of 600h', step('poll: {run: x, timeout: 600h}'), /`timeout` is `600h`; the longest/),
	...runbookCases(
		'an approval timeout of 1000h',
		step('run: x\napprovals: 2\napproval_timeout: 1000h'),
		/`approval_timeout` is `1000h`/,
	),
	...runbookCases(
		'a timebox of 100000m',
		`${head}phases:\n  - id: p\n    timebox: 100000m\n    steps:\n      - id: a\n        run: x\n`,
		/:5:14: `timebox` is `100000m`; the longest/,
	),
	// Files that are not runbooks.
	...runbookCases('a binary file', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]), /is a binary file, not a YAML runbook/),
	...runbookCases('invalid UTF-8', Buffer.from('name: caf\xe9\n', 'latin1'), /is not UTF-8 text/),
	{
		name: 'run: /dev/zero',
		args: () => ['run', '/dev/zero'],
		reason: /\/dev\/zero: is a character device, not a regular file/,
	},
	{name: 'validate: /dev/urandom', args: () => ['validate', '/dev/urandom'], reason: /is a character device/},
	{name: 'validate: a named pipe', args: (dir) => ['validate', fifo(dir, 'pipe.yaml')], reason: /is a named pipe/},
	{name: 'run: a named pipe', args: (dir) => ['run', fifo(dir, 'pipe.yaml')], reason: /is a named pipe/},
	{name: 'validate: a directory', args: (dir) => ['validate', dir], reason: /is a directory, not a runbook file/},
	{
		name: 'validate: a symlink to /dev/zero',
		args: (dir) => {
			symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
			return ['validate', path.join(dir, 'zero.yaml')];
		},
		reason: /is a character device/,
	},
	{
		name: 'validate: a symlink loop',
		args: (dir) => {
			symlinkSync(path.join(dir, 'loop.yaml'), path.join(dir, 'loop.yaml'));
			return ['validate', path.join(dir, 'loop.yaml')];
		},
		reason: /loop\.yaml: is a loop of symbolic links/,
	},
	{
		name: 'validate: a 50 MB file',
		args: (dir) => ['validate', sparse(dir, 'big.yaml', 50e6)],
		reason: /is 47\.7 MiB; a runbook may be at most 1 MiB/,
	},
	{
		name: 'run: a 2 MiB file',
		args: (dir) => ['run', sparse(dir, 'big.yaml', 2 ** 21)],
		reason: /is 2 MiB; a runbook may be at most 1 MiB/,
	},
	// Flags and values.
	{
		name: 'run: a --var that a catastrophic pattern would take forever over',
		args: (dir) => ['run', file(dir, 'v.yaml', varWith(`{pattern: "${catastrophic}"}`)), '--var', `v=${almostA}`],
		reason: /--var v: `a+b` does not match `\^\(a\+\)\+\$`/,
	},
	{name: 'validate: no file', args: () => ['validate'], reason: /`runbook validate` needs at least one FILE/},
];

export const importInputCases: BadInputCase[] = [
	{
		name: 'import: a binary file',
		args: (dir) => ['import', file(dir, 'c.md', Buffer.from('# x\n\0\x01'))],
		reason: /is a binary file, not a Markdown checklist/,
	},
	{
		name: 'import: invalid UTF-8',
		args: (dir) => ['import', file(dir, 'c.md', Buffer.from('# caf\xe9\n', 'latin1'))],
		reason: /c\.md: is not UTF-8 text/,
	},
	{name: 'import: /dev/zero', args: () => ['import', '/dev/zero'], reason: /is a character device, not a regular file/},
	{name: 'import: a named pipe', args: (dir) => ['import', fifo(dir, 'c.md')], reason: /is a named pipe/},
	{name: 'import: a directory', args: (dir) => ['import', dir], reason: /is a directory, not a checklist file/},
	{
		name: 'import: a 5 MiB checklist',
		args: (dir) => ['import', sparse(dir, 'c.md', 5 * 2 ** 20)],
		reason: /is 5 MiB; a checklist may be at most 1 MiB/,
	},
	{
		name: 'import: a missing file',
		args: (dir) => {
			mkdirSync(path.join(dir, 'sub'));
			return ['import', path.join(dir, 'sub', 'none.md')];
		},
		reason: /none\.md: no such file/,
	},
];

/** A session log whose session-started records no runbook (the rest of the line is well formed). */
const noRunbookLog = (dir: string) => {
	const sessionDir = path.join(dir, 'sessions', '20261122T090000Z-norunbook');
	mkdirSync(sessionDir, {recursive: true});
	const header = {seq: 0, t: 0, type: 'header', format: 'runbook-session/1', session: '20261122T090000Z-norunbook'};
	const started = {seq: 2, t: 1, type: 'session-started', options: {}, wall: '2026-11-22T09:00:00.000Z'};
	return file(
		sessionDir,
		'session.jsonl',
		`${JSON.stringify(header)}\n{"seq":1,"type":"attest"}\n${JSON.stringify(started)}\n`,
	);
};

export const sessionInputCases: BadInputCase[] = [
	...[['replay', '--force'], ['export', '--force', '--format', 'md'], ['resume'], ['watch'], ['approve']].map(
		([command, ...flags]) => ({
			name: `${command}: a log whose session-started records no runbook`,
			args: (dir: string) => [command!, ...flags, noRunbookLog(dir)],
			reason: /session\.jsonl: line 2: its session-started records no runbook/,
		}),
	),
	{
		name: 'resume: --log-dir is a file',
		args: (dir) => ['resume', '--log-dir', file(dir, 'not-a-folder', '')],
		reason: /not-a-folder is not a folder \(--log-dir names the folder sessions go in\)/,
	},
	{
		name: 'run: --log-dir is a file',
		args: (dir) => ['run', file(dir, 'r.yaml', step('run: "true"')), '--log-dir', file(dir, 'not-a-folder', '')],
		reason: /not-a-folder is not a folder \(--log-dir names the folder sessions go in\)/,
	},
	{
		name: 'keys: --use with a fingerprint no key has',
		args: () => ['keys', '--use', 'SHA256:nothing-has-this'],
		reason: /--use SHA256:nothing-has-this: no ssh-agent key has that fingerprint; the agent offers no keys/,
	},
];
