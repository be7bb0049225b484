import {Box, Text} from 'ink';
import type {RunState} from '../../core/run/state.js';
import {currentPhase, phaseClock, phasePlan, totalElapsed, windowBadge} from '../../core/run/select.js';
import {clock, columns, fit} from '../format.js';
import {theme} from '../theme.js';

const toneColor = {ok: theme.ok, near: theme.waiting, over: theme.failed} as const;

/** Runbook, target and total time; then the phase and its clock against the timebox. */
export function Header({state, now, cols, archive}: {state: RunState; now: number; cols: number; archive?: string}) {
	const runbook = state.runbook!;
	const badge = state.ended ? undefined : windowBadge(state, now);
	const total = `${archive ? `${archive} · ` : ''}${badge ? `${badge.text} · ` : ''}total ${clock(totalElapsed(state, now))}`;
	const title = `${runbook.name}${runbook.target ? ` · target ${runbook.target}` : ''}`;
	const current = state.rollback ? undefined : currentPhase(state);
	const pc = phaseClock(state, now);
	const plan = state.rollback ? undefined : phasePlan(state, now);
	const phaseLabel = state.rollback
		? 'Rollback'
		: current
			? `Phase ${current.index + 1}/${current.count} · ${current.phase.name}${plan ? ` · ${plan}` : ''}`
			: 'Starting';
	const timebox = pc
		? `${clock(pc.elapsedUs)}${pc.timeboxUs !== undefined ? ` / ${clock(pc.timeboxUs)}` : ''}${pc.tone === 'over' ? ' OVER' : ''}`
		: '';
	return (
		<Box flexDirection="column">
			<Box justifyContent="space-between" width={cols}>
				<Text bold wrap="truncate">
					{fit(title, cols - columns(total) - 2)}
				</Text>
				<Text
					color={badge && badge.tone !== 'ok' ? toneColor[badge.tone] : theme.muted}
					bold={badge !== undefined && badge.tone !== 'ok'}
				>
					{total}
				</Text>
			</Box>
			<Box justifyContent="space-between" width={cols}>
				<Text color={state.rollback ? theme.danger : theme.accent} wrap="truncate">
					{fit(phaseLabel, cols - columns(timebox) - 2)}
				</Text>
				{pc ? (
					<Text color={toneColor[pc.tone]} bold={pc.tone !== 'ok'}>
						{timebox}
					</Text>
				) : null}
			</Box>
		</Box>
	);
}
