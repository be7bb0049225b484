// A fenced block of a checklist as draft steps: shell becomes run steps made safe to run (follows
// bounded by `for`, production changes typed-confirmed, interactive commands given the terminal,
// placeholders made vars), comment lines that ask for a look become one check step, env lists
// become preconditions, and anything that is not shell stays a note. Pure.
import {Builder, short, type StepDoc} from './builder.js';
import type {Block} from './markdown-blocks.js';
import {
	interactiveReason,
	isCurlThatCannotFail,
	isFollowCommand,
	opensRemoteShell,
	productionChange,
} from './command-rules.js';
import {fenceKind, shellParts} from './shell-block.js';
import {replacePlaceholders} from './placeholders.js';

type Fence = Extract<Block, {kind: 'fence'}>;

const secretName = /key|password|passwd|secret|token|credential/i;
/** A comment that is a remark, not something to do: `Note: …`, `… other vars`, `OR …`. */
const remark = /^(note\b|nb\b|\.\.\.|…|or\b|e\.g\.|example|optional|todo\b)/i;
const durationWords = /\bfor (\d+)\s*(minutes?|mins?|hours?|hrs?|seconds?|secs?)\b/i;
/** A follow runs this long when the checklist gives no time. */
const defaultFollow = '5m';

/** The steps of one fenced block; `owner` is the list item the block is indented under. */
export function addFence(b: Builder, block: Fence, owner: string | undefined) {
	b.breakGroup();
	const code = block.lines.join('\n').replace(/\n+$/, '');
	if (code.trim() === '') return;
	const kind = fenceKind(block.lang, block.lines);
	if (kind === 'env') {
		addEnvList(b, block, code);
		return;
	}
	if (kind !== 'shell') {
		const label = owner ?? `${b.sectionName}: ${block.lang || 'text'} block`;
		b.add({id: b.id(`${owner ?? b.sectionName} ${block.lang || 'text'}`), name: short(label), note: code});
		b.guess(block.line, `a ${block.lang ? `\`${block.lang}\`` : 'plain'} block holds ${kind}: kept as a note, not run`);
		return;
	}
	const looks: string[] = [];
	let isRemote = false;
	let isFirst = true;
	for (const part of shellParts(block.lines)) {
		if (part.kind === 'comment') {
			if (remark.test(part.text)) b.note(part.text, block.line);
			else looks.push(part.text);
			continue;
		}
		const name = (isFirst ? owner : undefined) ?? part.title ?? firstWords(part.command);
		const step = addRun(b, block.line, {...part, name, context: `${owner ?? ''} ${b.sectionName}`});
		if (isFirst && owner !== undefined && (owner.length > 70 || part.title !== undefined))
			step.note = [owner, part.title].filter(Boolean).join('\n');
		if (/^or\b/i.test(part.title ?? ''))
			b.guess(
				block.line,
				`\`${step.id}\` is an alternative ("${part.title}"): both run as written; keep the one that applies`,
			);
		if (isRemote)
			b.guess(
				block.line,
				`\`${step.id}\` follows \`ssh\` in the checklist: its commands are meant for that host, but run here as written`,
			);
		isRemote ||= opensRemoteShell(part.command);
		isFirst = false;
	}
	if (looks.length > 0) {
		b.breakGroup();
		b.add({
			id: b.id(`look ${looks[0]}`),
			name: short(looks.length === 1 ? looks[0]! : `${owner ?? b.sectionName}: look`),
			check: looks,
		});
		b.guess(
			block.line,
			`${looks.length} comment line${looks.length === 1 ? '' : 's'} of a shell block ask${looks.length === 1 ? 's' : ''} for a manual look or action: a check step`,
		);
	}
}

/** One run step, with what its commands need before anyone runs them. */
function addRun(
	b: Builder,
	line: number,
	part: {name: string; title?: string; command: string; context: string},
): StepDoc {
	const {text, found} = replacePlaceholders(part.command);
	b.addVars(found, line);
	const step = b.add({id: b.id(part.name), name: short(part.name), run: text});
	const commandLines = part.command.split('\n');
	if (commandLines.some(isFollowCommand)) {
		const time = durationWords.exec(`${part.title ?? ''} ${part.context}`);
		step.for = time
			? `${time[1]}${time[2]!.toLowerCase().startsWith('h') ? 'h' : time[2]!.toLowerCase().startsWith('s') ? 's' : 'm'}`
			: defaultFollow;
		b.guess(
			line,
			`\`${step.id}\` never ends by itself: it runs for ${String(step.for)}${time ? ` ("${time[0]}")` : ' (no time in the checklist)'}, then stops and counts as done`,
		);
	}
	const change = commandLines.map(productionChange).find((what) => what !== undefined);
	if (change) {
		b.markChange(step, change);
		b.guess(line, `\`${step.id}\` ${change}: it asks for a typed confirmation`);
	}
	const reason = commandLines.map(interactiveReason).find((why) => why !== undefined);
	if (reason) {
		step.interactive = true;
		b.guess(line, `\`${step.id}\` ${reason}: an interactive step (the command gets the terminal)`);
	}
	if (commandLines.some(isCurlThatCannotFail))
		b.guess(
			line,
			`\`${step.id}\` runs \`curl\` without \`-f\`: an HTTP error still passes; review the check (the command is left as it is)`,
		);
	return step;
}

/** `KEY=value` lines: env preconditions; keys, passwords and tokens secret; literal values must match. */
function addEnvList(b: Builder, block: Fence, code: string) {
	let isOptional = /optional|if using|if needed|recommended/i.test(b.sectionName);
	for (const l of block.lines) {
		if (/^\s*#/.test(l)) {
			isOptional = /optional|if using|if needed|recommended/i.test(`${b.sectionName} ${l}`);
			continue;
		}
		const m = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)=([^#]*?)\s*(?:#.*)?$/.exec(l);
		if (!m || b.env[m[1]!]) continue;
		const [, key, value] = m as unknown as [string, string, string];
		// A URL with credentials in it is a secret, and its example value is no value to require.
		const isSecret = secretName.test(key) || /:\/\/[^/\s]*@/.test(value);
		const literal =
			value !== '' && !/[<>]|\.\.\.|your|example|change|username|password|xxx|\*\*\*/i.test(value) && !isSecret;
		b.env[key] = {
			...(literal ? {equals: value.replace(/^["']|["']$/g, '')} : isSecret ? {secret: true} : {}),
			...(isOptional ? {required: false} : {}),
		};
	}
	b.add({id: b.id(`${b.sectionName} environment`), name: short(`${b.sectionName}: environment`), note: code});
	b.guess(
		block.line,
		'an environment-variable list became `env` preconditions (keys, passwords and tokens secret; literal values must match; those marked optional not required)',
	);
}

/** A name for commands without one: the first line that does more than change directory. */
function firstWords(command: string): string {
	const lines = command.split('\n').map((l) => l.trim());
	const main = lines.find((l) => l !== '' && !/^(cd|source|\.|export)\s/.test(l)) ?? lines[0]!;
	return main.split(/\s+/).slice(0, 5).join(' ');
}
