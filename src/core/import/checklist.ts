// `runbook import`: a Markdown deploy checklist becomes a runbook draft that validates. Headings
// become phases, checkboxes checks, shell blocks run steps, rollback and sign-off sections the
// rollback list and the sign-off; whatever has no better place is kept as a note, never dropped.
// Every guess is reported. Pure: text in, a runbook document and a report out.
import {markdownBlocks, plainText, type Block} from './markdown-blocks.js';
import {repairMojibake} from './mojibake.js';
import {formatClockTime} from '../runbook/window.js';

type StepDoc = Record<string, unknown> & {id: string};
type PhaseDoc = {id: string; name: string; at?: string; timebox?: string; steps: StepDoc[]};

export type ImportReport = {
	phases: number;
	steps: Record<string, number>;
	vars: number;
	env: number;
	rollback: number;
	signoff: number;
	mojibakeRepaired: number;
	/** What the importer guessed, each with the checklist line it came from. */
	guesses: string[];
};

export type ImportResult = {runbook: Record<string, unknown>; report: ImportReport};

const shellLangs = new Set(['bash', 'sh', 'shell', 'console', 'zsh', 'env', '']);
const destructive =
	/\b(migrate|migrations?|restore|rm\s|drop\s|downgrade|down|delete|truncate|git push|reset --hard|systemctl stop|dropdb|flush)\b/i;
const placeholderPattern = /<([A-Za-z][A-Za-z0-9_.-]*(?::\/\/[^<>\s]*)?)>|\b(YOUR_[A-Z0-9_]+)\b/g;
const secretName = /key|password|passwd|secret|token|credential/i;
const waitPattern = /\bfor (\d+)\s*(minutes?|mins?|hours?|hrs?|seconds?|secs?)\b/i;
const timeOfDay = /^\**\s*(\d{1,2}):(\d{2})\s*(AM|PM)?\s*\**\s*:?\s*\**/i;

export function importChecklist(markdown: string, options: {fallbackName: string}): ImportResult {
	const repaired = repairMojibake(markdown);
	const blocks = markdownBlocks(repaired.text);
	const b = new Builder();
	b.report.mojibakeRepaired = repaired.repaired;
	let name: string | undefined;
	const headings: Array<{level: number; text: string}> = [];
	let mode: 'steps' | 'rollback' | 'signoff' = 'steps';
	let modeLevel = 0;
	/** The numbered item a following code block belongs to. */
	let owner: {text: string; indent: number} | undefined;

	for (const [index, block] of blocks.entries()) {
		const next = blocks[index + 1];
		if (block.kind === 'heading') {
			const text = plainText(block.text);
			owner = undefined;
			if (block.level === 1 && name === undefined) {
				name = text;
				continue;
			}
			while (headings.length > 0 && headings.at(-1)!.level >= block.level) headings.pop();
			headings.push({level: block.level, text});
			if (mode !== 'steps' && block.level <= modeLevel) mode = 'steps';
			if (/roll\s?back/i.test(text) && mode === 'steps') {
				mode = 'rollback';
				modeLevel = block.level;
				b.guess(block.line, `"${text}" is a rollback section: its steps are the rollback list`);
			} else if (/sign[\s-]?off/i.test(text) && mode === 'steps') {
				mode = 'signoff';
				modeLevel = block.level;
				b.guess(block.line, `"${text}" is a sign-off section: its roles are the sign-off`);
			}
			b.section(headings.map((h) => h.text).join(' › '), mode === 'rollback');
			continue;
		}
		if (block.kind === 'rule') continue;
		if (block.kind === 'fence') {
			b.fence(block, owner && block.indent > owner.indent ? owner.text : undefined);
			owner = undefined;
			continue;
		}
		if (block.kind === 'table') {
			b.table(block);
			continue;
		}
		if (block.kind === 'text') {
			const signoff = /^\**([^*:]+?)\**\s*:\s*\**\s*_{3,}/.exec(block.text);
			if (signoff && !/date|signature/i.test(signoff[1]!)) b.signoffRole(signoff[1]!.trim(), block.line);
			b.note(plainText(block.text), block.line);
			continue;
		}
		// A list item.
		const text = plainText(block.text);
		if (mode === 'signoff' && block.checkbox) {
			const role = /^([^:]+):/.exec(text);
			if (role) b.signoffRole(role[1]!.trim(), block.line);
		}
		if (block.checkbox || block.ordered !== undefined) {
			owner = {text, indent: block.indent};
			// A numbered instruction with its code under it is that code: the command carries its name.
			if (!block.checkbox && next?.kind === 'fence' && next.indent > block.indent) continue;
			b.check(text, block, mode === 'rollback');
		} else {
			b.note(text, block.line, block.indent > 0);
		}
	}
	return {runbook: b.document(name ?? options.fallbackName), report: b.report};
}

