// `runbook import`: a Markdown deploy checklist becomes a runbook draft that validates and is
// safe to run. Headings become phases, each group of checkboxes one check step, shell blocks run
// steps, rollback and sign-off sections the rollback list and the sign-off; sections that say
// when to act are notes, and work for later an optional last phase. Whatever has no better place
// is kept as a note, never dropped. Every guess is reported. Pure: text in, a draft and a report out.
import {markdownBlocks, plainText, type Block} from './markdown-blocks.js';
import {repairMojibake} from './mojibake.js';
import {Builder, type Destination, type ImportReport} from './builder.js';
import {addFence} from './fence-steps.js';
import {guessTarget, headingRole, type SectionRole} from './sections.js';

export type {ImportReport} from './builder.js';

export type ImportResult =
	{ok: true; runbook: Record<string, unknown>; report: ImportReport} | {ok: false; problem: string};

const destinations: Record<SectionRole, Destination> = {
	steps: 'phase',
	rollback: 'rollback',
	signoff: 'phase',
	later: 'later',
	reference: 'phase',
};

export function importChecklist(markdown: string, options: {fallbackName: string}): ImportResult {
	const repaired = repairMojibake(markdown);
	const blocks = markdownBlocks(repaired.text);
	const problem = emptyProblem(blocks);
	if (problem !== undefined) return {ok: false, problem};
	const b = new Builder();
	b.report.mojibakeRepaired = repaired.repaired;
	const title = blocks.find((block) => block.kind === 'heading' && block.level === 1);
	const headings: Array<{level: number; text: string; role?: SectionRole}> = [];
	let role: SectionRole = 'steps';
	/** The list item a following code block belongs to. */
	let owner: {text: string; indent: number} | undefined;

	for (const [index, block] of blocks.entries()) {
		if (block === title) continue;
		if (block.kind === 'heading') {
			const text = plainText(block.text);
			owner = undefined;
			while (headings.length > 0 && headings.at(-1)!.level >= block.level) headings.pop();
			const own = headingRole(text);
			const inherited = [...headings].reverse().find((h) => h.role !== undefined)?.role ?? 'steps';
			headings.push({level: block.level, text, ...(own !== undefined ? {role: own} : {})});
			role = own ?? inherited;
			if (own !== undefined && own !== 'steps' && own !== inherited) b.guess(block.line, roleGuess(text, own));
			b.section(headings.map((h) => h.text).join(' › '), destinations[role]);
			continue;
		}
		if (block.kind === 'rule') continue;
		if (block.kind === 'text') {
			const signoff = /^\**([^*:]+?)\**\s*:\s*\**\s*_{3,}/.exec(block.text);
			if (signoff && !/date|signature/i.test(signoff[1]!)) b.signoffRole(signoff[1]!.trim(), block.line);
		}
		if (role === 'later' || role === 'reference') {
			const text = asNoteText(block);
			if (text !== undefined) b.sectionNote(text, block.line);
			continue;
		}
		if (block.kind === 'fence') {
			addFence(b, block, owner && block.indent > owner.indent ? owner.text : undefined);
			owner = undefined;
			continue;
		}
		if (block.kind === 'table') {
			addTable(b, block);
			continue;
		}
		if (block.kind === 'text') {
			b.note(plainText(block.text), block.line);
			continue;
		}
		addItem(b, block, blocks[index + 1], role);
		if (block.checkbox || block.ordered !== undefined) owner = {text: plainText(block.text), indent: block.indent};
	}
	const name = title?.kind === 'heading' ? plainText(title.text) : options.fallbackName;
	const target = guessTarget(
		repaired.text,
		title?.kind === 'heading' ? plainText(title.text) : undefined,
		options.fallbackName,
	);
	if (target)
		b.report.guesses.push(`target \`${target.target}\` (from ${target.from}): typed confirmations ask for it`);
	return {ok: true, runbook: b.document(name, target?.target), report: b.report};
}

function addItem(b: Builder, block: Extract<Block, {kind: 'item'}>, next: Block | undefined, role: SectionRole) {
	const text = plainText(block.text);
	if (role === 'signoff' && block.checkbox) {
		const signoffRole = /^([^:]+):/.exec(text);
		if (signoffRole) b.signoffRole(signoffRole[1]!.trim(), block.line);
	}
	if (block.checkbox || block.ordered !== undefined) {
		// An item with its code under it is that code: the command carries its name.
		if (next?.kind === 'fence' && next.indent > block.indent) {
			b.timeFrom(text);
			return;
		}
		b.check(text, block);
	} else b.note(text, block.line, block.indent > 0);
}

function addTable(b: Builder, block: Extract<Block, {kind: 'table'}>) {
	const [header, ...rows] = block.rows;
	if (!header) return;
	const checks = rows.map((cells) => cells.map(plainText).join(' | '));
	if (checks.length === 0) {
		b.note(header.map(plainText).join(' | '), block.line);
		return;
	}
	b.breakGroup();
	b.add({
		id: b.id(`${b.sectionName} table`),
		name: `${b.sectionName.split(' › ').at(-1)}: ${header.map(plainText).join(' | ')}`,
		check: checks,
	});
	b.guess(block.line, `a table of ${checks.length} rows became one check step, a row per item`);
	b.breakGroup();
}

/** A block of a section that is only to read (when to act, later work), as the text of its note. */
function asNoteText(block: Block): string | undefined {
	switch (block.kind) {
		case 'heading':
		case 'rule':
			return undefined;
		case 'fence':
			return block.lines.join('\n').replace(/\n+$/, '');
		case 'table':
			return block.rows.map((cells) => cells.map(plainText).join(' | ')).join('\n');
		case 'text':
			return plainText(block.text);
		case 'item':
			return `${' '.repeat(block.indent)}${block.checkbox ? '- [ ] ' : '- '}${plainText(block.text)}`;
	}
}

function roleGuess(heading: string, role: SectionRole): string {
	if (role === 'rollback') return `"${heading}" is a rollback section: its steps are the rollback list`;
	if (role === 'signoff') return `"${heading}" is a sign-off section: its roles are the sign-off`;
	if (role === 'later') return `"${heading}" is work for after the deploy: notes in the optional last phase, not run`;
	return `"${heading}" says when to act or whom to call: kept as notes, not steps`;
}

/** Why a checklist makes no draft: nothing in it, or nothing to make a step of. */
function emptyProblem(blocks: Block[]): string | undefined {
	if (blocks.length === 0) return 'the checklist is empty; there is nothing to import';
	if (!blocks.some((block) => block.kind === 'item' || block.kind === 'fence' || block.kind === 'table'))
		return 'the checklist has no list items, code blocks or tables; there is nothing to make steps of';
	return undefined;
}
