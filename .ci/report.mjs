// Prints what CI reads from the vitest JSON report: the "N passed, N failed" line, then how many
// tests were skipped and why, so a skip is never silent.
import {readFileSync} from 'node:fs';

const report = JSON.parse(readFileSync(new URL('../.vitest-report.json', import.meta.url), 'utf8'));
process.stdout.write(`${report.numPassedTests} passed, ${report.numFailedTests} failed\n`);

const skipped = report.testResults.flatMap((file) =>
	file.assertionResults.filter((test) => ['skipped', 'pending', 'todo'].includes(test.status)),
);
const countByReason = new Map();
for (const test of skipped) {
	const reason = test.meta?.skipReason ?? `no reason given (${test.fullName})`;
	countByReason.set(reason, (countByReason.get(reason) ?? 0) + 1);
}
const reasons = [...countByReason].map(([reason, count]) => (count > 1 ? `${reason} (${count} tests)` : reason));
process.stdout.write(`${skipped.length} skipped${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}\n`);
