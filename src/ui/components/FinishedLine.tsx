import {Box, Text} from 'ink';
import type {FinishedItem} from '../../core/run/select.js';
import {describeExit} from '../../core/run/judge.js';
import {clock, duration, fit} from '../format.js';
import {theme} from '../theme.js';

/** One line printed above the live area, once: a phase heading or a finished step. */
export function FinishedLine({item, cols}: {item: FinishedItem; cols: number}) {
	if (item.kind === 'note') {
		return <Text color={theme.accent} wrap="truncate">{fit(`✎ ${clock(item.t)} ${item.by}: ${item.text}`, cols)}</Text>;
	}
	if (item.kind === 'phase') {
		const label = item.index < 0 ? '── Rollback' : `── Phase ${item.index + 1}/${item.count}: ${item.phase.name}`;
		return <Text color={item.index < 0 ? theme.danger : theme.accent} bold>{fit(label, cols)}</Text>;
	}
	const {step, st} = item;
	const tookMs = st.startedAt !== undefined && st.endedAt !== undefined ? (st.endedAt - st.startedAt) / 1000 : undefined;
	const [mark, tone, detail] =
		st.status === 'succeeded' ? ['✓', theme.ok, [st.lastExit ? describeExit(st.lastExit.code, st.lastExit.signal) : '', tookMs !== undefined ? duration(tookMs) : ''].filter(Boolean).join(' · ')]
		: st.status === 'skipped' ? ['↷', theme.muted, `skipped: ${st.skipReason ?? ''}`]
		: ['✗', theme.failed, `failed: ${st.failure?.detail ?? ''}`];
	const name = step.name === step.id ? step.id : `${step.id}  ${step.name}`;
	const width = Math.max(10, cols - detail.length - 5);
	return (
		<Box width={cols}>
			<Text color={tone}>{mark} </Text>
			<Text wrap="truncate">{fit(name, width).padEnd(width)}</Text>
			<Text color={theme.muted}> {fit(detail, cols - width - 3)}</Text>
		</Box>
	);
}
