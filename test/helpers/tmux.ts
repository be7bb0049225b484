// A real pseudo-terminal: a private tmux server per test, keys sent one at a time as an
// operator types, the screen read back. Recipe: the research notes beside the repo (feasibility.md, section 5).
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach} from 'vitest';
import {isolatedEnv} from './cli.js';

export type Tui = {
	screen(): string;
	/** The screen with its colour and attribute escapes (`capture-pane -e`). */
	screenWithEscapes(): string;
	keys(...keys: string[]): void;
	/** Types text literally, one character at a time. */
	type(text: string): void;
	waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
	exitCode(timeoutMs?: number): Promise<number>;
	kill(): void;
	/** Resizes the window, as an operator dragging theirs does. */
	resize(cols: number, rows: number): void;
};

export function startTui(command: string, options: {cols?: number; rows?: number; cwd?: string} = {}): Tui {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-tmux-'));
	const socket = path.join(dir, 'sock');
	const tmux = (...args: string[]) =>
		execFileSync('tmux', ['-S', socket, '-f', '/dev/null', ...args], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe'],
		});
	const cd = options.cwd ? `cd ${JSON.stringify(options.cwd)} && ` : '';
	tmux(
		'new-session',
		'-d',
		'-s',
		'app',
		'-x',
		String(options.cols ?? 80),
		'-y',
		String(options.rows ?? 24),
		`export TERM=xterm-256color XDG_CONFIG_HOME=${isolatedEnv.XDG_CONFIG_HOME}; unset CI SSH_AUTH_SOCK; ${cd}${command}; echo "__EXIT=$?"; sleep 3600`,
	);
	const tui: Tui = {
		screen: () => tmux('capture-pane', '-p', '-t', 'app'),
		screenWithEscapes: () => tmux('capture-pane', '-p', '-e', '-t', 'app'),
		keys: (...keys) => void tmux('send-keys', '-t', 'app', ...keys),
		type: (text) => {
			for (const ch of text) tmux('send-keys', '-t', 'app', '-l', ch);
		},
		async waitFor(pattern, timeoutMs = 10_000) {
			const deadline = Date.now() + timeoutMs;
			let screen = '';
			while (Date.now() < deadline) {
				screen = tui.screen();
				if (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen)) return screen;
				await new Promise((r) => setTimeout(r, 25));
			}
			throw new Error(`timed out waiting for ${String(pattern)}; the screen was:\n${screen}`);
		},
		async exitCode(timeoutMs = 10_000) {
			const screen = await tui.waitFor(/__EXIT=\d+/, timeoutMs);
			return Number(/__EXIT=(\d+)/.exec(screen)![1]);
		},
		resize: (cols, rows) => void tmux('resize-window', '-t', 'app', '-x', String(cols), '-y', String(rows)),
		kill() {
			try {
				tmux('kill-server');
			} catch {
				// Already gone.
			}
			rmSync(dir, {recursive: true, force: true});
		},
	};
	return tui;
}

/** `startTui` for a test file whose terminals are all closed after each test. */
export function closedAfterEachTest(): (command: string) => Tui {
	const open: Tui[] = [];
	afterEach(() => {
		for (const t of open.splice(0)) t.kill();
	});
	return (command) => {
		const t = startTui(command);
		open.push(t);
		return t;
	};
}

/**
 * Matches `text` on a screen even where the screen wraps it onto the next row (a long path in a
 * temporary folder), with any indent the wrapped row starts with.
 */
export function wrappedOnScreen(text: string): RegExp {
	return new RegExp([...text].map((char) => char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(?:\n *)?'));
}
