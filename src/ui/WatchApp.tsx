// A pair partner's view of a live session: the operator's screen, a LIVE badge with the lag, and
// keys only to look around (pick a step, read its output) or quit. Nothing typed here reaches
// the session.
import {useApp, useInput, useStdin} from 'ink';
import {useEffect, useState} from 'react';
import type {WatchSession} from '../session/watch.js';
import {RunScreen} from './screens/RunScreen.js';
import {useTerminalSize} from './use-terminal-size.js';
import {idleInput} from './input-state.js';
import {actionFor, keyHints, type KeyAction} from './keys.js';
import type {StepOutputReader} from '../core/output/pages.js';
import {useStepPager} from './pager/use-step-pager.js';
import {Pager} from './pager/Pager.js';
import {selectionLine, watchPagerBadge} from './pager/selection.js';
import {isDetached} from '../core/run/select.js';
import {duration} from '../core/time.js';

const watchKeys: KeyAction[] = ['select-step', 'open-output', 'quit'];

// One component: its keys, banner and pager share the snapshot; > 80 lines for that.
export function WatchApp({
	watch,
	logFile,
	outputReader,
}: {
	watch: WatchSession;
	logFile?: string;
	outputReader?: StepOutputReader;
}) {
	const [snapshot, setSnapshot] = useState(() => watch.snapshot());
	const size = useTerminalSize();
	const {isRawModeSupported} = useStdin();
	const {exit} = useApp();
	useEffect(() => watch.subscribe(() => setSnapshot(watch.snapshot())), [watch]);
	useEffect(() => {
		if (snapshot.isSealed || snapshot.problem) {
			exit();
			return;
		}
		// Clocks and the lag move on their own between events.
		const timer = setInterval(() => setSnapshot(watch.snapshot()), 1000);
		return () => clearInterval(timer);
	}, [snapshot.isSealed, watch, exit]);
	const steps = useStepPager({
		...(outputReader ? {reader: outputReader} : {}),
		state: snapshot.state,
		cols: size.cols,
		rows: size.rows,
		withRunning: true,
	});
	useInput(
		(input, key) => {
			if (steps.pagerInput(input, key)) return;
			const action = actionFor(input, key, outputReader ? watchKeys : ['quit']);
			if (action === 'quit') {
				watch.stop();
				exit();
			} else if (action) steps.viewKey(action, {input, key});
		},
		{isActive: isRawModeSupported === true},
	);
	const selection = selectionLine(snapshot.state, steps.selected);
	const isAway = selection !== undefined && !snapshot.isSealed;
	const who = snapshot.header ? `${snapshot.header.operator.user}@${snapshot.header.operator.host}` : '';
	const banner = snapshot.problem
		? {text: snapshot.problem, tone: 'danger' as const}
		: snapshot.isSealed
			? {text: `session ended · watched ${who}`, tone: 'accent' as const}
			: {
					text: `${isAway ? 'SCROLLED AWAY FROM LIVE (↓ past the last step returns) · ' : ''}LIVE · ${who} · lag ${duration(snapshot.lagMs)}${isDetached(snapshot.state) ? ' · runner detached, waiting for resume' : ''}`,
					tone: isDetached(snapshot.state) || isAway ? ('waiting' as const) : ('accent' as const),
				};
	return (
		<RunScreen
			state={snapshot.state}
			input={idleInput}
			now={snapshot.now}
			cols={size.cols}
			rows={size.rows}
			banner={banner}
			footer={`read-only · ${keyHints(outputReader ? watchKeys : ['quit'])}`}
			{...(logFile ? {logFile} : {})}
			{...(selection ? {selection} : {})}
			{...(steps.pager && outputReader
				? {
						pager: (
							<Pager
								reader={outputReader}
								state={steps.pager}
								cols={size.cols}
								rows={size.rows}
								badge={watchPagerBadge(steps.pager, snapshot.state.running?.step)}
							/>
						),
					}
				: {})}
			{...(snapshot.decision ? {decision: snapshot.decision} : {})}
		/>
	);
}
