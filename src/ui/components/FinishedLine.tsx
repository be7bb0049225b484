import {Box, Text} from 'ink';
import type {FinishedItem} from '../../core/run/select.js';
import {describeExit} from '../../core/run/judge.js';
import {clock, columns, duration, fit, pad, wrap} from '../format.js';
import {theme} from '../theme.js';
import type {Takeover} from '../../core/run/state.js';
import {terminalOutput} from '../../core/text/sanitize.js';
import {endedEarlyText, stepTiming, waitedText} from '../../core/run/step-timing.js';

// One case per finished item kind (phase heading, step outcome): > 80 lines, one switch.
/** One line printed above the live area, once: a phase heading or a finished step. */
export function FinishedLine({item, cols}: {item: FinishedItem; cols: number}) {
	if (item.kind === 'note') {
		return (
			// A note is for reading: wrapped, never cut.
			<Text color={theme.accent}>{wrap(`✎ ${clock(item.t)} ${item.by}: ${item.text}`, cols, '  ').join('\n')}</Text>
		);
	}
	if (item.kind === 'approval') {
		const {kind, step, by, fingerprint, reason, t} = item.approval;
		const text =
			kind === 'given'
				? `✔ ${clock(t)} \`${step}\` approved by ${by} (${fingerprint})`
				: kind === 'rejected'
					? `✗ ${clock(t)} \`${step}\` rejected by ${by}: ${reason}`
					: `! ${clock(t)} an approval of \`${step}\` was refused: ${reason}${by ? ` (from ${by})` : ''}`;
		return (
			<Text color={kind === 'given' ? theme.ok : kind === 'rejected' ? theme.failed : theme.waiting} wrap="truncate">
				{fit(text, cols)}
			</Text>
		);
	}
	if (item.kind === 'takeover' && item.takeover.kind === 'result') {
		const {step, lines} = item.takeover;
		return (
			<Box flexDirection="column">
				<Text color={theme.accent}>
					{fit(`↻ ${clock(item.takeover.t)} what \`${step}\` printed last, while no runner watched:`, cols)}
				</Text>
				{lines.map((line, i) => (
					<Text key={i} wrap="truncate">
						{fit(`  │ ${terminalOutput(line)}`, cols)}
					</Text>
				))}
			</Box>
		);
	}
	if (item.kind === 'takeover') {
		return (
			<Text
				color={item.takeover.kind === 'lost' || item.takeover.kind === 'detached' ? theme.waiting : theme.accent}
				wrap="truncate"
			>
				{fit(`↻ ${clock(item.takeover.t)} ${takeoverText(item.takeover)}`, cols)}
			</Text>
		);
	}
	if (item.kind === 'phase') {
		const label = item.index < 0 ? '── Rollback' : `── Phase ${item.index + 1}/${item.count}: ${item.phase.name}`;
		return (
			<Text color={item.index < 0 ? theme.danger : theme.accent} bold>
				{fit(label, cols)}
			</Text>
		);
	}
	const {step, st} = item;
	const timing = stepTiming(st);
	const waited = waitedText(timing);
	const took = [timing.durationUs !== undefined ? duration(timing.durationUs / 1000) : '', waited ? `(${waited})` : '']
		.filter(Boolean)
		.join(' ');
	const early = endedEarlyText(step, st);
	const [mark, tone, detail] =
		st.status === 'succeeded' && early
			? ['!', theme.waiting, early]
			: st.status === 'succeeded'
				? [
						'✓',
						theme.ok,
						[
							// A `for:` step that succeeded with no exit code was stopped on purpose, not killed.
							step.forMs !== undefined && st.lastExit?.code === null
								? 'stopped (for)'
								: st.lastExit
									? describeExit(st.lastExit.code, st.lastExit.signal)
									: '',
							took,
						]
							.filter(Boolean)
							.join(' · '),
					]
				: st.status === 'skipped'
					? ['↷', theme.muted, `skipped: ${st.skipReason ?? ''}`]
					: ['✗', theme.failed, `failed: ${st.failure?.detail ?? ''}${waited ? ` (${waited})` : ''}`];
	const name = step.name === step.id ? step.id : `${step.id}  ${step.name}`;
	const width = Math.max(10, cols - columns(detail) - 5);
	return (
		<Box width={cols}>
			<Text color={tone}>{mark} </Text>
			<Text wrap="truncate">{pad(fit(name, width), width)}</Text>
			<Text color={theme.muted}> {fit(detail, cols - width - 3)}</Text>
		</Box>
	);
}

function takeoverText(takeover: Takeover): string {
	switch (takeover.kind) {
		case 'detached':
			return `runner detached: ${takeover.reason}${takeover.step ? `; \`${takeover.step}\` left running` : ''}`;
		case 'resumed':
			return `resumed by ${takeover.by}${takeover.changes ? `; runbook changed: ${takeover.changes.join('; ')}` : ''}`;
		case 'reattached':
			return `\`${takeover.step}\` was still running: reattached`;
		case 'collected':
			return `\`${takeover.step}\` ended while no runner watched: result collected`;
		case 'lost':
			return `\`${takeover.step}\` lost: ${takeover.reason}`;
		case 'result':
			return `\`${takeover.step}\` printed: ${takeover.lines.map(terminalOutput).join(' / ')}`;
	}
}
