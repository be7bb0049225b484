// A recorded session worth replaying: the tour to its end, with a step whose output comes slowly.
import type {RunEvent} from '../../src/core/run/events.js';
import {loadRunbook, simulate, tourYaml} from './scenarios.js';

/** The tour to its end; `migrate` prints 40 lines, one a second, as a slow migration does. */
export function tourWithSlowOutput(): RunEvent[] {
	const migrateOutput = Array.from({length: 40}, (_, i) => `Applying billing.00${i + 10}_add_index... OK\n`).join('');
	const {events} = simulate(loadRunbook(tourYaml), {
		answers: [
			{kind: 'answer', value: ''},
			{kind: 'confirm'},
			{kind: 'check', isPassed: true},
			{kind: 'check', isPassed: true},
			{kind: 'confirm', text: 'production'},
			{kind: 'answer', value: 'v2.4.1'},
			{kind: 'end-wait', reason: 'error rate flat'},
			{kind: 'signoff', name: 'Ada'},
		],
		results: {migrate: [{out: migrateOutput}]},
		tickUs: 3_000_000,
	});
	const at = events.findIndex((e) => e.type === 'output-recorded' && e.step === 'migrate');
	const chunk = events[at] as Extract<RunEvent, {type: 'output-recorded'}>;
	const lines = chunk.text.split(/(?<=\n)/);
	const spread = lines.map((text, i) => ({...chunk, text, t: chunk.t + i * 1_000_000}));
	const shiftUs = lines.length * 1_000_000;
	return [...events.slice(0, at), ...spread, ...events.slice(at + 1).map((e) => ({...e, t: e.t + shiftUs}))];
}
