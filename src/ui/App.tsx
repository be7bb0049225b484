// Subscribes to a live session and draws it; keys become intents. No processes, no files.
import {useApp} from 'ink';
import {useEffect, useRef, useState} from 'react';
import type {SessionSnapshot} from '../session/live.js';
import {throttleFrames} from './frame-throttle.js';
import {RunScreen} from './screens/RunScreen.js';
import {useOperatorInput, type CommandScroll, type SessionControl} from './use-operator-input.js';
import {liveLayout} from './live-layout.js';
import {useNow} from './use-now.js';
import {nextClockChangeUs} from './screen-clock.js';
import {useTerminalSize} from './use-terminal-size.js';
import type {StepOutputReader} from '../core/output/pages.js';
import {useStepPager} from './pager/use-step-pager.js';
import {Pager} from './pager/Pager.js';
import {runPagerBadge, selectionLine} from './pager/selection.js';

export type AppSession = Omit<SessionControl, 'snapshot'> & {
	snapshot(): SessionSnapshot;
	subscribe(listener: () => void): () => void;
	/** The session clock, µs since it started. */
	now(): number;
};

export function App({
	session,
	logFile,
	archiveBadge,
	outputReader,
}: {
	session: AppSession;
	logFile?: string;
	archiveBadge?: () => string;
	/** Every step's recorded output, for the pager. */
	outputReader?: StepOutputReader;
}) {
	// One state for both, so a change is one render (Ink renders each update synchronously).
	const [{snapshot, now}, setView] = useState(() => ({snapshot: session.snapshot(), now: session.now()}));
	const setNow = (at: number) => setView((view) => ({...view, now: at}));
	const size = useTerminalSize();
	const {exit} = useApp();
	useEffect(() => {
		const redraw = () => {
			const next = session.snapshot();
			setView({snapshot: next, now: next.now});
		};
		const frames = throttleFrames(redraw);
		// The last frame is drawn at once: the seal and the exit wait for it, not for a frame's gap.
		const unsubscribe = session.subscribe(() => {
			if (!session.snapshot().state.ended) return frames.request();
			frames.cancel();
			redraw();
		});
		return () => {
			unsubscribe();
			frames.cancel();
		};
	}, [session]);
	const isEnded = Boolean(snapshot.state.ended);
	useEffect(() => {
		// The final frame is committed; Ink writes it out as it unmounts.
		if (isEnded) exit();
	}, [isEnded]);
	// The clock moves only while one on screen does (a countdown, a running step, a budget).
	useNow(nextClockChangeUs(snapshot.state, snapshot.decision, now), () => session.now(), setNow);
	// The key handler scrolls the command as far as the last frame's layout lets it.
	const scroll = useRef<CommandScroll>({maxTop: 0, pageRows: 1});
	const steps = useStepPager({
		...(outputReader ? {reader: outputReader} : {}),
		state: snapshot.state,
		cols: size.cols,
		rows: size.rows,
		withRunning: true,
	});
	const input = useOperatorInput(session, snapshot.state, snapshot.decision, now, () => scroll.current, {
		viewKey: steps.viewKey,
		takesKey: steps.pagerInput,
	});
	const selection = selectionLine(snapshot.state, steps.selected);
	const badge = steps.pager ? runPagerBadge(steps.pager, snapshot.state.running?.step) : undefined;
	const command = liveLayout({
		state: snapshot.state,
		input,
		now,
		cols: size.cols,
		rows: size.rows,
		...(snapshot.decision ? {decision: snapshot.decision} : {}),
		...(snapshot.problem ? {problem: snapshot.problem} : {}),
		...(logFile ? {logFile} : {}),
		...(selection ? {selection} : {}),
	}).command;
	scroll.current = {maxTop: command?.maxTop ?? 0, pageRows: Math.max(1, (command?.rows.length ?? 2) - 1)};
	return (
		<RunScreen
			state={snapshot.state}
			input={input}
			now={now}
			cols={size.cols}
			rows={size.rows}
			{...(snapshot.decision ? {decision: snapshot.decision} : {})}
			{...(snapshot.problem ? {problem: snapshot.problem} : {})}
			{...(logFile ? {logFile} : {})}
			{...(archiveBadge ? {archive: archiveBadge()} : {})}
			{...(selection ? {selection} : {})}
			{...(steps.pager && outputReader
				? {
						pager: (
							<Pager
								reader={outputReader}
								state={steps.pager}
								cols={size.cols}
								rows={size.rows}
								{...(badge ? {badge} : {})}
								{...(snapshot.decision ? {notice: 'the run waits for you · q'} : {})}
							/>
						),
					}
				: {})}
		/>
	);
}
