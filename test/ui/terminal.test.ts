// The one choice between the Ink screen and plain lines.
import {describe, expect, it} from 'vitest';
import {isColourRefused, isInteractiveTerminal} from '../../src/ui/terminal.js';

const tty = {isTTY: true};
const terminal = (env: Record<string, string>, stdout: {isTTY?: boolean} = tty, stdin = tty) => ({stdout, stdin, env});

describe('isInteractiveTerminal', () => {
	it('draws the screen on a terminal outside CI, and where CI is set to false or 0', () => {
		expect(isInteractiveTerminal(terminal({}))).toBe(true);
		expect(isInteractiveTerminal(terminal({CI: 'false'}))).toBe(true);
		expect(isInteractiveTerminal(terminal({CI: '0'}))).toBe(true);
	});

	it('prints plain lines in CI, whatever CI is set to', () => {
		for (const value of ['true', '1', 'yes', 'github', ''])
			expect(isInteractiveTerminal(terminal({CI: value})), `CI=${value}`).toBe(false);
		expect(isInteractiveTerminal(terminal({CONTINUOUS_INTEGRATION: 'true'}))).toBe(false);
	});

	it('prints plain lines when either end is not a terminal', () => {
		expect(isInteractiveTerminal(terminal({}, {isTTY: false}))).toBe(false);
		expect(isInteractiveTerminal(terminal({}, tty, {isTTY: false}))).toBe(false);
		expect(isInteractiveTerminal(terminal({}, {}, tty))).toBe(false);
	});
});

describe('isColourRefused', () => {
	it('NO_COLOR with any value turns colour off; empty or absent leaves it on', () => {
		expect(isColourRefused({NO_COLOR: '1'})).toBe(true);
		expect(isColourRefused({NO_COLOR: 'false'})).toBe(true);
		expect(isColourRefused({NO_COLOR: ''})).toBe(false);
		expect(isColourRefused({})).toBe(false);
	});
});
