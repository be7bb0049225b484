// string-width (what Ink measures every line with) tests each grapheme of a non-ASCII text
// against /^\p{RGI_Emoji}$/v. V8 compiles that expression on its first use, which takes 50-85 ms
// here, and the first frame always has a non-ASCII character (the header's `·`, the box lines).
// In the bundle, a segment meets that expression only when it holds a character that every RGI
// emoji sequence holds one of: an Emoji_Presentation character (which the skin tones, the flags'
// letters and the tag sequences' flag are), a zero-width joiner, a variation selector 16 or a
// combining keycap. Widths stay the same (the test compares them with string-width's own); the
// screen's own marks (▶ ✓ · ─ …) are text-style characters and never compile it. The expression
// is also made on first use, not at load: the bundle builds it with `new RegExp(…, 'v')`, whose
// parse of RGI_Emoji's strings takes ~26 ms of every start.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {withLazySegmenter} from './lazy-segmenter.mjs';

const test = 'rgiEmojiRegex.test(segment)';
const prefiltered = '(maybeEmojiRegex.test(segment) && (rgiEmojiRegex ??= /^\\p{RGI_Emoji}$/v).test(segment))';
const declaration = 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;';
/** What a segment must match before it is tested against RGI_Emoji. */
export const maybeEmojiPattern = '[\\p{Emoji_Presentation}\\u200D\\uFE0F\\u20E3]';
const prefilter = `const maybeEmojiRegex = /${maybeEmojiPattern}/u;`;

/**
 * string-width's source with the emoji test prefiltered. Throws when the source is not the one
 * this was written for (a new string-width), so the build fails instead of silently keeping the cost.
 */
export function prefilterStringWidth(source) {
	if (source.split(test).length !== 2 || source.split(declaration).length !== 2)
		throw new Error('string-width changed: update scripts/string-width-prefilter.mjs for its new source');
	return source.replace(declaration, `let rgiEmojiRegex;\n${prefilter}`).replace(test, prefiltered);
}

/** The string-width Ink and src/ui use; wrap-ansi's own older one (emoji-regex instead) stays as it is. */
const inkStringWidth = createRequire(import.meta.url).resolve('string-width');

/** The esbuild plugin: string-width's index.js, prefiltered, with the lazy segmenter (lazy-segmenter.mjs). */
export const stringWidthPrefilter = {
	name: 'string-width-prefilter',
	setup(build) {
		build.onLoad({filter: /[\\/]string-width[\\/]index\.js$/}, (args) =>
			args.path === inkStringWidth
				? {
						contents: withLazySegmenter(prefilterStringWidth(readFileSync(args.path, 'utf8')), 'new Intl.Segmenter()'),
						loader: 'js',
					}
				: undefined,
		);
	},
};
