// The bundle's Ink output (caches kept across frames, rows reused) must write what Ink writes:
// the same frames, byte for byte, through a sequence where rows change, repeat, and get clipped.
import {createRequire} from 'node:module';
import path from 'node:path';
import {build} from 'esbuild';
import {Chalk} from 'chalk';
import {describe, expect, it} from 'vitest';

type OutputClass = new (options: {width: number; height: number}) => {
	write(
		x: number,
		y: number,
		text: string,
		options: {transformers: Array<(line: string, index: number) => string>},
	): void;
	clip(clip: {x1?: number; x2?: number; y1?: number; y2?: number}): void;
	unclip(): void;
	get(): {output: string; height: number};
};
const {inkOutputRows, rowCachedInkOutput} = (await import(
	new URL('../../scripts/ink-output-rows.mjs', import.meta.url).href
)) as {inkOutputRows: import('esbuild').Plugin; rowCachedInkOutput(source: string): string};

const inkOutputFile = path.join(path.dirname(createRequire(import.meta.url).resolve('ink')), 'output.js');

/** Ink's Output class bundled on its own, with or without the plugin. */
async function outputClass(plugins: import('esbuild').Plugin[]): Promise<OutputClass> {
	const result = await build({
		entryPoints: [inkOutputFile],
		bundle: true,
		format: 'esm',
		platform: 'node',
		write: false,
		plugins,
		logLevel: 'silent',
	});
	const code = result.outputFiles[0]!.text;
	const module = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as {
		default: OutputClass;
	};
	return module.default;
}

const colour = new Chalk({level: 3});
/** A frame's writes: styled text, wide characters, overlaps, a clipped box, a transformer, a move. */
function drawFrame(Output: OutputClass, tick: number, width: number): string {
	const output = new Output({width, height: 9});
	const none = {transformers: []};
	output.write(0, 0, colour.bold('Deploy billing · target prod'), none);
	output.write(width - 11, 0, colour.gray(`total 00:${String(tick % 60).padStart(2, '0')}`), none);
	output.write(0, 1, colour.cyan('Phase 2/2 · Deployment'), none);
	output.write(width - 5, 1, tick % 3 === 0 ? colour.yellow.bold('00:42') : colour.green('00:41'), none);
	output.write(0, 2, `${colour.cyan('▶ ')}${colour.bold('migrate  漢字 🇫🇷 ｶﾞ')}`, none);
	output.write(0, 3, `  │ line ${tick}\n  │ ${colour.red('err')} ${tick % 2 ? 'same' : 'other'}`, none);
	output.write(2, 3, 'overwritten', none);
	output.clip({x1: 4, x2: 20, y1: 5, y2: 7});
	output.write(0, 5, `clipped ${colour.inverse('wide 漢字 text')} row ${tick % 4}\nsecond row`, none);
	output.unclip();
	output.write(0, 7, 'prompt', {transformers: [(line) => colour.underline(line), (line, index) => `${line}${index}`]});
	// The same text at another column is another row.
	output.write(tick % 3, 8, colour.gray('moves'), none);
	return output.get().output;
}

describe("Ink's output in the bundle", () => {
	it('writes every frame as Ink does, however often a row repeats or changes', async () => {
		const [original, patched] = await Promise.all([outputClass([]), outputClass([inkOutputRows])]);
		for (const width of [40, 80])
			for (let tick = 0; tick < 12; tick++) {
				const frame = drawFrame(original, tick, width);
				expect(drawFrame(patched, tick, width)).toBe(frame);
				// Drawn twice: the second comes from the rows kept, and must not differ either.
				expect(drawFrame(patched, tick, width)).toBe(frame);
			}
	}, 60_000);

	it('fails the build when Ink changes what it patches', () => {
		expect(() => rowCachedInkOutput('export default class Output {}')).toThrow(/ink's output.js changed/);
	});
});
