import {Box, Text} from 'ink';
import type {RunState} from '../../core/run/state.js';
import {runSummary} from '../../core/run/select.js';
import {clock, fit, wrap} from '../format.js';
import {theme} from '../theme.js';

const headings = {
	completed: '✓ Completed',
	failed: '✗ Failed',
	aborted: '✗ Aborted',
	'rolled-back': '↶ Rolled back',
	'needs-operator': '■ Stopped: needs an operator',
} as const;

/** The final frame: how the run ended, its counts, sign-offs, and where the log is. */
export function Summary({state, cols, logFile}: {state: RunState; cols: number; logFile?: string}) {
	const summary = runSummary(state)!;
	const tone =
		summary.status === 'completed' ? theme.ok : summary.status === 'needs-operator' ? theme.waiting : theme.failed;
	const {succeeded, failed, skipped, notRun} = summary.counts;
	const counts = [
		`${succeeded} done`,
		failed ? `${failed} failed` : '',
		skipped ? `${skipped} skipped` : '',
		notRun ? `${notRun} not run` : '',
	]
		.filter(Boolean)
		.join(', ');
	return (
		<Box flexDirection="column" marginTop={1}>
			<Text color={tone} bold wrap="truncate">
				{fit(`${headings[summary.status]} in ${clock(summary.totalUs)} · ${counts}`, cols)}
			</Text>
			{/* What the operator must read is wrapped, never cut: the reason, who signed off, where the log is. */}
			{summary.reason ? <Text>{wrap(`  ${summary.reason}`, cols, '    ').join('\n')}</Text> : null}
			{state.signoffs.map((s) => (
				<Text key={s.role}>{wrap(`  signed off: ${s.role} — ${s.name}`, cols, '    ').join('\n')}</Text>
			))}
			{logFile ? <Text color={theme.muted}>{wrap(`  log: ${logFile}`, cols, '    ').join('\n')}</Text> : null}
		</Box>
	);
}
