// Deploy windows with a fake clock: days, time zones, midnight and daylight-saving changes; and
// a session that meets a shut window, is overridden with a reason, and is warned as it closes.
import {describe, expect, it} from 'vitest';
import {isOpenAt, windowAt, type DeployWindow} from '../../src/core/runbook/window.js';
import {phasePlan, windowBadge} from '../../src/core/run/select.js';
import {loadRunbook, simulate} from '../helpers/scenarios.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const london: DeployWindow = {
	timezone: 'Europe/London',
	days: ['mon', 'tue', 'wed', 'thu', 'fri'],
	start: 9 * 60,
	end: 17 * 60,
	except: ['2026-12-25'],
};

describe('a deploy window', () => {
	it('is open on its days between its hours, in its own time zone', () => {
		expect(windowAt(london, at('2026-11-23T10:00:00Z'))).toEqual({isOpen: true, closesAt: at('2026-11-23T17:00:00Z')});
		// Saturday: shut until Monday morning.
		expect(iso((windowAt(london, at('2026-11-21T10:00:00Z')) as {opensAt: number}).opensAt)).toBe(
			'2026-11-23T09:00:00.000Z',
		);
		// In summer London is UTC+1: the window is 08:00-16:00 UTC.
		expect(isOpenAt(london, at('2026-07-01T08:30:00Z'))).toBe(true);
		expect(isOpenAt(london, at('2026-07-01T16:30:00Z'))).toBe(false);
	});

	it('stays shut on its exception dates, and opens on the next working day', () => {
		expect(isOpenAt(london, at('2026-12-25T10:00:00Z'))).toBe(false);
		expect(iso((windowAt(london, at('2026-12-24T18:00:00Z')) as {opensAt: number}).opensAt)).toBe(
			'2026-12-28T09:00:00.000Z',
		);
	});

	it('across midnight belongs to the day it opened; in another zone', () => {
		const ny: DeployWindow = {timezone: 'America/New_York', days: ['sat'], start: 22 * 60, end: 2 * 60, except: []};
		// Saturday 23:00 in New York is Sunday 04:00 UTC; the window closes Sunday 02:00 local.
		expect(windowAt(ny, at('2026-11-22T04:00:00Z'))).toEqual({isOpen: true, closesAt: at('2026-11-22T07:00:00Z')});
		// Sunday 23:00 local: Sunday is not a window day.
		expect(isOpenAt(ny, at('2026-11-23T04:00:00Z'))).toBe(false);
	});

	it('counts a daylight-saving change as the clock on the wall shows it', () => {
		const night: DeployWindow = {timezone: 'Europe/London', days: ['sun'], start: 0, end: 4 * 60, except: []};
		// 29 March 2026: at 01:00 GMT the clocks go to 02:00 BST; 04:00 BST is 03:00 UTC.
		expect(windowAt(night, at('2026-03-29T00:30:00Z'))).toEqual({isOpen: true, closesAt: at('2026-03-29T03:00:00Z')});
		// 25 October 2026: at 02:00 BST the clocks go back to 01:00 GMT; 04:00 GMT is 04:00 UTC.
		expect(windowAt(night, at('2026-10-24T23:30:00Z'))).toEqual({isOpen: true, closesAt: at('2026-10-25T04:00:00Z')});
	});
});

/** A London weekday window: `./migrate`, after what `before` puts first in the phase, and before `extra` steps. */
const inWindow = (before: string, extra = '') =>
	loadRunbook(`
version: 1
name: Windowed
window: {timezone: Europe/London, days: [mon, tue, wed, thu, fri], hours: "09:00-17:00"}
phases:
  - id: deploy
${before}      - id: migrate
        run: ./migrate
${extra}`);
const windowed = () =>
	inWindow('    at: "16:30"\n    steps:\n      - id: check-first\n        check: the release notes are ready\n');
const runOnly = (extra = '') => inWindow('    steps:\n', extra);