class Builder {
	readonly report: ImportReport = {
		phases: 0,
		steps: {},
		vars: 0,
		env: 0,
		rollback: 0,
		signoff: 0,
		mojibakeRepaired: 0,
		guesses: [],
	};
	private readonly phases: PhaseDoc[] = [];
	private readonly rollback: StepDoc[] = [];
	private readonly signoff: string[] = [];
	private readonly vars: Record<string, {prompt: string; secret?: boolean}> = {};
	private readonly env: Record<string, Record<string, unknown>> = {};
	private readonly ids = new Set<string>();
	private sectionName = 'Checklist';
	private isRollback = false;
	private phase: PhaseDoc | undefined;
	/** The last check step, which the item's sub-items join; and the last note, which following text joins. */
	private lastCheck: {step: StepDoc; indent: number} | undefined;
	private lastNote: StepDoc | undefined;
	private times: number[] = [];
	private rollbackSection: string | undefined;

	guess(line: number, what: string) {
		this.report.guesses.push(`line ${line}: ${what}`);
	}

	section(name: string, isRollback: boolean) {
		this.closePhase();
		this.sectionName = name;
		this.isRollback = isRollback;
		this.lastCheck = undefined;
		this.lastNote = undefined;
	}

	check(text: string, block: Extract<Block, {kind: 'item'}>, isRollback: boolean) {
		const time = timeOfDay.exec(text);
		if (time && !isRollback) {
			const meridiem = time[3]?.toUpperCase();
			const hours = meridiem === undefined ? Number(time[1]) : (Number(time[1]) % 12) + (meridiem === 'PM' ? 12 : 0);
			this.times.push(hours * 60 + Number(time[2]));
		}
		if (this.lastCheck && block.indent > this.lastCheck.indent) {
			(this.lastCheck.step.check as string[]).push(text);
			this.waitFrom(text, block.line);
			return;
		}
		const step = this.add({id: this.id(text), name: short(text), check: [text]});
		this.lastCheck = {step, indent: block.indent};
		this.lastNote = undefined;
		this.waitFrom(text, block.line);
	}

	note(text: string, line: number, isSubItem = false) {
		if (this.lastCheck && isSubItem) {
			(this.lastCheck.step.check as string[]).push(text);
			this.waitFrom(text, line);
			return;
		}
		if (this.lastNote) {
			this.lastNote.note = `${String(this.lastNote.note)}\n${text}`;
			return;
		}
		this.lastNote = this.add({id: this.id(`note ${text}`), name: short(text), note: text});
		this.lastCheck = undefined;
	}

	signoffRole(role: string, line: number) {
		if (this.signoff.includes(role)) return;
		this.signoff.push(role);
		this.guess(line, `sign-off role "${role}"`);
	}

	table(block: Extract<Block, {kind: 'table'}>) {
		const [header, ...rows] = block.rows;
		if (!header) return;
		const checks = rows.map((cells) => cells.map(plainText).join(' | '));
		if (checks.length === 0) {
			this.note(header.map(plainText).join(' | '), block.line);
			return;
		}
		this.add({
			id: this.id(`${this.sectionName} table`),
			name: `${short(this.sectionName)}: ${header.map(plainText).join(' | ')}`,
			check: checks,
		});
		this.guess(block.line, `a table of ${checks.length} rows became one check step, a row per item`);
		this.lastCheck = undefined;
		this.lastNote = undefined;
	}

