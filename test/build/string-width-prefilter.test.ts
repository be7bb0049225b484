// The bundle's string-width skips its RGI_Emoji expression (50-85 ms to compile, on the path to the
// first frame) for text with no emoji; every width must stay what string-width itself says.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {build} from 'esbuild';
import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';

type Prefilter = {
	maybeEmojiPattern: string;
	prefilterStringWidth(source: string): string;
	stringWidthPrefilter: import('esbuild').Plugin;
};
const {maybeEmojiPattern, prefilterStringWidth, stringWidthPrefilter} = (await import(
	new URL('../../scripts/string-width-prefilter.mjs', import.meta.url).href
)) as Prefilter;

/** string-width as the build bundles it: through the plugin, in one module with no imports. */
async function bundledStringWidth(): Promise<(text: string) => number> {
	const result = await build({
		entryPoints: [createRequire(import.meta.url).resolve('string-width')],
		bundle: true,
		format: 'esm',
		platform: 'node',
		write: false,
		plugins: [stringWidthPrefilter],
		logLevel: 'silent',
	});
	const code = result.outputFiles[0]!.text;
	expect(code).toContain('maybeEmojiRegex');
	const module = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as {
		default: (text: string) => number;
	};
	return module.default;
}

/** Single characters and the emoji sequences built on them (VS16, keycaps, skin tones, ZWJ). */
function samples(): string[] {
	const texts: string[] = [];
	const ranges: Array<[number, number]> = [
		[0x20, 0xd7ff],
		[0xe000, 0xffff],
		[0x1f000, 0x1faff],
		[0xe0020, 0xe007f],
	];
	for (const [from, to] of ranges)
		for (let codePoint = from; codePoint <= to; codePoint++) {
			const text = String.fromCodePoint(codePoint);
			texts.push(text, `${text}\uFE0F`, `${text}\uFE0F\u20E3`, `${text}\u{1F3FB}`, `a${text}b`);
		}
	texts.push('🇫🇷', '👨‍👩‍👧', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '#️⃣', '1⃣', '❤️‍🔥', 'run · step 3/7 ─ ok ✓', '漢字 and ｶﾞ');
	return texts;
}

describe('string-width in the bundle', () => {
	it('gives every sample the width string-width gives it', async () => {
		const bundled = await bundledStringWidth();
		const differing = samples().filter((text) => bundled(text) !== stringWidth(text));
		expect(differing.slice(0, 5)).toEqual([]);
	}, 60_000);

	it("lets the screen's own marks through without the emoji expression, which the first frame would wait for", () => {
		const maybeEmoji = new RegExp(maybeEmojiPattern, 'u');
		expect([...'·─│▶✓✗…•↑↓→←—'].filter((mark) => maybeEmoji.test(mark))).toEqual([]);
	});

	it('refuses a string-width whose source it does not know, so the build fails loudly', () => {
		const source = readFileSync(createRequire(import.meta.url).resolve('string-width'), 'utf8');
		expect(() => prefilterStringWidth(source.replace('rgiEmojiRegex.test(segment)', 'isEmoji(segment)'))).toThrow(
			/string-width changed/,
		);
	});
});
