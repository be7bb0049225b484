import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {runbookJsonSchema} from '../../src/core/runbook/schema.js';

describe('the JSON Schema', () => {
	it('committed for editors is the one `runbook schema` prints, from the same definition as the loader', () => {
		const committed = JSON.parse(readFileSync(new URL('../../schema/runbook.schema.json', import.meta.url), 'utf8'));
		expect(committed).toEqual(runbookJsonSchema());
	});

	it('names every step option and requires one step kind', () => {
		const schema = runbookJsonSchema() as any;
		const step = schema.properties.phases.items.properties.steps.items;
		expect(Object.keys(step.properties)).toEqual(
			expect.arrayContaining([
				'run',
				'check',
				'ask',
				'wait',
				'poll',
				'note',
				'confirm',
				'timeout',
				'retries',
				'expect',
				'capture',
				'env',
				'cwd',
				'when',
				'rollback',
				'continue_on_error',
			]),
		);
		expect(step.additionalProperties).toBe(false);
		expect(step.anyOf).toHaveLength(6);
	});
});