	fence(block: Extract<Block, {kind: 'fence'}>, owner: string | undefined) {
		const code = block.lines.join('\n').replace(/\n+$/, '');
		this.lastCheck = undefined;
		this.lastNote = undefined;
		if (code.trim() === '') return;
		const body = block.lines.filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
		if (body.length > 0 && body.every((l) => /^\s*(export\s+)?[A-Z_][A-Z0-9_]*=/.test(l))) {
			this.envList(block, code);
			return;
		}
		if (!shellLangs.has(block.lang) || !looksLikeShell(body)) {
			this.add({
				id: this.id(`${owner ?? this.sectionName} ${block.lang || 'text'}`),
				name: short(owner ?? `${this.sectionName}: ${block.lang || 'text'} block`),
				note: code,
			});
			this.guess(block.line, `a ${block.lang || 'plain'} block is kept as a note (not a shell command)`);
			return;
		}
		for (const [i, group] of commandGroups(block.lines).entries()) {
			const title = group.comments.join(' ') || (i === 0 ? owner : undefined) || firstWords(group.commands[0]!);
			const run = this.placeholders(group.commands.join('\n'), block.line);
			const isDestructive = destructive.test(`${title}\n${run}`);
			const step = this.add({
				id: this.id(title),
				name: short(title),
				run,
				...(isDestructive ? {confirm: 'typed'} : {}),
			});
			if (isDestructive) this.guess(block.line, `\`${step.id}\` looks destructive: it asks for a typed confirmation`);
		}
	}

