// `runbook schema`: the JSON Schema of the runbook format, for editors.
import {runbookJsonSchema} from '../core/runbook/schema.js';

export function schemaCommand(): number {
	process.stdout.write(`${JSON.stringify(runbookJsonSchema(), null, 2)}\n`);
	return 0;
}
