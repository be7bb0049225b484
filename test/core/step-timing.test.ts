// Honest durations: a step's time is its command's, the waits for people are told apart, and a
// wait the operator cut short is a deviation, on screen and in the exports.
import {describe, expect, it} from 'vitest';
import {exportMarkdown} from '../../src/core/export/markdown.js';
import {foldEvents, reduceRun} from '../../src/core/run/reduce.js';
import {PlainPrinter} from '../../src/ui/plain.js';
import type {RunEvent} from '../../src/core/run/events.js';
import {stepTiming, stepTimingsMs} from '../../src/core/run/step-timing.js';
import type {LogHeader} from '../../src/core/audit/entry.js';
import {frame} from '../helpers/render.js';
import {loadRunbook, simulate, tourYaml} from '../helpers/scenarios.js';

const header = {
	wall: '2026-11-22T09:00:00.000Z',
	session: 's1',
	runbook: {path: '/r.yaml', sha256: 'ab'.repeat(32)},
	operator: {user: 'alice', host: 'deploy-1'},
	identity: {fingerprint: 'SHA256:x', source: 'local'},
} as unknown as LogHeader;

const paired = loadRunbook(
	`version: 1\nname: Paired migrate\ntarget: production\nphases:\n  - id: deploy\n    name: Deployment\n    steps:\n      - id: migrate\n        run: python manage.py migrate\n        confirm: typed\n        approvals: 2\n`,
);

/** The paired migrate, with the approver answering two minutes after the request. */
function withSlowApproval(): RunEvent[] {
	const {events} = simulate(paired, {
		answers: [{kind: 'confirm', text: 'production'}],
		approvers: ['bob@deploy-2'],
		tickUs: 1_000_000,
	});
	const requested = events.findIndex((e) => e.type === 'approval-requested');
	expect(requested).toBeGreaterThan(0);
	return events.map((e, i) => (i > requested ? {...e, t: e.t + 120_000_000} : e)) as RunEvent[];
}

describe('step durations', () => {
	it('a step with a 2-minute approval wait has its command time as its duration, and the wait apart', () => {
		const events = withSlowApproval();
		const state = foldEvents(events);
		const started = events.find((e) => e.type === 'command-started')!;
		const exited = events.find((e) => e.type === 'command-exited')!;
		const timing = stepTiming(state.steps['migrate']!);
		expect(timing.durationUs).toBe(exited.t - started.t);
		expect(timing.durationUs).toBeLessThan(10_000_000);
		expect(timing.approvalWaitUs).toBe(121_000_000);
		expect(timing.confirmationWaitUs).toBeGreaterThan(0);

		const screen = frame({events, state, now: state.lastT}, {cols: 100});
		expect(screen).toMatch(/✓ migrate +exit 0 · 1s \(waited 1s for confirmation and 2m01s for approval\)/);

		const printer = new PlainPrinter();
		let sofar = foldEvents([]);
		const plain = events.flatMap((event) => printer.lines(event, (sofar = reduceRun(sofar, event))));
		expect(plain).toContainEqual(
			expect.stringMatching(/ ok migrate in 1s \(waited 1s for confirmation and 2m01s for approval\)$/),
		);

		const md = exportMarkdown(header, events, 'VALID: test');
		expect(md).toContain('| `migrate` | succeeded | 1s | 1s | 2m01s |');
		expect(md).toMatch(/✓ done at \+\d\d:\d\d, took 1s \(waited 1s for confirmation and 2m01s for approval\)/);
		expect(stepTimingsMs(state.steps)['migrate']).toEqual({
			durationMs: 1000,
			confirmationWaitMs: 1000,
			approvalWaitMs: 121_000,
			isEndedEarly: false,
		});
	});

	it('a wait ended early is a deviation on screen and in the export, not a plain ✓', () => {
		const sim = simulate(loadRunbook(tourYaml), {
			answers: [
				{kind: 'answer', value: ''},
				{kind: 'confirm'},
				{kind: 'check', isPassed: true},
				{kind: 'check', isPassed: true},
				{kind: 'confirm', text: 'production'},
				{kind: 'answer', value: 'v2.4.1'},
				{kind: 'end-wait', reason: 'error rate flat'},
			],
			tickUs: 3_000_000,
		});
		const screen = frame(sim, {cols: 100});
		const soak = screen.split('\n').find((line) => line.includes('soak'))!;
		expect(soak).toMatch(/^! soak +ended early by alice after \d+s of 5m: error rate flat$/);
		expect(screen).not.toMatch(/✓ soak/);
		expect(stepTimingsMs(sim.state.steps)['soak']?.isEndedEarly).toBe(true);
		expect(exportMarkdown(header, sim.events, 'VALID: test')).toMatch(
			/\| `soak` \| \*\*Deviation:\*\* ended early by alice after \d+s of 5m: error rate flat \|/,
		);
	});
});