	private envList(block: Extract<Block, {kind: 'fence'}>, code: string) {
		for (const l of block.lines) {
			const m = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)=([^#]*?)\s*(?:#.*)?$/.exec(l);
			if (!m || this.env[m[1]!]) continue;
			const [, key, value] = m as unknown as [string, string, string];
			// A URL with credentials in it is a secret, and its example value is no value to require.
			const isSecret = secretName.test(key) || /:\/\/[^/\s]*@/.test(value);
			const literal =
				value !== '' && !/[<>]|\.\.\.|your|example|change|username|password|xxx|\*\*\*/i.test(value) && !isSecret;
			this.env[key] = literal ? {equals: value.replace(/^["']|["']$/g, '')} : isSecret ? {secret: true} : {};
		}
		this.report.env = Object.keys(this.env).length;
		this.add({
			id: this.id(`${this.sectionName} environment`),
			name: short(`${this.sectionName}: environment`),
			note: code,
		});
		this.guess(
			block.line,
			'an environment-variable list became `env` preconditions (keys, passwords and tokens secret; literal values must match)',
		);
	}

	private placeholders(run: string, line: number): string {
		return run.replace(placeholderPattern, (whole, angle: string | undefined, upper: string | undefined) => {
			const raw = angle ?? upper!;
			const name =
				raw
					.toLowerCase()
					.replace(/[^a-z0-9]+/g, '_')
					.replace(/^_+|_+$/g, '')
					.replace(/^(\d)/, 'v_$1') || 'value';
			if (!this.vars[name]) {
				this.vars[name] = {prompt: `Value for ${whole}`, ...(secretName.test(name) ? {secret: true} : {})};
				this.guess(line, `${whole} is a placeholder: var \`${name}\`${secretName.test(name) ? ' (secret)' : ''}`);
			}
			return `{{ ${name} }}`;
		});
	}

	private waitFrom(text: string, line: number) {
		const m = waitPattern.exec(text);
		if (!m) return;
		const unit = m[2]!.toLowerCase().startsWith('h') ? 'h' : m[2]!.toLowerCase().startsWith('s') ? 's' : 'm';
		this.add({id: this.id(`wait ${text}`), name: short(`Wait: ${text}`), wait: `${m[1]}${unit}`});
		this.guess(line, `"${m[0]}" became a ${m[1]}${unit} wait`);
		this.lastCheck = undefined;
	}

	private add(step: StepDoc): StepDoc {
		const kind = ['run', 'check', 'wait'].find((k) => k in step) ?? 'note';
		this.report.steps[kind] = (this.report.steps[kind] ?? 0) + 1;
		if (this.isRollback) {
			// The rollback list has no phases to carry its headings: its first step of each part does.
			if (this.rollbackSection !== this.sectionName) {
				this.rollbackSection = this.sectionName;
				step.name = short(`${this.sectionName} › ${String(step.name ?? step.id)}`);
			}
			this.rollback.push(step);
			return step;
		}
		this.phase ??= {id: this.id(this.sectionName), name: this.sectionName, steps: []};
		this.phase.steps.push(step);
		return step;
	}

	private closePhase() {
		const phase = this.phase;
		this.phase = undefined;
		if (!phase) {
			this.times = [];
			return;
		}
		if (this.times.length > 0) {
			const first = Math.min(...this.times);
			const last = Math.max(...this.times);
			phase.at = formatClockTime(first);
			phase.timebox = `${last - first + 30}m`;
			this.report.guesses.push(
				`phase "${phase.name}": planned at ${phase.at}, timebox ${phase.timebox} (its times of day, plus 30m for the last item)`,
			);
		}
		this.times = [];
		this.phases.push(phase);
	}

	private id(text: string): string {
		const base =
			text
				.toLowerCase()
				.normalize('NFKD')
				.replace(/[^a-z0-9]+/g, '-')
				.replace(/^-+|-+$/g, '')
				.slice(0, 40)
				.replace(/-+$/, '') || 'step';
		let id = base;
		for (let n = 2; this.ids.has(id); n++) id = `${base}-${n}`;
		this.ids.add(id);
		return id;
	}

	document(name: string): Record<string, unknown> {
		this.closePhase();
		// Rollback steps run only when linked: the first destructive step undoes with all of them.
		if (this.rollback.length > 0) {
			const first =
				this.phases.flatMap((p) => p.steps).find((s) => s.confirm === 'typed') ??
				this.phases.flatMap((p) => p.steps).find((s) => 'run' in s);
			if (first) {
				first.rollback = this.rollback.map((s) => s.id);
				this.report.guesses.push(`\`${first.id}\` is the first step that changes things: the rollback list undoes it`);
			}
		}
		if (this.phases.length === 0)
			this.phases.push({
				id: 'checklist',
				name: 'Checklist',
				steps: [{id: 'empty', note: 'The checklist had no items.'}],
			});
		this.report.phases = this.phases.length;
		this.report.vars = Object.keys(this.vars).length;
		this.report.rollback = this.rollback.length;
		this.report.signoff = this.signoff.length;
		return {
			version: 1,
			name,
			description: 'Imported from a Markdown checklist by `runbook import`: review every step before a real run.',
			...(Object.keys(this.vars).length > 0 ? {vars: this.vars} : {}),
			...(Object.keys(this.env).length > 0 ? {env: this.env} : {}),
			phases: this.phases,
			...(this.rollback.length > 0 ? {rollback: this.rollback} : {}),
			...(this.signoff.length > 0 ? {signoff: this.signoff} : {}),
		};
	}
}

/** Comment lines name the commands after them; a blank line or a new comment starts a new group. */
function commandGroups(lines: string[]): Array<{comments: string[]; commands: string[]}> {
	const groups: Array<{comments: string[]; commands: string[]}> = [];
	let current = {comments: [] as string[], commands: [] as string[]};
	const flush = () => {
		if (current.commands.length > 0) groups.push(current);
		else if (current.comments.length > 0 && groups.length > 0)
			groups.at(-1)!.commands.push(...current.comments.map((c) => `# ${c}`));
		else if (current.comments.length > 0) groups.push({comments: [], commands: current.comments.map((c) => `# ${c}`)});
		current = {comments: [], commands: []};
	};
	let isContinued = false;
	for (const raw of lines) {
		const line = raw.replace(/^\s*\$\s+/, '').replace(/\s+$/, '');
		const trimmed = line.trim();
		if (!isContinued && (trimmed === '' || trimmed.startsWith('#!'))) {
			if (trimmed.startsWith('#!')) current.commands.push(trimmed);
			else flush();
			continue;
		}
		if (!isContinued && trimmed.startsWith('#')) {
			if (current.commands.length > 0) flush();
			current.comments.push(trimmed.replace(/^#+\s*/, ''));
			continue;
		}
		current.commands.push(line);
		isContinued = trimmed.endsWith('\\');
	}
	flush();
	return groups;
}

function looksLikeShell(body: string[]): boolean {
	return (
		body.length > 0 &&
		!body.some((l) => /^\s*(def |class |import |from \S+ import|[A-Za-z_]+\s*=\s*[[{(]|<\/?[a-z]+>|\{$)/.test(l))
	);
}

function firstWords(command: string): string {
	return command.trim().split(/\s+/).slice(0, 4).join(' ');
}

/** A step name: the first line, at most 70 characters. */
function short(text: string): string {
	const first = text.split('\n')[0]!.trim();
	return first.length > 70 ? `${first.slice(0, 69)}…` : first || 'step';
}
