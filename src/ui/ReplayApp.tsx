// Draws a replay with the live run's screen, a banner when the log did not verify, and a status line.
import {useApp, useInput, useStdin, useStdout} from 'ink';
import {useEffect, useRef, useState} from 'react';
import type {ReplaySession} from '../session/replay.js';
import {RunScreen} from './screens/RunScreen.js';
import {useTerminalSize} from './use-terminal-size.js';
import {idleInput} from './input-state.js';
import {actionFor, type KeyAction} from './keys.js';
import {clock} from './format.js';
import {listKeys, playerFooter, playerKeys, useReplayPlayer} from './use-replay-player.js';
import {playerPanelRows, ReplayPlayerPanel} from './components/ReplayPlayerPanel.js';
import type {StepOutputReader} from '../core/output/pages.js';
import {replayPagerKeys, useReplayPager} from './pager/replay-pager.js';

const replayKeys: KeyAction[] = [
	...playerKeys,
	...listKeys,
	'pause',
	'next-event',
	'next-step',
	'prev-step',
	'next-phase',
	'prev-phase',
	'faster',
	'slower',
	...replayPagerKeys,
	'help',
	'quit',
];

/**
 * The replay screen: the run screen driven by a replay cursor, with the player's keys. One component
 * because its keys, its banner and its cursor share state; > 80 lines for that.
 */
export function ReplayApp({
	replay,
	banner,
	logFile,
	outputReader,
}: {
	replay: ReplaySession;
	banner?: {text: string; tone: 'danger' | 'waiting'};
	logFile?: string;
	outputReader?: StepOutputReader;
}) {
	const [snapshot, setSnapshot] = useState(() => replay.snapshot());
	const {stdout} = useStdout();
	const size = useTerminalSize();
	const {isRawModeSupported} = useStdin();
	const {exit} = useApp();
	const epoch = useRef(snapshot.epoch);
	const [isHelpShown, setHelpShown] = useState(false);
	const player = useReplayPlayer(replay);
	const pager = useReplayPager(outputReader, snapshot.state, size);
	useEffect(
		() =>
			replay.subscribe(() => {
				const next = replay.snapshot();
				// Moving back: the screen is cleared before the frame is drawn, and the lines above are printed afresh.
				if (next.epoch !== epoch.current) stdout.write('\u001b[2J\u001b[3J\u001b[H');
				epoch.current = next.epoch;
				setSnapshot(next);
			}),
		[replay, stdout],
	);
	useInput(
		(input, key) => {
			if (pager.takesKey(input, key)) return;
			if (player.handle(input, key)) return setHelpShown(false);
			const action = actionFor(input, key, replayKeys);
			if (pager.viewKey(action, {input, key})) return;
			// The overlay closes on the next key, which also does what it does.
			setHelpShown(action === 'help' && !isHelpShown);
			switch (action) {
				case 'pause':
					replay.togglePause();
					break;
				case 'next-event':
					replay.stepOne();
					break;
				case 'next-step':
					replay.jumpStep(1);
					break;
				case 'prev-step':
					replay.jumpStep(-1);
					break;
				case 'next-phase':
					replay.jumpPhase(1);
					break;
				case 'prev-phase':
					replay.jumpPhase(-1);
					break;
				case 'faster':
					replay.changeSpeed(1);
					break;
				case 'slower':
					replay.changeSpeed(-1);
					break;
				case 'quit':
					replay.quit();
					exit();
					break;
				default:
					break;
			}
		},
		{isActive: isRawModeSupported === true},
	);
	const status =
		player.message ??
		`REPLAY ${clock(snapshot.now)} / ${clock(snapshot.sessionUs)} · ${snapshot.speed}x · ${snapshot.isPlaying ? 'playing' : 'paused'} · event ${snapshot.shown}/${snapshot.total}`;
	const panelRows = playerPanelRows(player.mode, replay.targets.length, size.rows);
	const hintCols = Math.min(120, size.cols);
	return (
		<>
			<RunScreen
				key={snapshot.epoch}
				state={snapshot.state}
				input={isHelpShown ? {mode: 'help', keys: replayKeys} : idleInput}
				now={snapshot.now}
				cols={size.cols}
				rows={size.rows - panelRows}
				footer={playerFooter(player.mode, status, hintCols)}
				{...(snapshot.decision ? {decision: snapshot.decision} : {})}
				{...(banner ? {banner} : {})}
				{...(logFile ? {logFile} : {})}
				{...pager.screen}
			/>
			<ReplayPlayerPanel mode={player.mode} targets={replay.targets} cols={hintCols} rows={size.rows} />
		</>
	);
}
