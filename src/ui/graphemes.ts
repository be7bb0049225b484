// Grapheme clusters as Intl.Segmenter finds them, without asking ICU where each code point is a
// cluster of its own: creating the first Intl.Segmenter loads ICU's break rules, 16-35 ms here,
// and the first frame's text (`·`, `─`, `▶`, colour codes) never needs them. The build gives
// this segmenter to string-width, wrap-ansi and slice-ansi too (scripts/lazy-segmenter.mjs).

/**
 * Text whose every code point is a cluster by itself: Unicode's grapheme rules join a code point
 * to a neighbour only through Extend, ZWJ, SpacingMark, Prepend, Regional_Indicator, Hangul jamo
 * or CR LF, and none of these is in the ranges below (C0 controls but CR, Latin, Greek, Cyrillic,
 * general punctuation, super- and subscripts, currency, and U+2100-U+2BFF: arrows, maths,
 * box drawing, blocks, shapes, symbols, dingbats). Controls break on both sides.
 */
const ownClusters =
	/^[\0-\f\x0e-\u02ff\u0370-\u0482\u048a-\u052f\u2010-\u2027\u2030-\u205e\u2070-\u20cf\u2100-\u2bff]*$/;

type Segment = {segment: string; index: number; input: string};

/** `text`'s segments where each UTF-16 unit (all are in the BMP) is a cluster. */
function unitSegments(text: string): Intl.Segments {
	const segments = {
		containing(index = 0): Segment | undefined {
			const at = Math.trunc(Number(index)) || 0;
			return at >= 0 && at < text.length ? {segment: text[at]!, index: at, input: text} : undefined;
		},
		*[Symbol.iterator](): Iterator<Segment> {
			for (let index = 0; index < text.length; index++) yield {segment: text[index]!, index, input: text};
		},
	};
	return segments as unknown as Intl.Segments;
}

/**
 * A grapheme segmenter (the default locale's, as `new Intl.Segmenter()`) whose ICU one is
 * created only for text that needs it.
 */
export function graphemeSegmenter(): Pick<Intl.Segmenter, 'segment'> {
	let icu: Intl.Segmenter | undefined;
	return {
		segment(text: string): Intl.Segments {
			const input = String(text);
			if (ownClusters.test(input)) return unitSegments(input);
			icu ??= new Intl.Segmenter(undefined, {granularity: 'grapheme'});
			return icu.segment(input);
		},
	};
}
