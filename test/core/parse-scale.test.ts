// A 10,000-step runbook is read by the fast reader of plain YAML; a problem anywhere in it must
// still be reported at its own line and column, as `yaml` places it.
import {describe, expect, it} from 'vitest';
import {parseRunbook} from '../../src/core/runbook/parse.js';

const phaseCount = 100;
const stepsPerPhase = 100;
const headerLines = 5;

/** The line (from 1) of the `run:` of step `step` of phase `phase`. */
const runLine = (phase: number, step: number) => headerLines + 1 + phase * (2 + 2 * stepsPerPhase) + 2 + 2 * step + 1;

/** 100 phases of 100 steps, each running a command with a var; `change` may rewrite one step's `run:` line. */
function tenThousandSteps(change?: {phase: number; step: number; runLine: string}): string {
	const lines = ['version: 1', 'name: Ten thousand steps', 'vars:', '  word: { default: hello }', 'phases:'];
	for (let phase = 0; phase < phaseCount; phase++) {
		lines.push(`  - id: p${phase}`, '    steps:');
		for (let step = 0; step < stepsPerPhase; step++) {
			const isChanged = change?.phase === phase && change.step === step;
			lines.push(`      - id: s${phase}_${step}`, isChanged ? change.runLine : `        run: echo {{ word }} ${step}`);
		}
	}
	return `${lines.join('\n')}\n`;
}

describe('a 10,000-step runbook', () => {
	it('is read whole', () => {
		const parsed = parseRunbook(tenThousandSteps());
		expect(parsed.ok && parsed.runbook.phases.length).toBe(phaseCount);
		expect(parsed.ok && parsed.runbook.phases[73]!.steps[42]).toMatchObject({id: 's73_42', run: 'echo {{ word }} 42'});
	});

	it('with a misspelt var deep inside, says where', () => {
		const text = tenThousandSteps({phase: 73, step: 42, runLine: '        run: echo {{ wrod }} 42'});
		expect(text.split('\n')[runLine(73, 42) - 1]).toBe('        run: echo {{ wrod }} 42');
		expect(parseRunbook(text)).toEqual({
			ok: false,
			problems: [
				{
					line: runLine(73, 42),
					col: 14,
					message: '`{{ wrod }}` is not defined by `vars`, an `ask` step or a `capture`; did you mean `word`?',
				},
			],
		});
	});

	it('with a misspelt option deep inside, points at the key', () => {
		const text = tenThousandSteps({phase: 98, step: 7, runLine: '        run: echo\n        tiemout: 5s'});
		expect(parseRunbook(text)).toEqual({
			ok: false,
			problems: [
				{line: runLine(98, 7) + 1, col: 9, message: '`tiemout` is not a step option; did you mean `timeout`?'},
			],
		});
	});

	it('with a key given twice deep inside, says where the second one is', () => {
		const text = tenThousandSteps({phase: 51, step: 99, runLine: '        run: echo one\n        run: echo two'});
		const parsed = parseRunbook(text);
		expect(parsed.ok).toBe(false);
		expect(!parsed.ok && parsed.problems).toEqual([
			{line: runLine(51, 99) + 1, col: 9, message: expect.stringMatching(/^not valid YAML: map keys must be unique/)},
		]);
	});

	it('with a line indented one space too far deep inside, says where', () => {
		const text = tenThousandSteps({phase: 60, step: 3, runLine: '         run: echo'});
		// `yaml` reads the line as the id going on over two lines: it points at the id.
		expect(parseRunbook(text)).toEqual({
			ok: false,
			problems: [{line: runLine(60, 3) - 1, col: 13, message: expect.stringMatching(/^not valid YAML: /)}],
		});
	});
});
