// Debian's headless Chromium, for the tests that render an export as a reader would see it.
import {spawnSync} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {inflateSync} from 'node:zlib';

export const hasChromium = spawnSync('chromium', ['--version']).status === 0;

/** No sandbox (tests run as root in CI), no GPU, and nothing that reaches the network. */
export const chromiumFlags = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** Runs Chromium with its own throwaway profile; its stdout (the DOM for `--dump-dom`). */
export function runChromium(args: string[]): {status: number | null; stdout: string; stderr: string} {
	const profile = mkdtempSync(path.join(os.tmpdir(), 'runbook-chromium-'));
	const result = spawnSync('chromium', [...chromiumFlags, `--user-data-dir=${profile}`, ...args], {
		encoding: 'utf8',
		timeout: 60_000,
	});
	return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

/** Distinct byte values in a PNG's image data: a blank page has one or two. */
export function distinctPixelBytes(png: Buffer): number {
	const chunks: Buffer[] = [];
	for (let at = 8; at < png.length;) {
		const length = png.readUInt32BE(at);
		if (png.toString('latin1', at + 4, at + 8) === 'IDAT') chunks.push(png.subarray(at + 8, at + 8 + length));
		at += 12 + length;
	}
	return new Set(inflateSync(Buffer.concat(chunks))).size;
}

/** The width and height a PNG's header gives. */
export function pngSize(png: Buffer): {width: number; height: number} {
	return {width: png.readUInt32BE(16), height: png.readUInt32BE(20)};
}

/** Pages in a PDF Chromium printed: its page objects. */
export function pdfPageCount(pdf: Buffer): number {
	return (pdf.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g) ?? []).length;
}
