// Bench helpers: run a command in a real pseudo-terminal (util-linux `script`), time it to a
// marker in its output and to its exit, and follow the peak RSS of the runbook process.
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const bin = path.join(root, 'bin', 'runbook');
export const tmp = (name) => mkdtempSync(path.join(os.tmpdir(), `runbook-bench-${name}-`));

export function writeRunbook(dir, name, yaml) {
	const file = path.join(dir, name);
	writeFileSync(file, yaml);
	return file;
}

/** The largest VmHWM (kB) among live processes whose command line contains `needle`. */
function peakOf(needle) {
	let peak = 0;
	for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
		try {
			if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)) continue;
			const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
			if (m) peak = Math.max(peak, Number(m[1]));
		} catch {
			// The process ended between the listing and the read.
		}
	}
	return peak;
}

/**
 * Runs `command` in a pty. Resolves with ms to the first `marker` in the output (if given), ms
 * to exit, and the peak RSS in MB of processes whose command line contains `rssOf`.
 * With `killOnMarker`, the process is ended as soon as the marker shows, or `killAfterMs` after it.
 */
export function inPty(command, {marker, killOnMarker = false, killAfterMs = 0, rssOf, env = {}} = {}) {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
		// An 80x24 terminal, as an operator's would be: `script` alone gives a 0x0 one here.
		const child = spawn('script', ['-qfec', `stty rows 24 cols 80; ${command}`, '/dev/null'], {
			env: {...process.env, TERM: 'xterm-256color', ...env},
			stdio: ['pipe', 'pipe', 'inherit'],
			detached: true,
		});
		let seen = '';
		let markerMs;
		let peakKb = 0;
		const poll = rssOf ? setInterval(() => (peakKb = Math.max(peakKb, peakOf(rssOf))), 20) : undefined;
		child.stdout.on('data', (chunk) => {
			if (markerMs !== undefined || !marker) return;
			seen = (seen + chunk.toString('utf8')).slice(-4096);
			if (seen.includes(marker)) {
				markerMs = elapsed();
				const kill = () => process.kill(-child.pid, 'SIGKILL');
				if (killOnMarker && killAfterMs > 0) setTimeout(kill, killAfterMs);
				else if (killOnMarker) kill();
			}
		});
		child.on('error', reject);
		child.on('close', (code) => {
			if (poll) clearInterval(poll);
			resolve({markerMs, exitMs: elapsed(), code, peakMb: peakKb / 1024});
		});
	});
}

/** Runs a plain command (no pty) and times it to exit. */
export function timed(command) {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const child = spawn('bash', ['-c', command], {stdio: 'ignore'});
		child.on('error', reject);
		child.on('close', (code) => resolve({exitMs: Number(process.hrtime.bigint() - started) / 1e6, code}));
	});
}

export const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Every table printed in this process, for bench/results.json. */
export const tables = [];

export function report(title, rows) {
	tables.push({title, rows: rows.map((row) => row.map(String))});
	console.log(`\n${title}`);
	const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
	for (const row of rows) console.log('  ' + row.map((cell, i) => String(cell).padEnd(widths[i])).join('  '));
}
