// A command's start is on disk before its process exists; its files (spool, script) are made
// while that sync is under way, never after the process was asked for.
import {describe, expect, it} from 'vitest';
import type {RunEvent} from '../../src/core/run/events.js';
import type {SessionEffects} from '../../src/session/effects.js';
import {SessionLoop} from '../../src/session/loop.js';
import {SessionRecorder} from '../../src/session/recorder.js';
import {FakeClock} from '../helpers/fake-clock.js';
import {loadRunbook} from '../helpers/scenarios.js';

describe('starting a command', () => {
	it('makes its files while its start is synced, and runs it only once the start is on disk', () => {
		const order: string[] = [];
		const clock = new FakeClock('2026-11-22T09:00:00.000Z', 1000);
		const sink = {
			append: (event: RunEvent) => void order.push(`append ${event.type}`),
			flush: () => void order.push('flush'),
			flushSoon: () => void order.push('flush soon'),
		};
		const effects: SessionEffects = {
			prepare: (spec) => void order.push(`prepare ${spec.step}`),
			run: (spec) => {
				order.push(`run ${spec.step}`);
				return {pid: undefined, startTicks: undefined, cancel: () => {}, detach: () => {}};
			},
			fate: () => 'unknown',
			reattach: () => ({pid: undefined, startTicks: undefined, cancel: () => {}, detach: () => {}}),
			discard: () => {},
			checkEnvironment: () => [],
		};
		const recorder = new SessionRecorder({sink, clock, secrets: [], onChange: () => {}});
		const loop = new SessionLoop({
			recorder,
			effects,
			clock,
			cwd: '/srv/app',
			keepStdoutBytes: 0,
			output: {chunkChars: 1024, chunkMs: 0, quietMs: 0},
		});
		const runbook = loadRunbook(
			'version: 1\nname: One\nphases:\n  - id: p\n    steps:\n      - id: deploy\n        run: make deploy\n',
		);
		loop.start(runbook, {operator: 'alice', isInteractive: false, isPreApproved: true}, {});
		const started = order.indexOf('append command-started');
		expect(started).toBeGreaterThan(-1);
		expect(order.slice(started).filter((entry) => !entry.startsWith('append checkpoint'))).toEqual([
			'append command-started',
			'flush soon',
			'prepare deploy',
			'flush',
			'run deploy',
		]);
	});
});
