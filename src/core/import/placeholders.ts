// Placeholders in a checklist's commands, which a run must never send as they are: `<db-host>`,
// `YOUR_DOMAIN`, example hosts (`your-domain.com`, `example.com`, `yourapp.onrender.com`),
// bracketed fill-ins (`[Name]`), `user@server`, `/path/to/…`, `YYYYMMDD_HHMMSS`. Each becomes
// a var the operator is asked for. Pure.

export type Placeholder = {
	/** The text in the checklist. */
	text: string;
	/** The var it becomes. */
	name: string;
	isSecret: boolean;
};

const secretName = /key|password|passwd|secret|token|credential/i;

/** Hosts that only stand for the operator's own; `www.` and other subdomains stay outside the var. */
const exampleHost =
	/\b(?:your[-_]?[a-z0-9-]*|my[-_]?(?:app|domain|site|server|project)[a-z0-9-]*)\.(?:[a-z0-9-]+\.)*[a-z]{2,}\b|\bexample\.(?:com|org|net)\b/;

const rules: Array<{pattern: RegExp; name: (match: string) => string}> = [
	{pattern: /<[A-Za-z][A-Za-z0-9_.-]*(?::\/\/[^<>\s]*)?>/, name: (m) => slug(m.slice(1, -1))},
	{pattern: /\bYOUR_[A-Z0-9_]+\b/, name: (m) => slug(m)},
	{pattern: exampleHost, name: hostVar},
	{pattern: /(?<![\w$[\]}])\[[A-Za-z][A-Za-z0-9 _/-]*\](?!\()/, name: (m) => slug(m.slice(1, -1))},
	{
		pattern: /\b(?:user|username|root|admin)@(?:server|host|hostname|server-ip|your-server|ip|remote)\b/,
		name: () => 'ssh_destination',
	},
	{pattern: /\/path\/to\/[^\s'"`;|&)]+/, name: (m) => slug(m.replace(/^\/path\/to\//, 'path '))},
	{pattern: /(?<![A-Za-z])YYYY[-_]?MM[-_]?DD(?:[-_T]?HH[-_:]?MM(?:[-_:]?SS)?)?(?![A-Za-z])/, name: () => 'timestamp'},
	{pattern: /\bprevious[-_](?:stable[-_])?(?:tag|version|release|commit)\b/, name: (m) => slug(m)},
];

const anyRule = new RegExp(rules.map((r) => `(${r.pattern.source})`).join('|'), 'g');

/** The command with each placeholder replaced by `{{ var }}`, and the placeholders found. */
export function replacePlaceholders(command: string): {text: string; found: Placeholder[]} {
	const found: Placeholder[] = [];
	const text = command.replace(anyRule, (...match: unknown[]) => {
		const whole = match[0] as string;
		const rule = rules.find((_, i) => match[i + 1] !== undefined)!;
		const name = rule.name(whole);
		if (!found.some((p) => p.text === whole)) found.push({text: whole, name, isSecret: secretName.test(name)});
		return `{{ ${name} }}`;
	});
	return {text, found};
}

/** `yourdomain.com` → `domain`; `your-backend-domain.com` → `backend_domain`; `yourapp.onrender.com` → `app_host`. */
function hostVar(host: string): string {
	if (/^example\./.test(host)) return 'domain';
	const label = host.split('.')[0]!.replace(/^(your|my)[-_]?/, '');
	const name = slug(label) === 'value' ? 'domain' : slug(label);
	return /domain|host|site|server/.test(name) ? name : `${name}_host`;
}

/** A var name: lower case, words joined by `_`, never starting with a digit. */
function slug(raw: string): string {
	return (
		raw
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '_')
			.replace(/^_+|_+$/g, '')
			.replace(/^(\d)/, 'v_$1') || 'value'
	);
}
