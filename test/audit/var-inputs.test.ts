// Secret vars can be given without argv: RUNBOOK_VAR_<name>, a private --var-file, or the prompt.
import {chmodSync, mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {parseVars} from '../../src/commands/run-inputs.js';
import {loadRunbook} from '../helpers/scenarios.js';

const runbook = loadRunbook(
	'version: 1\nname: v\nvars:\n  pw: { secret: true }\n  region: {}\nphases:\n  - id: p\n    steps:\n      - id: s\n        run: "true"\n',
);

function varFile(text: string, mode: number): string {
	const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'runbook-vars-')), 'vars');
	writeFileSync(file, text);
	chmodSync(file, mode);
	return file;
}

afterEach(() => void vi.restoreAllMocks());

describe('secret vars without argv', () => {
	it('takes a secret from RUNBOOK_VAR_<name> and from a private --var-file, the file over the environment, --var over both', () => {
		const file = varFile('# deploy secrets\n\npw=from-the-file-123\n', 0o600);
		expect(parseVars(runbook, [], {env: {RUNBOOK_VAR_pw: 'from-the-env-123'}})).toEqual({pw: 'from-the-env-123'});
		expect(parseVars(runbook, [], {varFile: file, env: {RUNBOOK_VAR_pw: 'from-the-env-123'}})).toEqual({
			pw: 'from-the-file-123',
		});
		const warn = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
		expect(parseVars(runbook, ['pw=from-the-flag-12', 'region=eu'], {varFile: file, env: {}})).toEqual({
			pw: 'from-the-flag-12',
			region: 'eu',
		});
		expect(warn).toHaveBeenCalledTimes(1);
		expect(String(warn.mock.calls[0]![0])).toMatch(
			/--var pw puts a secret in the process list.*RUNBOOK_VAR_pw, --var-file/,
		);
	});

	it('refuses a var file its group or others can read, and says how to fix it', () => {
		for (const mode of [0o640, 0o604, 0o644]) {
			const file = varFile('pw=from-the-file-123\n', mode);
			expect(() => parseVars(runbook, [], {varFile: file, env: {}})).toThrow(
				new RegExp(`--var-file .* is readable by .*chmod 600`),
			);
		}
	});

	it('checks file lines like flags: where, which name, how long', () => {
		const cases: Array<[string, RegExp]> = [
			['pw=short\n', /vars:1:1?: ?a secret must be at least 8 characters|vars:1: a secret must be/],
			['region=eu\n', /vars:1:1: `region` is not a secret var/],
			['\nno equals sign\n', /vars:2:1: expected name=value/],
		];
		for (const [text, problem] of cases)
			expect(() => parseVars(runbook, [], {varFile: varFile(text, 0o600), env: {}})).toThrow(problem);
		expect(() => parseVars(runbook, [], {varFile: '/no/such/vars', env: {}})).toThrow(
			'--var-file /no/such/vars no such file',
		);
	});
});
