// A command's start is on disk before its process exists; its files (spool, script) are made
// while that sync is under way, never after the process was asked for. A command held while its
// start is synced runs only once the start is on disk, and never when the sync fails.
import {describe, expect, it} from 'vitest';
import type {RunEvent} from '../../src/core/run/events.js';
import type {SessionEffects} from '../../src/session/effects.js';
import {SessionLoop} from '../../src/session/loop.js';
import {SessionRecorder} from '../../src/session/recorder.js';
import {FakeClock} from '../helpers/fake-clock.js';
import {loadRunbook} from '../helpers/scenarios.js';

function setUp(options: {canHold: boolean; failAppend?: string}) {
	const order: string[] = [];
	const listeners: Array<Parameters<SessionEffects['run']>[1]> = [];
	const clock = new FakeClock('2026-11-22T09:00:00.000Z', 1000);
	const syncs: Array<(error?: Error) => void> = [];
	const sink = {
		append: (event: RunEvent) => {
			if (event.type === options.failAppend) throw new Error('cannot write the session log: ENOSPC');
			order.push(`append ${event.type}`);
		},
		flush: () => void order.push('flush'),
		flushSoon: () => void order.push('flush soon'),
		...(options.canHold
			? {
					flushThen: (done: (error?: Error) => void) => {
						order.push('flush then');
						syncs.push(done);
					},
				}
			: {}),
	};
	const effects: SessionEffects = {
		...(options.canHold ? {canHold: true} : {}),
		prepare: (spec) => void order.push(`prepare ${spec.step}`),
		run: (spec, listener) => {
			listeners.push(listener);
			order.push(`run ${spec.step}${spec.isHeld ? ' (held)' : ''}`);
			return {
				pid: undefined,
				startTicks: undefined,
				cancel: () => void order.push(`cancel ${spec.step}`),
				detach: () => {},
				release: () => void order.push(`release ${spec.step}`),
			};
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
	const fromStart = () =>
		order.slice(order.indexOf('append command-started')).filter((entry) => !entry.startsWith('append checkpoint'));
	return {order, syncs, recorder, loop, fromStart, listeners};
}

describe('starting a command', () => {
	it('makes its files while its start is synced, and runs it only once the start is on disk', () => {
		const {fromStart} = setUp({canHold: false});
		expect(fromStart()).toEqual(['append command-started', 'flush soon', 'prepare deploy', 'flush', 'run deploy']);
	});

	it('holds a command it asks for while its start is synced, and lets it run once the start and its pid are on record', () => {
		const pidFirst = setUp({canHold: true});
		expect(pidFirst.fromStart()).toEqual([
			'append command-started',
			'flush then',
			'prepare deploy',
			'run deploy (held)',
		]);
		pidFirst.listeners[0]!.spawned?.({pid: 4242});
		expect(pidFirst.fromStart().slice(-1)).toEqual(['append command-spawned']);
		pidFirst.syncs[0]!();
		expect(pidFirst.fromStart().slice(-1)).toEqual(['release deploy']);

		// The sync answers first: a runner killed before the pid is on record would leave a step
		// running that a resume cannot find, so it waits for the pid.
		const syncFirst = setUp({canHold: true});
		syncFirst.syncs[0]!();
		expect(syncFirst.fromStart()).not.toContain('release deploy');
		syncFirst.listeners[0]!.spawned?.({pid: 4242});
		expect(syncFirst.fromStart().slice(-2)).toEqual(['append command-spawned', 'release deploy']);
	});

	it('lets a held command run at a detach only once its process is on record', () => {
		const unknown = setUp({canHold: true});
		unknown.loop.detach('SIGHUP');
		// Its wrapper, left held, sees the runner's pipe close and never runs it.
		expect(unknown.fromStart()).not.toContain('release deploy');
		expect(unknown.fromStart()).not.toContain('cancel deploy');

		const known = setUp({canHold: true});
		known.listeners[0]!.spawned?.({pid: 4242});
		known.loop.detach('SIGHUP');
		// Its pid and start go to disk first, then it runs.
		expect(known.fromStart().slice(4, 7)).toEqual(['append command-spawned', 'flush', 'release deploy']);
	});

	it('never lets a held command run when its start could not be synced', () => {
		const {syncs, fromStart, loop} = setUp({canHold: true});
		syncs[0]!(new Error('cannot sync the session log: EIO'));
		expect(fromStart()).not.toContain('release deploy');
		expect(fromStart().slice(-1)).toEqual(['cancel deploy']);
		expect(loop.snapshot().problem).toMatch(/EIO/);
	});

	it('never lets a held command run when its pid could not be recorded, whichever answers first', () => {
		// The sync answers first: cancelled.
		const syncFirst = setUp({canHold: true, failAppend: 'command-spawned'});
		syncFirst.syncs[0]!();
		syncFirst.listeners[0]!.spawned?.({pid: 4242});
		expect(syncFirst.fromStart()).not.toContain('release deploy');
		expect(syncFirst.fromStart().slice(-1)).toEqual(['cancel deploy']);

		// The pid answers first (the usual order) and its record fails (ENOSPC); the fdatasync already
		// under way then answers without error: still cancelled, never run with no pid on record.
		const pidFirst = setUp({canHold: true, failAppend: 'command-spawned'});
		pidFirst.listeners[0]!.spawned?.({pid: 4242});
		expect(pidFirst.recorder.logFailure).toMatch(/ENOSPC/);
		pidFirst.syncs[0]!();
		expect(pidFirst.fromStart()).not.toContain('release deploy');
		expect(pidFirst.fromStart().slice(-1)).toEqual(['cancel deploy']);
	});
});
