// The session picker that `watch`, `replay`, `verify` and `export` show without SESSION in a
// terminal: its frame at 80 and 60 columns, and what each key does.
import {render} from 'ink-testing-library';
import {stripVTControlCharacters} from 'node:util';
import stringWidth from 'string-width';
import {describe, expect, it, vi} from 'vitest';
import {SessionPicker, type PickableSession} from '../../src/ui/SessionPicker.js';

const sessions: PickableSession[] = [
	{
		id: '20261130T091203Z-c0ffee',
		runbook: 'Billing deploy',
		operator: 'alice',
		start: '2026-11-30T09:12:03.421Z',
		outcome: 'running',
		verdict: 'INCOMPLETE',
	},
	{
		id: '20261129T171500Z-a1b2c3',
		// Text from a log: a terminal escape in it is shown, never obeyed.
		runbook: 'Evil \u001b[2Jname',
		operator: 'bob',
		start: '2026-11-29T17:15:00.000Z',
		outcome: 'failed',
		verdict: 'INVALID (line 7: the hash chain breaks here, the log was altered)',
	},
	{
		id: '20261128T080000Z-3fa9c2',
		runbook: '账单服务发布 🚀 with a long name that cannot fit the narrow terminal at all',
		operator: 'carol',
		start: '2026-11-28T08:00:00.000Z',
		outcome: 'completed',
		verdict: 'VALID',
	},
	...Array.from({length: 6}, (_, index) => ({
		id: `2026112${index}T080000Z-00000${index}`,
		runbook: `Old deploy ${index}`,
		operator: 'dave',
		start: `2026-11-2${index}T08:00:00.000Z`,
		outcome: 'completed',
		verdict: 'VALID',
	})).reverse(),
];

const keys = {down: '\u001B[B', up: '\u001B[A', enter: '\r', escape: '\u001B'};
/** How long a check waits for the keys before it to be read: long enough for a loaded machine. */
const frameWait = {timeout: 5000};

function showPicker(cols: number, rows: number) {
	const chosen: string[] = [];
	let cancels = 0;
	const app = render(
		<SessionPicker
			sessions={sessions}
			title="replay which session?"
			cols={cols}
			rows={rows}
			onChoose={(id) => chosen.push(id)}
			onCancel={() => cancels++}
		/>,
	);
	const screen = () =>
		`${stripVTControlCharacters(app.lastFrame() ?? '')
			.split('\n')
			.map((line) => line.trimEnd())
			.join('\n')}\n`;
	/** One macrotask, so useInput has subscribed before the first key; each check then waits for its frame. */
	const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
	const press = async (key: string) => {
		app.stdin.write(key);
		await settle();
	};
	return {app, screen, press, settle, chosen, cancels: () => cancels};
}

describe('the session picker', () => {
	it('lists runbook, operator, start, outcome and verdict newest first, in the terminal width, text made safe', async () => {
		for (const [cols, rows] of [
			[80, 10],
			[60, 8],
		] as const) {
			const picker = showPicker(cols, rows);
			const text = picker.screen();
			for (const line of text.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(cols);
			expect(text.split('\n').filter(Boolean)).toHaveLength(rows);
			expect(text).toContain('STARTED');
			expect(text).toContain(cols === 80 ? '2026-11-30 09:12:03Z' : '11-30 09:12:03');
			expect(text.indexOf('Billing')).toBeLessThan(text.indexOf('Evil'));
			expect(text).toContain(cols === 80 ? 'Evil ^[[2Jname' : 'Evil ^[[2J');
			expect(text).toContain('Esc cancel · q cancel');
			await expect(text).toMatchFileSnapshot(`../../snapshots/picker/sessions.${cols}x${rows}.txt`);
			picker.app.unmount();
		}
	});

	it('↓ and Enter choose the session on that row; the newest is chosen by Enter alone', async () => {
		const picker = showPicker(80, 10);
		await picker.settle();
		await picker.press(keys.enter);
		await picker.press(keys.down);
		await picker.press(keys.down);
		await picker.press(keys.enter);
		await vi.waitFor(
			() => expect(picker.chosen).toEqual(['20261130T091203Z-c0ffee', '20261128T080000Z-3fa9c2']),
			frameWait,
		);
		picker.app.unmount();
	});

	it('scrolls to the sessions below the screen, and says where it is', async () => {
		const picker = showPicker(80, 8);
		await picker.settle();
		for (let press = 0; press < 6; press++) await picker.press(keys.down);
		await vi.waitFor(() => expect(picker.screen()).toContain('7/9 ·'), frameWait);
		expect(picker.screen()).toContain('Old deploy 2');
		await picker.press(keys.enter);
		await vi.waitFor(() => expect(picker.chosen).toEqual(['20261122T080000Z-000002']), frameWait);
		picker.app.unmount();
	});

	it('Esc and q cancel without choosing', async () => {
		const picker = showPicker(80, 10);
		await picker.settle();
		await picker.press(keys.escape);
		await picker.press('q');
		await vi.waitFor(() => expect(picker.cancels()).toBe(2), frameWait);
		expect(picker.chosen).toEqual([]);
		picker.app.unmount();
	});
});