describe('a session against its deploy window', () => {
	it('outside the window, checks run but a mutating step waits; an override with a reason is recorded and lets it start', () => {
		const run = simulate(windowed(), {
			wall: '2026-11-21T10:00:00.000Z',
			answers: [
				{kind: 'check', isPassed: true},
				{kind: 'override', reason: 'sev-1 hotfix, approved by the incident lead'},
			],
		});
		const types = run.events.map((e) => e.type);
		expect(types.indexOf('check-answered')).toBeLessThan(types.indexOf('window-overridden'));
		expect(run.events.find((e) => e.type === 'window-overridden')).toMatchObject({
			by: 'alice',
			reason: 'sev-1 hotfix, approved by the incident lead',
		});
		expect(types.indexOf('window-overridden')).toBeLessThan(types.indexOf('command-started'));
		expect(run.state.ended?.status).toBe('completed');
	});

	it('shows the shut window as a decision with when it opens, and without a terminal ends needing an operator', () => {
		const waiting = simulate(windowed(), {
			wall: '2026-11-21T10:00:00.000Z',
			answers: [{kind: 'check', isPassed: true}],
		});
		expect(waiting.decision).toMatchObject({kind: 'window', step: 'migrate', opensAt: at('2026-11-23T09:00:00Z')});
		expect(windowBadge(waiting.state, waiting.now)).toEqual({text: 'window SHUT', tone: 'over'});
		const ci = simulate(runOnly(), {wall: '2026-11-21T10:00:00.000Z', options: {isInteractive: false}});
		expect(ci.state.ended).toMatchObject({status: 'needs-operator'});
		expect(ci.state.ended?.reason).toMatch(
			/may not start outside the deploy window \(it opens 2026-11-23T09:00:00.000Z\)/,
		);
	});

	it('records the warnings 15 and 5 minutes before the close, at those times, and shows the time left', () => {
		const run = simulate(runOnly('      - id: hold\n        wait: 40m\n'), {
			wall: '2026-11-23T16:30:00.000Z',
			options: {isInteractive: false},
		});
		const warnings = run.events.filter((e) => e.type === 'window-closing');
		expect(warnings.map((e) => (e as {threshold: number}).threshold)).toEqual([15, 5]);
		// At 16:45 and 16:55, to the tick of the simulated clock.
		expect(warnings.map((e) => Math.floor(e.t / 1_000_000))).toEqual([15 * 60, 25 * 60]);
		// The migration ran before the wait; after it the window is shut.
		expect(run.events.findIndex((e) => e.type === 'command-started')).toBeLessThan(
			run.events.findIndex((e) => e.type === 'window-closing'),
		);
		const early = simulate(windowed(), {wall: '2026-11-23T16:30:00.000Z', stopAtDecision: 0});
		expect(windowBadge(early.state, 0)).toEqual({text: 'window 30:00 left', tone: 'ok'});
		expect(windowBadge(early.state, 20 * 60_000_000)).toEqual({text: 'window 10:00 left', tone: 'near'});
	});

	it('says how far ahead of or behind its planned start a phase began', () => {
		const late = simulate(windowed(), {wall: '2026-11-23T16:42:00.000Z', stopAtDecision: 0});
		expect(phasePlan(late.state, late.now)).toBe('12m behind plan');
		const early = simulate(windowed(), {wall: '2026-11-23T16:25:00.000Z', stopAtDecision: 0});
		expect(phasePlan(early.state, early.now)).toBe('5m ahead of plan');
	});
});

describe('the window in words', () => {
	it('names runs of days in week order', async () => {
		const {compactDays} = await import('../../src/ui/window-text.js');
		expect(compactDays(['mon', 'tue', 'wed', 'thu', 'fri'])).toBe('mon-fri');
		expect(compactDays(['wed', 'mon'])).toBe('mon,wed');
		expect(compactDays(['sun', 'sat', 'mon', 'tue'])).toBe('mon,tue,sat,sun');
		expect(compactDays(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).toBe('every day');
	});
});
