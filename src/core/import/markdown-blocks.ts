// A deploy checklist's Markdown as the blocks the importer maps: headings, list items (with
// their checkbox and indent), fenced code, tables, plain text and rules. Only as much Markdown
// as checklists use. Pure.

export type Block =
	| {kind: 'heading'; line: number; level: number; text: string}
	| {kind: 'item'; line: number; indent: number; checkbox?: 'open' | 'done'; ordered?: number; text: string}
	| {kind: 'fence'; line: number; indent: number; lang: string; lines: string[]}
	| {kind: 'table'; line: number; rows: string[][]}
	| {kind: 'text'; line: number; text: string}
	| {kind: 'rule'; line: number};

export function markdownBlocks(markdown: string): Block[] {
	const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
	const blocks: Block[] = [];
	for (let i = 0; i < lines.length; i++) {
		const raw = lines[i]!;
		const line = i + 1;
		const indent = raw.length - raw.trimStart().length;
		const text = raw.trim();
		if (text === '') continue;
		const fence = /^(`{3,}|~{3,})\s*([\w+-]*)/.exec(text);
		if (fence) {
			const body: string[] = [];
			for (i++; i < lines.length && !lines[i]!.trim().startsWith(fence[1]!); i++)
				body.push(lines[i]!.slice(Math.min(indent, lines[i]!.length - lines[i]!.trimStart().length)));
			blocks.push({kind: 'fence', line, indent, lang: fence[2]!.toLowerCase(), lines: body});
			continue;
		}
		const heading = /^(#{1,6})\s+(.*?)\s*#*$/.exec(text);
		if (heading) {
			blocks.push({kind: 'heading', line, level: heading[1]!.length, text: heading[2]!});
			continue;
		}
		if (/^([-*_])(\s*\1){2,}$/.test(text)) {
			blocks.push({kind: 'rule', line});
			continue;
		}
		if (text.startsWith('|')) {
			const rows: string[][] = [];
			for (; i < lines.length && lines[i]!.trim().startsWith('|'); i++) {
				const cells = lines[i]!.trim()
					.replace(/^\||\|$/g, '')
					.split('|')
					.map((c) => c.trim());
				if (!cells.every((c) => /^:?-{2,}:?$/.test(c))) rows.push(cells);
			}
			i--;
			blocks.push({kind: 'table', line, rows});
			continue;
		}
		const item = /^(?:([-*+])|(\d+)[.)])\s+(?:\[([ xX])\]\s*)?(.*)$/.exec(text);
		if (item) {
			blocks.push({
				kind: 'item',
				line,
				indent,
				text: item[4]!,
				...(item[3] !== undefined ? {checkbox: item[3] === ' ' ? ('open' as const) : ('done' as const)} : {}),
				...(item[2] !== undefined ? {ordered: Number(item[2])} : {}),
			});
			continue;
		}
		blocks.push({kind: 'text', line, text});
	}
	return blocks;
}

/** Inline Markdown taken away: bold, italics and trailing hard breaks; code spans keep their text. */
export function plainText(text: string): string {
	return text
		.replace(/\*\*(.+?)\*\*/g, '$1')
		.replace(/__(.+?)__/g, '$1')
		.replace(/(^|\s)\*(\S.*?)\*(?=\s|$)/g, '$1$2')
		.replace(/`([^`]+)`/g, '$1')
		.replace(/\s+$/, '')
		.trim();
}
