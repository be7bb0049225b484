// A fenced block of a checklist: is it shell to run, and if so which commands go together. Real
// checklists put SQL, Python, crontab lines, requirements files and DNS tables inside ```bash
// fences, so the language tag only helps; the lines decide. Pure.
import {isFollowCommand, opensRemoteShell} from './command-rules.js';

/** What a fenced block holds: commands to run, env assignments, or something only to show. */
export type FenceKind =
	| 'shell'
	| 'env'
	| 'SQL statements'
	| 'application code'
	| 'a decision tree'
	| 'a message template'
	| 'a crontab entry'
	| "a file's content"
	| 'a script to save as a file'
	| 'plain text';

const shellLangs = new Set(['bash', 'sh', 'shell', 'console', 'zsh', 'env', '']);

const sqlLine =
	/^\s*(select|insert\s+into|update\s+\S+\s+set|delete\s+from|alter\s+(table|database|user|role)|create\s+(table|index|unique|database|user|role|extension|schema|view)|drop\s+(table|index|database|schema|view|user|role)|truncate|grant|revoke|vacuum|explain|begin;|commit;|rollback;|\\[a-z]+\b)/i;
const codeLine =
	/^\s*(def |class |import |from \S+ import|if .*:$|elif |else:|try:|except\b|return\b|print\(|const |let |var |function\b|module\.exports|console\.log|[A-Za-z_][\w.]*\s+=\s+|['"][\w-]+['"]\s*:|[)\]}],?;?$|<\/?[a-z]+[ >])|[{([,]$|=>/;
const treeLine = /[├└│┌┐┘┬┴┼═║╔╗╚╝→←↓↑▶]|^\s*[|+]\s*[-─]{2,}|\b(YES|NO)\b\s*[-=─]*>|-->/;
const messageLine =
	/^\s*(subject|to|from|cc|bcc)\s*:|^\s*(hi|hello|dear|hey)\b[^=|&;]*[,!]?\s*$|^\s*(regards|best|thanks|cheers|sincerely)\b[^=|&;]*,?\s*$/i;
const cronLine = /^\s*(@(reboot|yearly|annually|monthly|weekly|daily|hourly)|([\d*/,-]+\s+){4}[\d*/,-]+)\s+\S/;
const requirementLine = /^\s*[A-Za-z0-9_.[\]-]+\s*(==|>=|<=|~=|!=)\s*[\w.*]+\s*$/;
const envLine = /^\s*(export\s+)?[A-Z_][A-Z0-9_]*=/;

/** Lines that are commands: not blank, not comments, and not inside a heredoc or after a `\`. */
function commandLines(lines: string[]): string[] {
	const out: string[] = [];
	let heredocEnd: string | undefined;
	let isContinued = false;
	for (const raw of lines) {
		const line = raw.replace(/^\s*\$\s+/, '');
		if (heredocEnd !== undefined) {
			if (line.trim() === heredocEnd) heredocEnd = undefined;
			continue;
		}
		const trimmed = line.trim();
		if (!isContinued && trimmed !== '' && !trimmed.startsWith('#')) out.push(line);
		isContinued = trimmed.endsWith('\\');
		heredocEnd = /<<-?\s*['"]?(\w+)['"]?/.exec(line)?.[1] ?? heredocEnd;
	}
	return out;
}

/** What the block holds; `lang` is the fence's tag, lower case. */
export function fenceKind(lang: string, lines: string[]): FenceKind {
	const body = commandLines(lines);
	if (body.length === 0) return lines.some((l) => l.trim() !== '') ? 'shell' : 'plain text';
	if (
		lines
			.find((l) => l.trim() !== '')
			?.trim()
			.startsWith('#!')
	)
		return 'a script to save as a file';
	if (body.every((l) => envLine.test(l))) return 'env';
	if (!shellLangs.has(lang)) return tagKind(lang);
	const kinds: Array<[FenceKind, (line: string) => boolean]> = [
		['SQL statements', (l) => sqlLine.test(l)],
		['a decision tree', (l) => treeLine.test(l)],
		['a message template', (l) => messageLine.test(l)],
		['a crontab entry', (l) => cronLine.test(l)],
		["a file's content", (l) => requirementLine.test(l)],
		['application code', (l) => codeLine.test(l)],
	];
	for (const [kind, test] of kinds) if (body.some(test)) return kind;
	// Commands are lower case; a line that opens with a capital and is no `VAR=` is prose or a table.
	if (body.some((l) => /^\s*[A-Z]/.test(l) && !envLine.test(l))) return 'plain text';
	return 'shell';
}

/** What a block tagged with a language other than shell holds. */
function tagKind(lang: string): FenceKind {
	if (['sql', 'psql', 'postgresql', 'pgsql', 'mysql'].includes(lang)) return 'SQL statements';
	if (['text', 'txt', 'plain', 'plaintext', 'md', 'markdown'].includes(lang)) return 'plain text';
	if (['yaml', 'yml', 'json', 'toml', 'ini', 'conf', 'nginx', 'dockerfile', 'cron', 'crontab'].includes(lang))
		return "a file's content";
	return 'application code';
}

/** One piece of a shell block, in order: commands to run, or a comment line that stands alone. */
export type ShellPart = {kind: 'run'; title?: string; command: string} | {kind: 'comment'; text: string};

/**
 * The parts of a shell block. A comment line names the commands after it; a comment with no
 * command after it in its paragraph stands alone (a manual look or a remark). A follow command
 * and a remote shell (`ssh host`) are parts of their own, so `for:` and `interactive` apply to
 * them only, and what follows `ssh host` is not run as if it were local without a guess.
 */
export function shellParts(lines: string[]): ShellPart[] {
	const parts: ShellPart[] = [];
	let titles: string[] = [];
	let commands: string[] = [];
	const flushCommands = () => {
		if (commands.length > 0)
			parts.push({kind: 'run', ...(titles.length > 0 ? {title: titles.join(' ')} : {}), command: commands.join('\n')});
		else for (const text of titles) parts.push({kind: 'comment', text});
		titles = [];
		commands = [];
	};
	let isContinued = false;
	let heredocEnd: string | undefined;
	for (const raw of lines) {
		const line = raw.replace(/^\s*\$\s+/, '').replace(/\s+$/, '');
		const trimmed = line.trim();
		const isCode = isContinued || heredocEnd !== undefined;
		if (heredocEnd !== undefined && trimmed === heredocEnd) heredocEnd = undefined;
		if (!isCode && trimmed === '') {
			flushCommands();
			continue;
		}
		if (!isCode && trimmed.startsWith('#')) {
			if (commands.length > 0) flushCommands();
			titles.push(trimmed.replace(/^#+\s*/, ''));
			continue;
		}
		const standsAlone = !isCode && (isFollowCommand(trimmed) || opensRemoteShell(trimmed));
		if (standsAlone && commands.length > 0) flushCommands();
		commands.push(line);
		isContinued = trimmed.endsWith('\\');
		heredocEnd = /<<-?\s*['"]?(\w+)['"]?/.exec(line)?.[1] ?? heredocEnd;
		if (standsAlone && !isContinued && heredocEnd === undefined) flushCommands();
	}
	flushCommands();
	return parts;
}
