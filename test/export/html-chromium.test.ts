// The HTML post-mortem of a failed session as a reader sees it: rendered by Debian's headless
// Chromium at 1280 and 800 px wide, and printed.
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect} from 'vitest';
import {runCli} from '../helpers/cli.js';
import {distinctPixelBytes, hasChromium, pdfPageCount, pngSize, runChromium} from '../helpers/chromium.js';
import {writeLog} from '../helpers/signed-log.js';
import {skipUnless} from '../helpers/skip.js';
import {backupLineCount, failedSession} from './failed-session.js';

const sessionId = '20261122T090000Z-golden';
/** Kept after the run, so the screenshots can be looked at. */
const outDir = mkdtempSync(path.join(os.tmpdir(), 'runbook-html-export-'));
const withChromium = skipUnless(hasChromium, 'chromium is not installed (apt-get install chromium)');

async function exportFailedSession(): Promise<string> {
	const logDir = path.join(outDir, 'sessions');
	mkdirSync(logDir);
	await writeLog(failedSession(), {dir: path.join(logDir, sessionId)});
	const page = path.join(outDir, 'post-mortem.html');
	const exported = runCli(['export', sessionId, '--log-dir', logDir, '--format', 'html', '-o', page]);
	expect(exported.code, exported.stderr).toBe(0);
	return page;
}

describe('the HTML post-mortem of a failed session in Chromium', () => {
	withChromium(
		'renders at 1280 and 800 px wide, not blank, with the failure summary in the page text',
		async () => {
			const page = await exportFailedSession();
			for (const width of [1280, 800]) {
				const png = path.join(outDir, `post-mortem-${width}.png`);
				const shot = runChromium([`--window-size=${width},2000`, `--screenshot=${png}`, `file://${page}`]);
				expect(shot.status, shot.stderr).toBe(0);
				const bytes = readFileSync(png);
				expect(pngSize(bytes)).toEqual({width, height: 2000});
				expect(bytes.length).toBeGreaterThan(40_000);
				expect(distinctPixelBytes(bytes)).toBeGreaterThan(40);
			}
			const dom = runChromium(['--dump-dom', `file://${page}`]).stdout;
			const text = dom
				.replace(/<[^>]+>/g, '')
				.replace(/&lt;/g, '<')
				.replace(/&gt;/g, '>')
				.replace(/&quot;/g, '"')
				.replace(/&amp;/g, '&');
			expect(text).toContain('Outcome: aborted: lock timeout on invoices; rescheduled to Thursday');
			expect(text).toContain('Failed: Apply migrations (migrate)');
			expect(text).toMatch(/exit 1; its command exited with an unexpected code/);
			expect(text).toContain('django.db.utils.OperationalError: lock timeout on table "invoices" <after 30s>');
			expect(text).toContain('Deviations (3)');
			expect(text).toContain('backup taken by the DBA at 08:55');
			expect(text).toContain('replication lag is 0 on every replica');
			expect(text).toMatch(/Log verdict(VALID|UNTRUSTED)/);
			expect(text.indexOf('Failed: Apply migrations')).toBeLessThan(text.indexOf('Timeline, step by step'));
		},
		120_000,
	);

	withChromium(
		'prints every collapsed output open: the backup output, collapsed on screen, takes pages of its own',
		() => {
			const page = path.join(outDir, 'post-mortem.html');
			const html = readFileSync(page, 'utf8');
			const collapsed = `<details><summary>Output: ${backupLineCount + 1} lines, 1 on stderr</summary>`;
			expect(html).toContain(collapsed);
			const start = html.indexOf(collapsed);
			const withoutBackupOutput = path.join(outDir, 'without-backup-output.html');
			writeFileSync(
				withoutBackupOutput,
				html.slice(0, start) + html.slice(html.indexOf('</details>', start) + '</details>'.length),
			);
			const pages = (file: string) => {
				const pdf = `${file}.pdf`;
				const printed = runChromium([`--print-to-pdf=${pdf}`, '--no-pdf-header-footer', `file://${file}`]);
				expect(printed.status, printed.stderr).toBe(0);
				return pdfPageCount(readFileSync(pdf));
			};
			// A printed page holds fewer than 100 lines of output.
			expect(pages(page)).toBeGreaterThanOrEqual(pages(withoutBackupOutput) + Math.floor(backupLineCount / 100));
		},
		120_000,
	);
});
