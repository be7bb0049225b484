import {describe, expect, it} from 'vitest';
import {exportMarkdown} from '../../src/core/export/markdown.js';
import {loadRunbook, simulate, tourYaml} from '../helpers/scenarios.js';
import type {LogHeader} from '../../src/core/audit/entry.js';

const header: LogHeader = {
	format: 'runbook-session/1',
	session: 's1',
	tool: {name: 'runbook', version: '0.1.0'},
	wall: '2026-11-22T09:00:00.000Z',
	runbook: {path: '/r.yaml', sha256: 'ab'.repeat(32)},
	operator: {user: 'alice', host: 'deploy-1'},
	identity: {key: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:x', source: 'local'},
	skey: 'ssh-ed25519 AAAA',
	term: {cols: 80, rows: 24},
	pid: 1,
};

describe('the Markdown post-mortem', () => {
	it('lists every deviation with who and why, and the phases planned against actual', () => {
		const sim = simulate(loadRunbook(tourYaml), {
			answers: [
				{kind: 'answer', value: ''},
				{kind: 'confirm'},
				{kind: 'skip', reason: 'backup taken by the DBA'},
				{kind: 'check', isPassed: true},
				{kind: 'check', isPassed: true},
				{kind: 'confirm', text: 'production'},
				{kind: 'rollback', reason: 'lock timeout on invoices'},
			],
			results: {backup: [{code: 1}], migrate: [{code: 1, err: 'OperationalError: lock timeout\n'}]},
			tickUs: 40_000_000,
		});
		const withNote = [
			...sim.events.slice(0, 5),
			{type: 'note-added' as const, t: sim.events[4]!.t, by: 'bob', text: 'DBA confirms the dump exists'},
			...sim.events.slice(5),
		];
		const md = exportMarkdown(header, withNote, 'VALID: test');
		expect(md).toMatch(/✎ \*\*Note\*\* by bob at 2026-11-22 \d\d:\d\d:\d\dZ: DBA confirms the dump exists/);
		expect(md).toMatch(/^# Billing API release: rolled-back/);
		expect(md).toContain('**Deviation:** `backup` skipped by alice: backup taken by the DBA');
		expect(md).toContain('**Deviation:** rolled back by alice: lock timeout on invoices (`restore-db`)');
		expect(md).toContain('✗ **failed**: exit 1');
		expect(md).toContain('    OperationalError: lock timeout');
		expect(md).toMatch(/\| Pre-deployment \| 05:00 \| \d\d:\d\d \| \*\*over its timebox\*\* \|/);
		expect(md).toContain('| Log verdict | VALID: test |');
	});
});
