import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {loadRunbook, simulate} from '../helpers/scenarios.js';
import {frame} from '../helpers/render.js';

const runbook = loadRunbook(
	`version: 1\nname: 账单服务发布 🚀\ntarget: production\nphases:\n  - id: deploy\n    name: 部署阶段\n    steps:\n      - id: migrate\n        name: 数据库迁移：为发票表添加索引并回填历史数据（约十分钟）\n        run: ./manage.py migrate\n`,
);

describe('wide characters and progress lines', () => {
	it('CJK and emoji are measured in screen columns, and a \\r progress line shows its last state', async () => {
		const sim = simulate(runbook, {
			results: {
				migrate: [
					{
						out: `迁移 10%\r迁移 55%\r迁移 100% 完成\n${'发票索引回填中🧾'.repeat(12)}\n`,
					},
				],
			},
			stopWhileRunning: 1,
		});
		const text = frame(sim, {cols: 60, rows: 24});
		for (const line of text.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(60);
		expect(text).toContain('迁移 100% 完成');
		expect(text).not.toContain('10%');
		await expect(text).toMatchFileSnapshot('../../snapshots/wide/cjk-emoji-progress.60.txt');
	});
});
