// The fast reader of plain YAML must read every text it accepts exactly as `yaml` does (the same
// values, and no text that `yaml` calls an error), and give up on the rest.
import {readFileSync, readdirSync} from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {parseDocument} from 'yaml';
import {readPlainYaml} from '../../src/core/runbook/plain-yaml.js';

/** What `yaml` reads, as runbook's loader asks it to; undefined when it finds an error. */
function yamlValue(text: string): {value: unknown} | undefined {
	const doc = parseDocument(text, {uniqueKeys: true});
	return doc.errors.length > 0 ? undefined : {value: doc.toJS({maxAliasCount: 100})};
}

/** Checks one text; true when the fast reader accepted it. */
function agrees(text: string): boolean {
	const fast = readPlainYaml(text);
	if (fast === undefined) return false;
	const slow = yamlValue(text);
	expect(slow, `yaml finds an error in a text the fast reader accepts:\n${text}`).toBeDefined();
	expect(fast.value, text).toStrictEqual(slow!.value);
	return true;
}

const keys = ['a', 'b', 'id', 'run', 'x.y', 'k_1', 'null', 'True', 'on', 'e1', '__proto__', 'a b', '"q"', 'a:b'];
const scalars = [
	'hello',
	'hello world',
	'1',
	'-1',
	'+7',
	'007',
	'-0',
	'1.5',
	'1.',
	'.5',
	'1e3',
	'2E-2',
	'0x1F',
	'0o17',
	'.inf',
	'-.Inf',
	'.nan',
	'~',
	'null',
	'Null',
	'NULL',
	'true',
	'False',
	'yes',
	'a # b',
	'a#b',
	'a: b',
	'a:b',
	'a:',
	'x  ',
	'"q\\"x"',
	'"a\\tb"',
	'"a\\nb"',
	'"\\e"',
	'"\\x41"',
	'"\\/"',
	'""',
	"'it''s'",
	"''",
	"'a' b",
	'"a" # c',
	'"a"b',
	'{{ v }}',
	'echo {{ v }} 1',
	'echo "x" \'y\'',
	'[x]',
	'[a, b]',
	'[ "a", \'b\' ]',
	'[a, [b]]',
	'[a,]',
	'[]',
	'{}',
	'{ a: 1, b: "x" }',
	'{a: 1, a: 2}',
	'{a:1}',
	'{ a: }',
	'{ a: b c }',
	'[1, ~, true, 1.5]',
	'- x',
	'-x',
	'-',
	'&a x',
	'*a',
	'!!str 5',
	'x:',
	'http://x',
	'%x',
	'@x',
	'`x`',
	'? x',
	':x',
	'a\tb',
	'é ü 漢字',
	'\\ back\\slash',
	'|',
	'|-',
	'|+',
	'>',
	'>-',
	'>+',
	'|2',
	'| # c',
];

/** Lines of every kind, in any order and indentation: mostly not YAML, sometimes it. */
const anyLines = fc
	.array(
		fc.tuple(
			fc.constantFrom(0, 0, 1, 2, 2, 3, 4, 4, 6, 8),
			fc.oneof(
				fc.tuple(fc.constantFrom(...keys), fc.constantFrom('', ...scalars)).map(([k, v]) => `${k}:${v ? ` ${v}` : ''}`),
				fc.constantFrom(...scalars).map((v) => `- ${v}`),
				fc
					.tuple(fc.constantFrom(...keys), fc.constantFrom('', ...scalars))
					.map(([k, v]) => `- ${k}:${v ? ` ${v}` : ''}`),
				fc.constantFrom('-', '- -', '- - a', '# note', '#', '', '   ', '---', '...', '\ttext', 'text', 'echo a', '  b'),
			),
		),
		{minLength: 1, maxLength: 12},
	)
	.chain((lines) => fc.constant(lines.map(([indent, text]) => `${' '.repeat(indent)}${text}`)))
	.chain((lines) => fc.constantFrom(`${lines.join('\n')}\n`, lines.join('\n')));

type Tree = string | Tree[] | {[key: string]: Tree};

