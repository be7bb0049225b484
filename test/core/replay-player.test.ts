// The replay player's pure parts: seeking folds from checkpoints to the very state a fold from the
// start gives, session time maps onto the replay's clock and back, and search finds split matches.
import {describe, expect, it} from 'vitest';
import type {RunEvent} from '../../src/core/run/events.js';
import {foldEvents} from '../../src/core/run/reduce.js';
import {buildTimeline} from '../../src/core/replay/timeline.js';
import {CheckpointedFold, findOutput, replayAtSession, sessionAt} from '../../src/core/replay/player.js';
import {loadRunbook, simulate, tourYaml} from '../helpers/scenarios.js';

const {events} = simulate(loadRunbook(tourYaml), {
	answers: [
		{kind: 'answer', value: ''},
		{kind: 'confirm'},
		{kind: 'check', isPassed: true},
		{kind: 'check', isPassed: true},
	],
	results: {backup: [{out: 'dumping table invoices\ndumping table customers\n'}]},
	tickUs: 1_000_000,
});

describe('the replay player core', () => {
	it('a seek from a checkpoint gives the state a fold from the start gives, in any order', () => {
		const fold = new CheckpointedFold(events, 4);
		for (const count of [events.length, 3, 17, 0, 9, 8, events.length - 1, 1])
			expect(fold.stateAt(count)).toEqual(foldEvents(events.slice(0, count)));
	});

	it('session time maps to replay time and back, even across a gap the idle limit shortened', () => {
		const gappy = events.map((e, i) => (i >= 6 ? {...e, t: e.t + 600_000_000} : e)) as RunEvent[];
		const timeline = buildTimeline(gappy, 2_000_000);
		for (const sessionUs of [1_000_000, 5_500_000, 300_000_000, 606_000_000, gappy.at(-1)!.t]) {
			const replayUs = replayAtSession(gappy, timeline, sessionUs);
			expect(Math.abs(sessionAt(gappy, timeline, replayUs) - sessionUs)).toBeLessThan(1000);
		}
		// Ten minutes of waiting take two seconds of replay.
		expect(timeline.durationUs).toBeLessThan(gappy.at(-1)!.t - 590_000_000);
	});

	it('search finds a match split across two chunks, counts them, and wraps to the start', () => {
		const at = events.findIndex((e) => e.type === 'output-recorded');
		const chunk = events[at] as Extract<RunEvent, {type: 'output-recorded'}>;
		const split = [
			...events.slice(0, at),
			{...chunk, text: 'dumping table inv'},
			{...chunk, text: 'oices\nDUMPING TABLE customers\n'},
			...events.slice(at + 1),
		];
		expect(findOutput(split, 'table invoices', -1)).toMatchObject({
			index: at + 1,
			step: 'backup',
			ordinal: 1,
			count: 1,
		});
		expect(findOutput(split, 'dumping table', at)).toMatchObject({index: at + 1, ordinal: 2});
		expect(findOutput(split, 'dumping table', at + 1)).toMatchObject({index: at, ordinal: 1});
		expect(findOutput(split, 'nowhere', -1)).toBeUndefined();
	});
});
