// The screen's grapheme segmenter skips ICU for text whose code points are each a cluster: every
// split it makes must be the one Intl.Segmenter makes, or widths and cuts on screen would differ.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {graphemeSegmenter} from '../../src/ui/graphemes.js';

const icu = new Intl.Segmenter(undefined, {granularity: 'grapheme'});
const splits = (segments: Intl.Segments) => [...segments].map(({segment, index}) => [segment, index]);

/** Code points that join their neighbours, or sit beside ones that do: combining marks, ZWJ, VS16, CR LF, jamo, flags. */
const joiners = [
	'\u0301',
	'\u200d',
	'\ufe0f',
	'\r',
	'\n',
	'\u1100',
	'\u1161',
	'\u11a8',
	'\u{1f1eb}',
	'\u{1f1f7}',
	'\u{1f468}',
	'\u0903',
	'\u0600',
];

describe('the grapheme segmenter', () => {
	it('splits every BMP code point, alone and between letters, as Intl.Segmenter does', () => {
		const segmenter = graphemeSegmenter();
		const differing: string[] = [];
		for (let codePoint = 0; codePoint <= 0xffff; codePoint++) {
			if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
			const text = `a${String.fromCharCode(codePoint)}b`;
			if (JSON.stringify(splits(segmenter.segment(text))) !== JSON.stringify(splits(icu.segment(text))))
				differing.push(codePoint.toString(16));
		}
		expect(differing.slice(0, 5)).toEqual([]);
	});

	it('splits mixed text (screen marks, controls, colour codes, joiners) as Intl.Segmenter does', () => {
		const segmenter = graphemeSegmenter();
		const pieces = [
			'a',
			' ',
			'·',
			'─',
			'▶',
			'✓',
			'…',
			'é',
			'Ω',
			'Ж',
			'\u001b[1m',
			'\t',
			'\u00ad',
			'❤',
			'⌚',
			...joiners,
		];
		fc.assert(
			fc.property(fc.array(fc.constantFrom(...pieces), {maxLength: 12}), (parts) => {
				const text = parts.join('');
				expect(splits(segmenter.segment(text))).toEqual(splits(icu.segment(text)));
				for (let index = -1; index <= text.length; index++) {
					const ours = segmenter.segment(text).containing(index);
					const theirs = icu.segment(text).containing(index);
					expect(ours && [ours.segment, ours.index]).toEqual(theirs && [theirs.segment, theirs.index]);
				}
			}),
			{numRuns: 2000},
		);
	});
});
