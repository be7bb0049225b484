// The `?` overlay: every key that works on the screen under it, from the one key table.
import {describe, expect, it} from 'vitest';
import {loadRunbook, simulate, tourYaml, type Script} from '../helpers/scenarios.js';
import {frame} from '../helpers/render.js';
import {promptModel} from '../../src/ui/prompt-model.js';
import {idleInput} from '../../src/ui/input-state.js';
import {fittedHints} from '../../src/ui/keys.js';

const tour = loadRunbook(tourYaml);
const toFailure: Script = {
	answers: [
		{kind: 'answer', value: ''},
		{kind: 'confirm'},
		{kind: 'check', isPassed: true},
		{kind: 'check', isPassed: true},
		{kind: 'confirm', text: 'production'},
	],
	results: {migrate: [{code: 1, err: 'relation "invoice" already exists\n'}]},
};

describe('the ? overlay', () => {
	it('lists every key of the failure menu, Ctrl-C and n note among them, and the keys of a text field', async () => {
		const sim = simulate(tour, toFailure);
		expect(sim.decision?.kind).toBe('failure');
		const screen = frame(sim, {cols: 80, input: {mode: 'help'}});
		await expect(screen).toMatchFileSnapshot('../../snapshots/run/help-overlay.80.txt');
		const model = promptModel(sim.state, sim.decision, idleInput, sim.now);
		for (const label of ['r ', 's ', 'a ', 'n ', 'Ctrl-C', '? ', 'Ctrl-W', 'Ctrl-U', 'Home End'])
			expect(screen).toMatch(new RegExp(`^ {2}${label.replace(/[?]/g, '\\?')}`, 'm'));
		expect(model.actions.at(-1)).toBe('help');
	});

	it("replay's hint line fits 80 columns and always ends with ? keys · q quit", () => {
		const status = 'REPLAY 1:02:03 / 2:04:06 · 16x · playing · event 1234/5678';
		const line = fittedHints(status, ['pause', 'next-step', 'prev-step', 'faster', 'slower', 'help', 'quit'], 80);
		expect(line.length).toBeLessThanOrEqual(80);
		expect(line).toMatch(/ · \? keys · q quit$/);
	});
});
