// Collects an imported draft as the checklist is read: phases of steps, the rollback list, the
// optional phase of work for later, vars, env preconditions, sign-off roles, and every guess
// with the checklist line it came from. Pure.
import type {Block} from './markdown-blocks.js';
import {formatClockTime} from '../runbook/window.js';
import {replacePlaceholders, type Placeholder} from './placeholders.js';

export type StepDoc = Record<string, unknown> & {id: string};
type PhaseDoc = {id: string; name: string; at?: string; timebox?: string; steps: StepDoc[]};

/** Where the steps of the current section go. */
export type Destination = 'phase' | 'rollback' | 'later';

export type ImportReport = {
	phases: number;
	steps: Record<string, number>;
	vars: number;
	env: number;
	rollback: number;
	signoff: number;
	mojibakeRepaired: number;
	/** Steps that ask for a typed confirmation, steps that get the terminal, and follows bounded by `for`. */
	typed: number;
	interactive: number;
	follows: number;
	target?: string;
	/** The first step of the deploy flow that changes production, which the rollback list undoes. */
	firstChange?: string;
	/** What the importer guessed, each with the checklist line it came from. */
	guesses: string[];
};

const timeOfDay = /^\**\s*(\d{1,2}):(\d{2})\s*(AM|PM)?\s*\**\s*:?\s*\**/i;
const waitPattern = /\bfor (\d+)\s*(minutes?|mins?|hours?|hrs?|seconds?|secs?)\b/i;

export class Builder {
	readonly report: ImportReport = {
		phases: 0,
		steps: {},
		vars: 0,
		env: 0,
		rollback: 0,
		signoff: 0,
		mojibakeRepaired: 0,
		typed: 0,
		interactive: 0,
		follows: 0,
		guesses: [],
	};
	readonly env: Record<string, Record<string, unknown>> = {};
	sectionName = 'Checklist';
	private readonly phases: PhaseDoc[] = [];
	private readonly later: PhaseDoc = {id: 'later', name: 'Later (optional): after this run', steps: []};
	private readonly rollback: StepDoc[] = [];
	private readonly signoff: string[] = [];
	private readonly vars: Record<string, {prompt: string; secret?: boolean}> = {};
	private readonly ids = new Set<string>(['later']);
	/** Why each typed step changes production, for the report's first step that changes things. */
	private readonly changes = new Map<StepDoc, string>();
	private destination: Destination = 'phase';
	private phase: PhaseDoc | undefined;
	/** The open check step that following items join, and the last note that following text joins. */
	private group: {step: StepDoc; indent: number; parent?: string} | undefined;
	private lastNote: StepDoc | undefined;
	private times: number[] = [];
	private rollbackSection: string | undefined;
	private readonly reportedFillIns = new Set<string>();

	guess(line: number, what: string) {
		this.report.guesses.push(`line ${line}: ${what}`);
	}

	section(name: string, destination: Destination) {
		this.closePhase();
		this.sectionName = name;
		this.destination = destination;
		this.breakGroup();
	}

	/** The next step starts a new check group and a new note. */
	breakGroup() {
		this.group = undefined;
		this.lastNote = undefined;
	}

	/** A checklist item joins the open check step of its group; the first item of a group opens one. */
	check(text: string, block: Extract<Block, {kind: 'item'}>) {
		this.timeFrom(text);
		this.fillIns(text, block.line);
		const group = this.group;
		if (group && block.indent > group.indent && group.parent !== undefined) {
			const items = group.step.check as string[];
			// The parent item is the heading of its sub-items: it stays as their prefix, not as an item of its own.
			if (items.at(-1) === group.parent) items.pop();
			items.push(`${group.parent} › ${text}`);
		} else if (group && block.indent <= group.indent) {
			(group.step.check as string[]).push(text);
			group.parent = text;
		} else {
			const name = this.destination === 'rollback' ? text : this.sectionName.split(' › ').at(-1)!;
			const step = this.add({id: this.id(name), name: short(name), check: [text]});
			this.group = {step, indent: block.indent, parent: text};
			this.lastNote = undefined;
		}
		this.waitFrom(text, block.line);
	}

	/** Text: a sub-item of the open check joins it; other text joins the note before it. */
	note(text: string, line: number, isSubItem = false) {
		this.fillIns(text, line);
		if (this.group && isSubItem && this.group.parent !== undefined) {
			const items = this.group.step.check as string[];
			if (items.at(-1) === this.group.parent) items.pop();
			items.push(`${this.group.parent} › ${text}`);
			this.waitFrom(text, line);
			return;
		}
		if (this.lastNote) {
			this.lastNote.note = `${String(this.lastNote.note)}\n${text}`;
			return;
		}
		this.lastNote = this.add({id: this.id(`note ${text}`), name: short(text), note: text});
		this.group = undefined;
	}

	/** Text of a section that is only to read: one note per section, named by its heading. */
	sectionNote(text: string, line: number) {
		this.fillIns(text, line);
		if (this.lastNote) {
			this.lastNote.note = `${String(this.lastNote.note)}\n${text}`;
			return;
		}
		const name = this.destination === 'later' ? this.sectionName : this.sectionName.split(' › ').at(-1)!;
		this.lastNote = this.add({id: this.id(`note ${name}`), name: short(name), note: text});
	}

	/** Placeholders in text the run only shows: no var can fill them, so each is reported once. */
	private fillIns(text: string, line: number) {
		for (const placeholder of replacePlaceholders(text).found) {
			if (this.reportedFillIns.has(placeholder.text)) continue;
			this.reportedFillIns.add(placeholder.text);
			this.guess(line, `${placeholder.text} is a placeholder in text to read: fill it in by hand`);
		}
	}

