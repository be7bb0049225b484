// "The approver can be shown a fake command": a `\r` makes a terminal draw the end of a command
// over its start, so `rm -rf /data\recho harmless-health-check` reads as the harmless part.
// Actors: a hostile runbook author (the command text), and a command whose output is captured
// and run by a later step (the captured value). Promise 3: what a person approves is what runs.
import {mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseRunbook} from '../../src/core/runbook/parse.js';
import {resolveCommand} from '../../src/core/run/command.js';
import {findStep} from '../../src/core/runbook/model.js';
import {loadRunbook, simulate} from '../helpers/scenarios.js';
import {runCli} from '../helpers/cli.js';
import {approveScreen, rawFrame} from './hostile-text.js';

const hidden = 'rm -rf /data\recho harmless-health-check';

const runbookWith = (field: string, value: string) => {
	const fields: Record<string, string> = {
		name: 'Release',
		description: 'Monthly release',
		target: 'production',
		phaseName: 'Main',
		stepName: 'Health check',
		run: 'echo ok',
		note: 'Read the dashboard.',
		check: 'Dashboard is green',
		prompt: 'Version',
		[field]: value,
	};
	const q = (text: string) => JSON.stringify(text);
	return `version: 1
name: ${q(fields.name!)}
description: ${q(fields.description!)}
target: ${q(fields.target!)}
phases:
  - id: main
    name: ${q(fields.phaseName!)}
    steps:
      - id: health
        name: ${q(fields.stepName!)}
        note: ${q(fields.note!)}
        run: ${q(fields.run!)}
      - id: look
        check: [${q(fields.check!)}]
      - id: version
        ask: {var: version, prompt: ${q(fields.prompt!)}}
`;
};

describe('validate refuses control characters in runbook text', () => {
	it('refuses a `run` that hides a destructive command behind a carriage return, at its line and column', () => {
		const source = `version: 1\nname: Release\nphases:\n  - id: main\n    steps:\n      - id: health\n        run: ${hidden}\n`;
		const parsed = parseRunbook(source);
		expect(parsed.ok).toBe(false);
		expect(!parsed.ok && parsed.problems).toEqual([
			{line: 7, col: 26, message: expect.stringMatching(/^`run` holds U\+000D CR, a control character/)},
		]);
	});

	it.each([
		['name', '\u001b[2J'],
		['description', 'a\u001b]52;c;cm0=\u0007'],
		['target', 'prod\u202euction'],
		['phaseName', 'x\u009by'],
		['stepName', 'Health\rcheck'],
		['run', 'echo \u001b]8;;https://evil.example/\u001b\\ok'],
		['note', 'see\u2066this'],
		['check', 'ok\u0008\u0008no'],
		['prompt', 'Version\u007f'],
	])('refuses one in %s, written as an escape or as the raw character', (field, value) => {
		const parsed = parseRunbook(runbookWith(field, value));
		expect(parsed.ok).toBe(false);
		expect(!parsed.ok && parsed.problems).toHaveLength(1);
		expect(!parsed.ok && parsed.problems[0]!.message).toMatch(
			/^`\w+` holds U\+(001B ESC|0007 BEL|0008 BS|009B CSI|000D CR|007F DEL|202E RLO|2066 LRI)/,
		);
	});

	it('keeps tab and newline, and a file with CR LF line ends', () => {
		const source =
			'version: 1\nname: "Release\\tone"\nphases:\n  - id: main\n    steps:\n      - id: a\n        run: |\n          echo a\n          echo b\n';
		expect(parseRunbook(source).ok).toBe(true);
		expect(parseRunbook(source.replace(/\n/g, '\r\n')).ok).toBe(true);
	});

	it('`runbook validate` names the file, line, column and character, and exits 2 with nothing raw on stderr', () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-fake-'));
		const file = path.join(dir, 'fake.yaml');
		writeFileSync(
			file,
			`version: 1\nname: Release\nphases:\n  - id: main\n    steps:\n      - id: health\n        run: ${hidden}\n`,
		);
		const {code, stderr} = runCli(['validate', file]);
		expect(code).toBe(2);
		expect(stderr).toMatch(new RegExp(`^${file}:7:26: \`run\` holds U\\+000D CR`));
		expect(stderr).not.toMatch(/[\r\u001b]/);
	});
});

describe('a captured value that hides a command', () => {
	const runbook = loadRunbook(`
version: 1
name: Release
phases:
  - id: main
    steps:
      - id: look
        run: ./find-check
        capture: check
      - id: act
        run: bash -c {{ check }}
        confirm: true
        approvals: 2
`);
	const waiting = simulate(runbook, {results: {look: [{out: `${hidden}\n`}]}, answers: [{kind: 'confirm'}]});

	it('is shown to the approver exactly as bash receives it, the carriage return visible', () => {
		const script = resolveCommand(findStep(runbook, 'act')!, waiting.state.vars, []).script;
		expect(script).toBe(`bash -c '${hidden}'`);
		const screen = approveScreen(waiting);
		expect(screen).toContain(`Command   bash -c 'rm -rf /data^Mecho harmless-health-check'`);
		expect(screen).not.toMatch(/\r/);
	});

	it("is shown the same way in the operator's frame while the approval is awaited", () => {
		const frame = rawFrame(waiting);
		expect(frame).toContain(`$ bash -c 'rm -rf /data^Mecho harmless-health-check'`);
		expect(frame).not.toMatch(/\r/);
	});

	it('output that writes to the clipboard (OSC 52) is shown in the frame, never sent', () => {
		const osc52 = '\u001b]52;c;cm0gLXJmIC9kYXRh\u0007';
		const running = simulate(runbook, {results: {look: [{out: `fetching ${osc52}done\n`}]}, stopWhileRunning: 1});
		const frame = rawFrame(running).replace(/\u001b\[[0-9;]*m/g, '');
		expect(frame).toContain('fetching ^[]52;c;cm0gLXJmIC9kYXRh^Gdone');
		expect(frame).not.toMatch(/[\u001b\u0007]/);
	});
});
