// What one shell command line does, as far as an imported draft must know before anyone runs
// it: whether it never ends by itself (a follow), changes production, needs the terminal, or
// is a health check that cannot fail. Rules on the text only; a human reviews every guess. Pure.

/** `sudo`, `env`, `VAR=value` and `time` in front of the command taken away. */
function bare(line: string): string {
	let text = line.trim();
	for (;;) {
		const next = text.replace(
			/^(?:sudo(?:\s+-[A-Za-z]+(?:\s+\S+)?)*|env|time|nohup|[A-Za-z_][A-Za-z0-9_]*=\S*)\s+/,
			'',
		);
		if (next === text) return text;
		text = next;
	}
}

/** The commands of a line: `a && b | c; d` is four. */
function commandsOf(line: string): string[] {
	return line
		.replace(/(^|\s)#.*$/, '')
		.split(/\s*(?:&&|\|\||;|\|)\s*/)
		.map(bare)
		.filter((c) => c !== '');
}

const followRules: RegExp[] = [
	/^tail\b.*\s(-[A-Za-z0-9]*[fF][A-Za-z]*|--follow)\b/,
	/^journalctl\b.*\s(-[A-Za-z]*f[A-Za-z]*|--follow)\b/,
	/^(kubectl|oc|docker(\s+compose)?|docker-compose|podman|stern|heroku|fly|flyctl|render)\b.*\blogs?\b.*\s(-[A-Za-z]*f[A-Za-z]*|--follow)\b/,
	/^heroku\s+logs\b.*\s(--tail|-t)\b/,
	/^(kubectl|oc)\b.*\bget\b.*\s(-w|--watch)\b/,
	/^watch\b/,
	/^docker(\s+compose)?\s+stats\b(?!.*--no-stream)/,
	/^ping\b(?!.*\s-c\s*\d)/,
	/\s--follow\b/,
];

/** A command that never ends by itself: it must run with `for:` or it holds the run forever. */
export function isFollowCommand(line: string): boolean {
	return commandsOf(line).some((command) => !/^git\b/.test(command) && followRules.some((r) => r.test(command)));
}

/** Looks that change nothing, even where a word of a changing command appears. */
const readOnlyRules: RegExp[] = [
	/\s--dry-run\b/,
	/\s--plan\b/,
	/\bmakemigrations\b.*\s--check\b/,
	/^(terraform|tofu)\s+(plan|show|validate|output|fmt)\b/,
	/^helm\s+(diff|list|ls|status|get|template|lint|history)\b/,
	/^(kubectl|oc)\s+(get|describe|logs|top|explain|diff|version|rollout\s+(status|history))\b/,
	/^(systemctl|service)\s+\S*\s*(status|is-active|is-enabled|list-units|cat)\b/,
	/^git\s+(status|log|diff|show|fetch|branch\s*$|tag\s*$|tag\s+-l|remote\s+-v)\b/,
	/^(ls|cat|less|head|grep|find(?!.*\s-(delete|exec))|echo|printf|curl\s(?!.*\s-X\s*(POST|PUT|PATCH|DELETE)))\b/,
	/^nginx\s+-t\b/,
	/\s(preview|describe|list|status)\b\s*$/,
];

const changeRules: Array<{what: string; rule: RegExp}> = [
	{what: 'starts containers', rule: /^(docker(\s+compose)?|docker-compose|podman-compose)\b.*\sup\b/},
	{what: 'pushes', rule: /^(git|docker|podman|helm)\s+push\b/},
	{what: 'deploys', rule: /(^|\s)deploy\b|^(vercel|netlify)\b.*\s--prod\b/},
	{
		what: 'restarts or stops a service',
		rule: /^(systemctl|service|supervisorctl|pm2|docker(\s+compose)?|docker-compose|podman|heroku|flyctl|fly|launchctl)\b.*\s(restart|reload|stop|start|kill|down|enable|disable)\b|\b(restart|reload)\b|^nginx\s+-s\b/,
	},
	{what: 'applies a change', rule: /^(kubectl|oc|terraform|tofu|pulumi)\b.*\s(apply|up|destroy|import)\b/},
	{what: 'upgrades a release', rule: /^helm\s+(upgrade|install|uninstall|delete|rollback)\b/},
	{
		what: 'changes the cluster',
		rule: /^(kubectl|oc)\s+(apply|delete|rollout|scale|set|patch|replace|edit|drain|cordon|create|label|annotate|expose)\b/,
	},
	{
		what: 'migrates the database',
		rule: /(^|\s)(migrate|db:migrate|db:rollback)\b|^(alembic|flask\s+db)\s+(upgrade|downgrade|stamp)\b|\bprisma\s+migrate\s+deploy\b/,
	},
	{
		what: 'restores data',
		rule: /\b(pg_restore|restore|loaddata)\b|^(psql|mysql|mongorestore)\b[^<]*<\s*\S|^(gunzip|zcat)\b.*\|\s*(psql|mysql)\b/,
	},
	{
		what: 'removes files',
		rule: /^(rm|rmdir|shred|unlink)\b|\s-delete\b|^(aws|gsutil|gcloud|az|rclone)\b.*\s(rm|rb|remove)\b/,
	},
	{
		what: 'changes data',
		rule: /\b(drop\s+(table|database|schema|index|view|column|user|role)|dropdb|truncate|delete\s+from|alter\s+(table|database|user|role)|update\s+\S+\s+set|flush(all|db)?)\b/i,
	},
	{what: 'deletes', rule: /\b(delete|destroy|purge|uninstall)\b|-X\s*DELETE\b/},
	{what: 'prunes', rule: /\bprune\b/},
	{
		what: 'takes traffic away',
		rule: /--replicas[= ]0\b|\bmaintenance:on\b|\bps:scale\b.*=0\b|\bset\s+env\b.*READ_?ONLY/i,
	},
	{what: 'rewrites the deployed code', rule: /^git\s+(reset\s+--hard|revert|checkout|switch|pull|merge|rebase)\b/},
	{what: 'changes the web server', rule: /^certbot\b(?!.*\s(certificates|--dry-run)\b)/},
];

/** What the line does to production (`deploys`, `migrates the database`…), or undefined for a read-only look. */
export function productionChange(line: string): string | undefined {
	for (const command of commandsOf(line)) {
		if (readOnlyRules.some((r) => r.test(command))) continue;
		const hit = changeRules.find((c) => c.rule.test(command));
		if (hit) return hit.what;
	}
	return undefined;
}

const sshOptionsWithValue = new Set([
	'-b',
	'-c',
	'-D',
	'-E',
	'-e',
	'-F',
	'-I',
	'-i',
	'-J',
	'-L',
	'-l',
	'-m',
	'-O',
	'-o',
	'-p',
	'-Q',
	'-R',
	'-S',
	'-W',
	'-w',
]);

/** `ssh host` with no command after the host opens a remote shell; `ssh -t` asks for a terminal. */
function isSshSession(command: string): boolean {
	const words = command.split(/\s+/);
	if (words[0] !== 'ssh') return false;
	let index = 1;
	for (; index < words.length && words[index]!.startsWith('-'); index++) {
		if (/^-[A-Za-z]*t/.test(words[index]!)) return true;
		if (sshOptionsWithValue.has(words[index]!)) index++;
	}
	return index >= words.length - 1;
}

const interactiveRules: Array<{what: string; rule: RegExp}> = [
	{what: 'asks for the new user', rule: /\bcreatesuperuser\b(?!.*--no-?input)/},
	{
		what: 'opens a database shell',
		rule: /^(psql|mysql|mariadb|mongosh?|redis-cli|sqlite3)\b(?!.*(\s(-c|--command|-f|--file|-e|--execute|--eval)\b|<|\|))/,
	},
	{what: 'opens a shell', rule: /\bmanage\.py\s+(shell|dbshell)\b(?!.*\s-c\b)|\brails\s+(c|console)\b/},
	{
		what: 'opens an editor',
		rule: /^(nano|vim?|nvim|emacs(?!.*--batch)|pico|\$EDITOR|visudo|vipw)\b|^crontab\s+-e\b|^(kubectl|oc)\s+edit\b/,
	},
	{
		what: 'opens an editor for the message',
		rule: /^git\s+commit\b(?!.*\s(-m|--message|-F|--file|--no-edit|-C)\b)|^git\s+rebase\s+-i\b/,
	},
	{
		what: 'attaches a terminal',
		rule: /^(docker|podman|kubectl|oc)\s+(exec|run)\b.*\s-(it|ti)\b|\s--interactive\b.*\s--tty\b/,
	},
	{
		what: 'asks for a password',
		rule: /^(passwd|htpasswd(?!.*\s-[a-zA-Z]*[bi]))\b|\s(-W|--password)(\s|$)|^(mysql|mariadb)\b.*\s-p(\s|$)|^read\s+.*-[a-z]*[sp]\b|^[a-z0-9-]+\s+(login|auth\s+login)\b(?!.*(--password-stdin|--token|--with-token))/,
	},
	{what: 'may ask for the sudo password', rule: /(^|[;&|]\s*)sudo\b(?!\s+-n\b)/},
	{what: 'asks questions', rule: /^certbot\b(?!.*\s(--non-interactive|-n)\b)/},
];

/** Why the line needs the terminal (`opens an editor`…), or undefined when it runs unattended. */
export function interactiveReason(line: string): string | undefined {
	const trimmed = line.trim();
	const sudo = interactiveRules.at(-2)!;
	for (const command of commandsOf(trimmed)) {
		if (isSshSession(command)) return 'opens a remote shell';
		const hit = interactiveRules.find((r) => r !== sudo && r.rule.test(command));
		if (hit) return hit.what;
	}
	return sudo.rule.test(trimmed) ? sudo.what : undefined;
}

/** `ssh user@host` with nothing after: the lines after it in a checklist are meant for that host. */
export function opensRemoteShell(line: string): boolean {
	return commandsOf(line).some(isSshSession);
}

/** A `curl` without `-f`/`--fail` passes on an HTTP error status: a health check that cannot fail. */
export function isCurlThatCannotFail(line: string): boolean {
	return commandsOf(line).some(
		(command) =>
			/^curl\b/.test(command) &&
			!/\s(-[A-Za-z]*f[A-Za-z]*|--fail|--fail-with-body)\b/.test(command) &&
			!/\s-w\s*['"]?%\{http_code\}/.test(command),
	);
}