const text = fc.stringMatching(/^[a-z0-9 #:"'{}[\]\\,\t.-]{0,12}$/);
const multiline = fc.array(
	fc.oneof(
		text,
		fc.constant(''),
		text.map((t) => `  ${t}`),
	),
	{minLength: 1, maxLength: 4},
);
const tree: fc.Arbitrary<Tree> = fc.letrec<{node: Tree}>((tie) => ({
	node: fc.oneof(
		{depthSize: 'small'},
		fc.oneof(
			text,
			fc.constantFrom(...scalars),
			multiline.map((lines) => lines.join('\n')),
		),
		fc.array(tie('node'), {minLength: 1, maxLength: 4}),
		fc.dictionary(fc.constantFrom(...keys.slice(0, 9)), tie('node'), {minKeys: 1, maxKeys: 4}),
	),
})).node;

/** `tree` written as block YAML, each choice of style drawn from `choices`. */
function emit(node: Tree, indent: number, choices: () => number, lines: string[], lead: string): void {
	const pad = ' '.repeat(indent);
	if (typeof node === 'string') {
		if (node.includes('\n') || choices() % 4 === 0) {
			const header = ['|', '|-', '|+', '>', '>-', '>+'][choices() % 6]!;
			lines.push(`${lead} ${header}`);
			const body = ' '.repeat(indent + (choices() % 3));
			for (const line of node.split('\n')) lines.push(line ? `${body}${line}` : ' '.repeat(choices() % 3));
		} else lines.push(`${lead} ${node}`);
		return;
	}
	if (choices() % 7 === 0) lines.push(`${pad}# a comment`);
	if (choices() % 9 === 0) lines.push('');
	const step = 1 + (choices() % 3);
	if (Array.isArray(node)) {
		const at = lead.endsWith(':') && choices() % 2 ? indent - step : indent;
		lines.push(lead);
		for (const item of node) emit(item, at + 2, choices, lines, `${' '.repeat(Math.max(at, 0))}-`);
		return;
	}
	const entries = Object.entries(node);
	if (lead.trimStart() === '-' && choices() % 2) {
		// `- key: value`, the other keys under the first.
		const column = lead.length + 1;
		entries.forEach(([key, value], i) =>
			emit(value, column + step, choices, lines, i === 0 ? `${lead} ${key}:` : `${' '.repeat(column)}${key}:`),
		);
		return;
	}
	lines.push(lead);
	for (const [key, value] of entries) emit(value, indent + step, choices, lines, `${pad}${key}:`);
}

const emitted = fc
	.tuple(tree, fc.array(fc.nat(), {minLength: 64, maxLength: 64}), fc.boolean())
	.filter(([node]) => typeof node !== 'string')
	.map(([node, numbers, isNewlineAtEnd]) => {
		let next = 0;
		const choices = () => numbers[next++ % numbers.length]!;
		const lines: string[] = [];
		emit(node, 0, choices, lines, '');
		const text = lines
			.slice(1)
			.map((line) =>
				line.replace(/^( *)- {1,2}([^\n]*)$/, (_whole, pad: string, rest: string) => `${pad}- ${rest.trimStart()}`),
			)
			.join('\n');
		return isNewlineAtEnd ? `${text}\n` : text;
	});

describe('the fast reader of plain YAML', () => {
	it('reads the runbooks of the repository as yaml does', () => {
		const folders = ['runbooks', 'test/fixtures'];
		const files = folders.flatMap((folder) =>
			readdirSync(folder)
				.filter((name) => name.endsWith('.yaml'))
				.map((name) => path.join(folder, name)),
		);
		expect(files.length).toBeGreaterThan(3);
		const accepted = files.filter((file) => agrees(readFileSync(file, 'utf8')));
		expect(accepted.length).toBeGreaterThan(files.length / 2);
	});

	it('never differs from yaml on lines of any kind', () => {
		let accepted = 0;
		fc.assert(
			fc.property(anyLines, (text) => {
				if (agrees(text)) accepted++;
			}),
			{numRuns: Number(process.env.P5_RUNS ?? 3000)},
		);
		expect(accepted).toBeGreaterThan(100);
	});

	it('never differs from yaml on nested documents in many styles', () => {
		let accepted = 0;
		fc.assert(
			fc.property(emitted, (text) => {
				if (agrees(text)) accepted++;
			}),
			{numRuns: Number(process.env.P5_RUNS ?? 3000)},
		);
		expect(accepted).toBeGreaterThan(150);
	});

	it('leaves Unicode spaces to yaml, which keeps them in the text (no `true` out of `true` and a no-break space)', () => {
		const texts = [
			'a: 1\u00a0\n',
			'a: true\u00a0\n',
			'a: x\u3000\n',
			'a: x\u2003 # c\n',
			'-  \u00a0\n',
			'a: [1\u00a0, b]\n',
		];
		for (const text of texts) {
			expect(readPlainYaml(text), JSON.stringify(text)).toBeUndefined();
			expect(yamlValue(text)?.value, JSON.stringify(text)).not.toStrictEqual({a: 1});
		}
		expect(yamlValue('a: true\u00a0\n')?.value).toStrictEqual({a: 'true\u00a0'});
	});

	it('leaves deep nesting to yaml instead of running out of stack', () => {
		expect(readPlainYaml(`${'- '.repeat(5000)}x\n`)).toBeUndefined();
		const mapping = Array.from({length: 3000}, (_, depth) => `${' '.repeat(depth)}k:`).join('\n');
		expect(readPlainYaml(`${mapping} x\n`)).toBeUndefined();
		expect(agrees(`${'- '.repeat(30)}x\n`)).toBe(true);
	});
});
