// The line asked before any screen (`resume`'s and `approve`'s typed answers) is a line editor,
// as the run's own text fields are: the cursor moves, typing inserts at it, several keys in one
// read are each read.
import {render} from 'ink-testing-library';
import {stripVTControlCharacters} from 'node:util';
import {describe, expect, it, vi} from 'vitest';
import {LineQuestion} from '../../src/ui/components/LineQuestion.js';

const keys = {
	enter: '\r',
	backspace: '\u007F',
	left: '\u001B[D',
	right: '\u001B[C',
	home: '\u001B[H',
	end: '\u001B[F',
	ctrlC: '\u0003',
	ctrlW: '\u0017',
};

function ask() {
	const answers: string[] = [];
	const app = render(<LineQuestion question="Type `approve`: " onAnswer={(answer) => answers.push(answer)} />);
	const screen = () => stripVTControlCharacters(app.lastFrame() ?? '');
	/** One macrotask, so useInput has subscribed before the first key; each check then waits for its frame. */
	const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
	const press = async (...typed: string[]) => {
		for (const key of typed) app.stdin.write(key);
		await settle();
	};
	return {app, answers, screen, settle, press};
}

describe('a line asked before any screen', () => {
	it('Left and Right move the cursor, and a letter typed there is inserted, not appended', async () => {
		const question = ask();
		await question.settle();
		await question.press('aprove');
		await question.press(keys.left, keys.left, keys.left, keys.left);
		await question.press('p');
		await vi.waitFor(() => expect(question.screen()).toBe('Type `approve`: approve'));
		await question.press(keys.right, keys.right, 'X');
		await vi.waitFor(() => expect(question.screen()).toBe('Type `approve`: approXve'));
		await question.press(keys.backspace, keys.enter);
		await vi.waitFor(() => expect(question.answers).toEqual(['approve']));
		question.app.unmount();
	});

	it('Home and End go to the ends; three Backspaces in one read delete three', async () => {
		const question = ask();
		await question.settle();
		await question.press('proveXYZ');
		await question.press(`${keys.backspace}${keys.backspace}${keys.backspace}`);
		await vi.waitFor(() => expect(question.screen()).toBe('Type `approve`: prove'));
		await question.press(keys.home, 'ap', keys.end, '!', keys.backspace);
		await question.press(keys.enter);
		await vi.waitFor(() => expect(question.answers).toEqual(['approve']));
		question.app.unmount();
	});

	it('Ctrl-W deletes a word; Ctrl-C answers nothing', async () => {
		const question = ask();
		await question.settle();
		await question.press('run recorded', keys.ctrlW);
		await vi.waitFor(() => expect(question.screen()).toBe('Type `approve`: run'));
		await question.press(keys.ctrlC);
		await vi.waitFor(() => expect(question.answers).toEqual(['']));
		question.app.unmount();
	});
});
