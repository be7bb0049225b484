// Ink turns every frame into text in Output.get: a grid of one object per cell, each line
// tokenized and measured again (its caches live one frame), then every row turned back into a
// string, comparing each cell's styles with the last one's through three new Sets. A clock tick
// changes a few characters of a few rows, yet that costs the idle runner more than the rest of the
// frame. In the bundle the caches live across frames (bounded), a row whose writes are the ones it
// had in an earlier frame reuses that frame's string, and two neighbouring cells with the same
// styles need no comparison. The text written stays byte for byte what Ink writes (the test
// compares the two on many frames).
import {createHash} from 'node:crypto';
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
];

/**
 * Ink's Output.get, replaced whole: its text must be this one (sha256), or the build fails. Each
 * row's writes are gathered first (clipped and transformed as Ink does, a row's writes in Ink's
 * order); only a row whose writes were not seen before gets its cells and its string built.
 */
const originalGetSha256 = '27abe5b4354d8a7bbcdb23e823546fc5925258dedc7c91891b8ff9bff0f42c3d';
const getStart = '    get() {\n';
const getEnd = '\n    }\n}\n';
const rowCachedGet = `    get() {
        const rowWrites = [];
        for (let y = 0; y < this.height; y++) {
            rowWrites.push([]);
        }
        const clips = [];
        for (const operation of this.operations) {
            if (operation.type === 'clip') {
                clips.push(operation.clip);
            }
            if (operation.type === 'unclip') {
                clips.pop();
            }
            if (operation.type === 'write') {
                const { text, transformers } = operation;
                let { x, y } = operation;
                let lines = text.split('\\n');
                const clip = clips.at(-1);
                if (clip) {
                    const clipHorizontally = typeof clip?.x1 === 'number' && typeof clip?.x2 === 'number';
                    const clipVertically = typeof clip?.y1 === 'number' && typeof clip?.y2 === 'number';
                    if (clipHorizontally) {
                        const width = this.caches.getWidestLine(text);
                        if (x + width < clip.x1 || x > clip.x2) {
                            continue;
                        }
                    }
                    if (clipVertically) {
                        const height = lines.length;
                        if (y + height < clip.y1 || y > clip.y2) {
                            continue;
                        }
                    }
                    if (clipHorizontally) {
                        lines = lines.map(line => {
                            const from = x < clip.x1 ? clip.x1 - x : 0;
                            const width = this.caches.getStringWidth(line);
                            const to = x + width > clip.x2 ? clip.x2 - x : width;
                            return sliceAnsi(line, from, to);
                        });
                        if (x < clip.x1) {
                            x = clip.x1;
                        }
                    }
                    if (clipVertically) {
                        const from = y < clip.y1 ? clip.y1 - y : 0;
                        const height = lines.length;
                        const to = y + height > clip.y2 ? clip.y2 - y : height;
                        lines = lines.slice(from, to);
                        if (y < clip.y1) {
                            y = clip.y1;
                        }
                    }
                }
                let offsetY = 0;
                for (let [index, line] of lines.entries()) {
                    const writes = rowWrites[y + offsetY];
                    // As in Ink: a missing row skips the rest of the text (offsetY stays).
                    if (!writes) {
                        continue;
                    }
                    for (const transformer of transformers) {
                        line = transformer(line, index);
                    }
                    writes.push(x, line);
                    offsetY++;
                }
            }
        }
        const rows = [];
        for (const writes of rowWrites) {
            let key = \`\${this.width}\\u0002\`;
            for (let index = 0; index < writes.length; index += 2) {
                key += \`\${writes[index]}\\u0000\${writes[index + 1]}\\u0001\`;
            }
            const cached = rowStrings.get(key);
            rows.push(cached === undefined ? rememberRow(key, drawRow(this.width, writes, this.caches)) : cached);
        }
        return {
            output: rows.join('\\n'),
            height: rowWrites.length,
        };
    }`;

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
// Every blank cell is this one: cells are replaced, never changed.
const blankCell = Object.freeze({ type: 'char', value: ' ', fullWidth: false, styles: [] });
// One row as Ink draws it into its grid: blank cells, then each write's characters in order.
function drawRow(width, writes, caches) {
    const currentLine = new Array(width).fill(blankCell);
    for (let index = 0; index < writes.length; index += 2) {
        let offsetX = writes[index];
        for (const character of caches.getStyledChars(writes[index + 1])) {
            currentLine[offsetX] = character;
            // Determine printed width using string-width to align with measurement
            const characterWidth = Math.max(1, caches.getStringWidth(character.value));
            // For multi-column characters, clear following cells to avoid stray spaces/artifacts
            if (characterWidth > 1) {
                for (let next = 1; next < characterWidth; next++) {
                    currentLine[offsetX + next] = { type: 'char', value: '', fullWidth: false, styles: character.styles };
                }
            }
            offsetX += characterWidth;
        }
    }
    // See https://github.com/vadimdemedes/ink/pull/564#issuecomment-1637022742
    return sameStylesToString(currentLine.filter(item => item !== undefined)).trimEnd();
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
	const getAt = patched.indexOf(getStart);
	const getEndAt = patched.indexOf(getEnd, getAt);
	const originalGet = getAt < 0 || getEndAt < 0 ? '' : patched.slice(getAt, getEndAt + '\n    }'.length);
	if (createHash('sha256').update(originalGet).digest('hex') !== originalGetSha256)
		throw new Error("ink's output.js changed: update scripts/ink-output-rows.mjs (Output.get)");
	patched = patched.slice(0, getAt) + rowCachedGet + patched.slice(getAt + originalGet.length);
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
