// string-width (Ink's and wrap-ansi's copies) and the ANSI tokenizers of slice-ansi and Ink each create an
// Intl.Segmenter when they load; the first one loads ICU's break rules (16-35 ms here), and the
// first frame needs none. In the bundle they take src/ui/graphemes.ts's segmenter instead: the
// same clusters, and ICU only for text that needs it.
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const graphemes = fileURLToPath(new URL('../src/ui/graphemes.ts', import.meta.url));
/** The modules, by path ending, and the exact construction each has once. */
const creators = [
	{file: /[\\/]string-width[\\/]index\.js$/, from: 'new Intl.Segmenter()'},
	{file: /[\\/]slice-ansi[\\/]tokenize-ansi\.js$/, from: "new Intl.Segmenter(undefined, {granularity: 'grapheme'})"},
	{
		file: /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize\.js$/,
		from: 'new Intl.Segmenter(undefined, { granularity: "grapheme" })',
	},
];

/** `source` with its segmenter replaced; throws when the source is not one this was written for. */
export function withLazySegmenter(source, from) {
	if (source.split(from).length !== 2 || source.split('Intl.Segmenter').length !== 2)
		throw new Error('a segmenter changed: update scripts/lazy-segmenter.mjs for its new source');
	return `import {graphemeSegmenter as __rbGraphemeSegmenter} from ${JSON.stringify(graphemes)};\n${source.replace(from, '__rbGraphemeSegmenter()')}`;
}

/** The esbuild plugin, after string-width-prefilter.mjs (which gives Ink's string-width this too). */
export const lazySegmenter = {
	name: 'lazy-segmenter',
	setup(build) {
		for (const {file, from} of creators)
			build.onLoad({filter: file}, (args) => {
				const source = readFileSync(args.path, 'utf8');
				return source.includes('Intl.Segmenter')
					? {contents: withLazySegmenter(source, from), loader: 'js'}
					: undefined;
			});
	},
};