	signoffRole(role: string, line: number) {
		if (this.signoff.includes(role)) return;
		this.signoff.push(role);
		this.guess(line, `sign-off role "${role}"`);
	}

	/** Vars for the placeholders of a command, each reported once. */
	addVars(found: Placeholder[], line: number) {
		for (const placeholder of found) {
			if (this.vars[placeholder.name]) continue;
			this.vars[placeholder.name] = {
				prompt: `Value for ${placeholder.text}`,
				...(placeholder.isSecret ? {secret: true} : {}),
			};
			this.guess(
				line,
				`${placeholder.text} is a placeholder: var \`${placeholder.name}\`${placeholder.isSecret ? ' (secret)' : ''}`,
			);
		}
	}

	/** A run step that changes production: typed confirmation, and remembered for the rollback link. */
	markChange(step: StepDoc, what: string) {
		step.confirm = 'typed';
		this.changes.set(step, what);
	}

	add(step: StepDoc): StepDoc {
		const kind = ['run', 'check', 'wait'].find((k) => k in step) ?? 'note';
		this.report.steps[kind] = (this.report.steps[kind] ?? 0) + 1;
		if (this.destination === 'rollback') {
			// The rollback list has no phases to carry its headings: its first step of each part does.
			if (this.rollbackSection !== this.sectionName) {
				this.rollbackSection = this.sectionName;
				step.name = short(`${this.sectionName} › ${String(step.name ?? step.id)}`);
			}
			this.rollback.push(step);
			return step;
		}
		if (this.destination === 'later') {
			this.later.steps.push(step);
			return step;
		}
		this.phase ??= {id: this.id(this.sectionName), name: this.sectionName, steps: []};
		this.phase.steps.push(step);
		return step;
	}

	id(text: string): string {
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

	/** A time of day at the start of an item ("**9:00 AM**: …") plans its phase. */
	timeFrom(text: string) {
		const time = timeOfDay.exec(text);
		if (!time || this.destination !== 'phase') return;
		const meridiem = time[3]?.toUpperCase();
		const hours = meridiem === undefined ? Number(time[1]) : (Number(time[1]) % 12) + (meridiem === 'PM' ? 12 : 0);
		this.times.push(hours * 60 + Number(time[2]));
	}

	private waitFrom(text: string, line: number) {
		const m = waitPattern.exec(text);
		if (!m || this.destination === 'later') return;
		const unit = m[2]!.toLowerCase().startsWith('h') ? 'h' : m[2]!.toLowerCase().startsWith('s') ? 's' : 'm';
		this.add({id: this.id(`wait ${text}`), name: short(`Wait: ${text}`), wait: `${m[1]}${unit}`});
		this.guess(line, `"${m[0]}" became a ${m[1]}${unit} wait`);
		this.breakGroup();
	}

	private closePhase() {
		const phase = this.phase;
		this.phase = undefined;
		if (phase && this.times.length > 0) {
			const first = Math.min(...this.times);
			const last = Math.max(...this.times);
			phase.at = formatClockTime(first);
			phase.timebox = `${last - first + 30}m`;
			this.report.guesses.push(
				`phase "${phase.name}": planned at ${phase.at}, timebox ${phase.timebox} (its times of day, plus 30m for the last item)`,
			);
		}
		this.times = [];
		if (phase) this.phases.push(phase);
	}

	document(name: string, target: string | undefined): Record<string, unknown> {
		this.closePhase();
		const flow = this.phases.flatMap((p) => p.steps);
		const first = flow.find((s) => this.changes.has(s));
		if (first) {
			this.report.firstChange = first.id;
			this.report.guesses.push(
				`\`${first.id}\` is the first step that changes things (it ${this.changes.get(first)})${this.rollback.length > 0 ? ': the rollback list undoes it' : ''}`,
			);
			if (this.rollback.length > 0) first.rollback = this.rollback.map((s) => s.id);
		}
		if (this.later.steps.length > 0) this.phases.push(this.later);
		const all = [...this.phases.flatMap((p) => p.steps), ...this.rollback];
		this.report.typed = all.filter((s) => s.confirm === 'typed').length;
		this.report.interactive = all.filter((s) => s.interactive === true).length;
		this.report.follows = all.filter((s) => s.for !== undefined).length;
		this.report.phases = this.phases.length;
		this.report.vars = Object.keys(this.vars).length;
		this.report.env = Object.keys(this.env).length;
		this.report.rollback = this.rollback.length;
		this.report.signoff = this.signoff.length;
		if (target !== undefined) this.report.target = target;
		return {
			version: 1,
			name,
			description: 'Imported from a Markdown checklist by `runbook import`: review every step before a real run.',
			...(target !== undefined ? {target} : {}),
			...(Object.keys(this.vars).length > 0 ? {vars: this.vars} : {}),
			...(Object.keys(this.env).length > 0 ? {env: this.env} : {}),
			phases: this.phases,
			...(this.rollback.length > 0 ? {rollback: this.rollback} : {}),
			...(this.signoff.length > 0 ? {signoff: this.signoff} : {}),
		};
	}
}

/** A step name: the first line, at most 70 characters. */
export function short(text: string): string {
	const first = text.split('\n')[0]!.trim();
	return first.length > 70 ? `${first.slice(0, 69)}…` : first || 'step';
}
