// A pair partner's view of a live session: the operator's screen, a LIVE badge with the lag,
// and no keys but quit. Nothing typed here reaches the session.
import {useApp, useInput, useStdin} from 'ink';
import {useEffect, useState} from 'react';
import type {WatchSession} from '../session/watch.js';
import {RunScreen} from './screens/RunScreen.js';
import {useTerminalSize} from './use-terminal-size.js';
import {idleInput} from './input-state.js';
import {actionFor, keyHints} from './keys.js';
import {isDetached} from '../core/run/select.js';
import {duration} from '../core/time.js';

export function WatchApp({watch, logFile}: {watch: WatchSession; logFile?: string}) {
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
	useInput(
		(input, key) => {
			if (actionFor(input, key, ['quit']) === 'quit') {
				watch.stop();
				exit();
			}
		},
		{isActive: isRawModeSupported === true},
	);
	const who = snapshot.header ? `${snapshot.header.operator.user}@${snapshot.header.operator.host}` : '';
	const banner = snapshot.problem
		? {text: snapshot.problem, tone: 'danger' as const}
		: snapshot.isSealed
			? {text: `session ended · watched ${who}`, tone: 'accent' as const}
			: {
					text: `LIVE · ${who} · lag ${duration(snapshot.lagMs)}${isDetached(snapshot.state) ? ' · runner detached, waiting for resume' : ''}`,
					tone: isDetached(snapshot.state) ? ('waiting' as const) : ('accent' as const),
				};
	return (
		<RunScreen
			state={snapshot.state}
			input={idleInput}
			now={snapshot.now}
			cols={size.cols}
			rows={size.rows}
			banner={banner}
			footer={`read-only · ${keyHints(['quit'])}`}
			{...(logFile ? {logFile} : {})}
			{...(snapshot.decision ? {decision: snapshot.decision} : {})}
		/>
	);
}
