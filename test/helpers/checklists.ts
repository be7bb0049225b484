// The real checklists the import tests read: copies kept in the repository (see the README
// beside them), so a clone with nothing beside it passes.
import {readdirSync} from 'node:fs';
import path from 'node:path';
import {repoRoot} from './cli.js';

export const checklistDir = path.join(repoRoot, 'test', 'fixtures', 'checklists');

/** The checklist file names, sorted; the README that describes them is not one. */
export const checklistFiles: string[] = readdirSync(checklistDir)
	.filter((file) => file.endsWith('.md') && file !== 'README.md')
	.sort();
