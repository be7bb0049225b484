// What the operator must read is wrapped, never cut at the terminal's edge: the log path at the
// end of a run, the step's note, a note taken during the run; and the header measures its
// badges in screen columns, so wide text never pushes it past the edge.
import {renderToString} from 'ink';
import {stripVTControlCharacters} from 'node:util';
import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {FinishedLine} from '../../src/ui/components/FinishedLine.js';
import {Header} from '../../src/ui/components/Header.js';
import {frame} from '../helpers/render.js';
import {loadRunbook, simulate} from '../helpers/scenarios.js';

const note =
	'Announce in #deploys first; the on-call DBA (Grace, +44 20 7946 0000) must be on the bridge before the migration starts, and the rollback owner named in the ticket';
const runbook = loadRunbook(
	`version: 1\nname: Billing deploy\ntarget: production\nphases:\n  - id: deploy\n    name: Deployment\n    steps:\n      - id: migrate\n        run: ./manage.py migrate\n        confirm: true\n        note: "${note}"\n`,
);
const logFile = '/var/lib/runbook/shared-sessions/payments-team/eu-west-1/20261122T090000Z-3fa9c2/session.jsonl';

/** The text with each wrapped row joined back to the one before it (rows after the first are indented). */
const unwrapped = (text: string) => text.replace(/\n +/g, ' ');
const widest = (text: string) => Math.max(...text.split('\n').map((line) => stringWidth(line)));

describe('text the operator must read is wrapped, not cut', () => {
	it('the log path at the end of a run is shown whole at 60 columns', () => {
		const done = simulate(runbook, {answers: [{kind: 'confirm'}]});
		const text = frame(done, {cols: 60, logFile});
		expect(widest(text)).toBeLessThanOrEqual(60);
		expect(text.replace(/\n +/g, '')).toContain(`log: ${logFile}`);
	});

	it("the step's note is shown whole, and the live area still fits the window", () => {
		const asking = simulate(runbook, {stopAtDecision: 0});
		const text = frame(asking, {cols: 60, rows: 20});
		expect(widest(text)).toBeLessThanOrEqual(60);
		expect(unwrapped(text)).toContain(note);
		expect(text.trimEnd().split('\n').length).toBeLessThanOrEqual(20);
	});

	it('a note taken during the run is shown whole', () => {
		const text = stripVTControlCharacters(
			renderToString(
				<FinishedLine item={{kind: 'note', key: 'n1', t: 65_000_000, by: 'alice', text: note}} cols={60} />,
				{
					columns: 60,
				},
			),
		);
		expect(widest(text)).toBeLessThanOrEqual(60);
		expect(unwrapped(text)).toContain(`alice: ${note}`);
	});
});

describe('the header measures in screen columns', () => {
	it('a wide archive badge is shown whole and the title gives way, within the width', () => {
		const sim = simulate(runbook, {stopAtDecision: 0});
		const badge = 'アーカイブ同期済み ✓';
		const text = stripVTControlCharacters(
			renderToString(<Header state={sim.state} now={sim.now} cols={60} archive={badge} />, {columns: 60}),
		);
		expect(widest(text)).toBeLessThanOrEqual(60);
		const [titleLine] = text.split('\n');
		expect(titleLine).toContain(`${badge} · total`);
		// 60 columns less the badge's 34 and a gap of 2: the title gets 24, cut where it is marked.
		expect(titleLine).toBe(`Billing deploy · target…  ${badge} · total 00:00`);
	});
});

describe('rows with wide text stay within the width', () => {
	const wide = loadRunbook(
		`version: 1\nname: 发布\nphases:\n  - id: deploy\n    steps:\n      - id: owner\n        ask: { var: owner, prompt: "负责人姓名（必填，写全名）" }\n      - id: broken\n        run: exit 3\n      - id: after\n        run: echo done\n        confirm: true\n`,
	);

	it('a skipped step whose reason is CJK shows the reason whole where it fits', () => {
		const sim = simulate(wide, {
			answers: [
				{kind: 'answer', value: 'grace'},
				{kind: 'skip', reason: '维护窗口改期'},
			],
			results: {broken: [{code: 3}]},
			stopAtDecision: 2,
		});
		const text = frame(sim, {cols: 60});
		expect(text).toMatch(/↷ broken +skipped: 维护窗口改期\n/);
		expect(widest(text)).toBeLessThanOrEqual(60);
	});

	it('a text field with a CJK prompt and CJK typed in it', () => {
		const sim = simulate(wide, {stopAtDecision: 0});
		const text = frame(sim, {cols: 60, input: {mode: 'text', text: '张三丰张三丰张三丰张三丰张三丰张三丰', cursor: 3}});
		expect(text).toContain('张三丰');
		expect(widest(text)).toBeLessThanOrEqual(60);
	});
});
