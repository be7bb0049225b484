// SESSION as an operator types it: an id, `latest`, a unique prefix, a directory or a log path.
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {resolveSessionLog} from '../../src/store/session-names.js';

const ids = ['20261122T093015Z-3fa9c2', '20261122T101500Z-a1b2c3', '20261123T080000Z-a1ffee'];

function sessionsWith(names: string[]): string {
	const sessions = mkdtempSync(path.join(os.tmpdir(), 'runbook-names-'));
	for (const id of names) {
		mkdirSync(path.join(sessions, id));
		writeFileSync(path.join(sessions, id, 'session.jsonl'), '{}\n');
	}
	// A directory without a log is not a session, and never a candidate.
	mkdirSync(path.join(sessions, '20991231T000000Z-000000'));
	return sessions;
}

const logOf = (sessions: string, id: string) => path.join(sessions, id, 'session.jsonl');

describe('naming a session', () => {
	const sessions = sessionsWith(ids);

	it('takes an id, its directory or its log path, as before', () => {
		expect(resolveSessionLog(ids[0]!, sessions)).toEqual({ok: true, log: logOf(sessions, ids[0]!)});
		expect(resolveSessionLog(path.join(sessions, ids[1]!), sessions)).toEqual({
			ok: true,
			log: logOf(sessions, ids[1]!),
		});
		expect(resolveSessionLog(logOf(sessions, ids[2]!), sessions)).toEqual({ok: true, log: logOf(sessions, ids[2]!)});
	});

	it('`latest` is the newest session that has a log', () => {
		expect(resolveSessionLog('latest', sessions)).toEqual({ok: true, log: logOf(sessions, ids[2]!)});
		const empty = sessionsWith([]);
		expect(resolveSessionLog('latest', empty)).toEqual({
			ok: false,
			problem: `no sessions in ${empty}, so no \`latest\``,
		});
	});

	it('a prefix that fits one id names it', () => {
		expect(resolveSessionLog('20261123', sessions)).toEqual({ok: true, log: logOf(sessions, ids[2]!)});
		expect(resolveSessionLog('20261122T10', sessions)).toEqual({ok: true, log: logOf(sessions, ids[1]!)});
	});

	it('an ambiguous prefix lists every candidate, and names none', () => {
		const named = resolveSessionLog('20261122', sessions);
		expect(named.ok).toBe(false);
		expect(!named.ok && named.problem).toBe(
			`\`20261122\` names 2 sessions in ${sessions}; give more of the id:\n  ${ids[0]}\n  ${ids[1]}`,
		);
	});

	it('no match says where it looked and what it takes', () => {
		const named = resolveSessionLog('2030', sessions);
		expect(!named.ok && named.problem).toBe(
			`no session log at \`2030\` (give a session id from ${sessions}, a unique prefix of one, \`latest\`, its directory, or its session.jsonl)`,
		);
		expect(resolveSessionLog('', sessions).ok).toBe(false);
	});
});
