// What a checklist section is for, from its heading: the deploy flow, the rollback, the sign-off,
// work for later (the first week, maintenance), or reference that says when to act (criteria,
// escalation, contacts). And the `target` a typed confirmation asks for. Pure.

export type SectionRole = 'steps' | 'rollback' | 'signoff' | 'later' | 'reference';

const rules: Array<[SectionRole, RegExp]> = [
	['steps', /success criteria|immediate/i],
	[
		'reference',
		/when to|criteria|trigger|decision|escalat|contacts?\b|on-?call|support|communication channels|useful links|budget|timeline|final notes|known issues|^notes\b/i,
	],
	['rollback', /roll\s?back/i],
	['signoff', /sign[\s-]?off/i],
	[
		'later',
		/first (week|month|day)|first 24 hours|(short|long)[- ]term|ongoing|maintenance|\blater\b|future|next steps|weekly|monthly|daily/i,
	],
];

/** The role a heading gives its section, or undefined when it keeps its parent's. */
export function headingRole(heading: string): SectionRole | undefined {
	return rules.find(([, rule]) => rule.test(heading))?.[0];
}

const generic =
	/\b(production|prod|deployment|deploy|checklist|check|list|plan|guide|runbook|release|two|day|steps?|ready|the|for|and|of|md)\b/gi;

/** A `target` for typed confirmations: the app's name from the title, a project line, a service or the file name. */
export function guessTarget(
	markdown: string,
	title: string | undefined,
	fallbackName: string,
): {target: string; from: string} | undefined {
	const project = /^\**\s*(?:project|app|application|service)\s*:?\**\s*:?\s*(.+)$/im.exec(markdown)?.[1];
	const service = [...markdown.matchAll(/\bsystemctl\s+(?:restart|start|reload)\s+([a-z][\w.-]*)/g)]
		.map((m) => m[1]!)
		.find((name) => !/^(nginx|apache2?|httpd|caddy|postgresql|redis|docker)$/.test(name));
	const candidates: Array<[string | undefined, string]> = [
		[title, 'the title'],
		[project, 'the project line'],
		[service, 'the service it restarts'],
		[fallbackName.replace(/\.[a-z]+$/i, ''), 'the file name'],
	];
	for (const [text, from] of candidates) {
		const name = slugName(text ?? '');
		if (name !== '') return {target: name, from};
	}
	return undefined;
}

function slugName(text: string): string {
	return text
		.replace(generic, ' ')
		.toLowerCase()
		.normalize('NFKD')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 40)
		.replace(/-+$/, '');
}
