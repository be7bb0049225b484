// Ink turns every frame into text in Output.get: a grid of one object per cell, each line
// tokenized and measured again (its caches live one frame), then every row turned back into a
// string, comparing each cell's styles with the last one's through three new Sets. A clock tick
// changes a few characters of a few rows, yet that costs the idle runner more than the rest of the
// frame. In the bundle the caches live across frames (bounded), a row whose writes are the ones it
// had in an earlier frame reuses that frame's string, and two neighbouring cells with the same
// styles need no comparison. The text written stays byte for byte what Ink writes (the test
// compares the two on many frames).
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';

/** What changes in Ink's output.js: each piece must be found exactly once. */
const edits = [
	[
		"import { styledCharsFromTokens, styledCharsToString, tokenize, } from '@alcalzone/ansi-tokenize';",
		"import { styledCharsFromTokens, styledCharsToString, tokenize, ansiCodesToString, diffAnsiCodes, } from '@alcalzone/ansi-tokenize';",
	],
	['    caches = new OutputCaches();', '    caches = sharedOutputCaches();'],
	['        const output = [];\n', '        const output = [];\n        const rowKeys = [];\n'],
	['            output.push(row);\n', "            output.push(row);\n            rowKeys.push('');\n"],
	[
		'                    const characters = this.caches.getStyledChars(line);\n',
		'                    rowKeys[y + offsetY] += `${x}\\u0000${line}\\u0001`;\n                    const characters = this.caches.getStyledChars(line);\n',
	],
	[
		'            .map(line => {\n',
		'            .map((line, rowIndex) => {\n            const cached = rowStrings.get(`${this.width}\\u0002${rowKeys[rowIndex]}`);\n            if (cached !== undefined) {\n                return cached;\n            }\n',
	],
	[
		'            return styledCharsToString(lineWithoutEmptyItems).trimEnd();\n',
		'            return rememberRow(`${this.width}\\u0002${rowKeys[rowIndex]}`, sameStylesToString(lineWithoutEmptyItems).trimEnd());\n',
	],
];

/** Appended to output.js: the caches shared by every frame, and the row strings. */
const helpers = `
// Bounded by a few screens' worth: a frame writes a few dozen lines, so reuse needs little more,
// and each cached line keeps one object per character (4,000 entries grew a long session's RSS by
// about 30 MB during floods of distinct lines).
const maxCachedEntries = 500;
let sharedCaches;
function sharedOutputCaches() {
    if (sharedCaches === undefined || sharedCaches.styledChars.size + sharedCaches.widths.size + sharedCaches.blockWidths.size > maxCachedEntries) {
        sharedCaches = new OutputCaches();
    }
    return sharedCaches;
}
const rowStrings = new Map();
function rememberRow(key, text) {
    if (rowStrings.size >= maxCachedEntries) {
        rowStrings.clear();
    }
    rowStrings.set(key, text);
    return text;
}
function sameStyles(from, to) {
    if (from === to) {
        return true;
    }
    if (from.length !== to.length) {
        return false;
    }
    for (let index = 0; index < from.length; index++) {
        if (from[index].code !== to[index].code || from[index].endCode !== to[index].endCode) {
            return false;
        }
    }
    return true;
}
// styledCharsToString, without diffing two equal style lists (the diff of equal lists is empty).
function sameStylesToString(chars) {
    let text = '';
    for (let index = 0; index < chars.length; index++) {
        const char = chars[index];
        if (index === 0) {
            text += ansiCodesToString(char.styles);
        }
        else if (!sameStyles(chars[index - 1].styles, char.styles)) {
            text += ansiCodesToString(diffAnsiCodes(chars[index - 1].styles, char.styles));
        }
        text += char.value;
        if (index === chars.length - 1 && char.styles.length > 0) {
            text += ansiCodesToString(diffAnsiCodes(char.styles, []));
        }
    }
    return text;
}
`;

/**
 * Ink's output.js with its caches kept across frames and its rows reused. Throws when the source
 * is not the one this was written for (a new Ink), so the build fails instead of drawing wrong.
 */
export function rowCachedInkOutput(source) {
	let patched = source;
	for (const [from, to] of edits) {
		if (patched.split(from).length !== 2)
			throw new Error(`ink's output.js changed: update scripts/ink-output-rows.mjs (${JSON.stringify(from.trim())})`);
		patched = patched.replace(from, () => to);
	}
	return `${patched}\n${helpers}`;
}

const inkOutput = path.join(path.dirname(createRequire(import.meta.url).resolve('ink')), 'output.js');

/** The esbuild plugin: Ink's build/output.js, with rows reused across frames. */
export const inkOutputRows = {
	name: 'ink-output-rows',
	setup(build) {
		build.onLoad({filter: /[\\/]ink[\\/]build[\\/]output\.js$/}, (args) =>
			args.path === inkOutput
				? {
						contents: rowCachedInkOutput(readFileSync(args.path, 'utf8')),
						loader: 'js',
						resolveDir: path.dirname(args.path),
					}
				: undefined,
		);
	},
};
