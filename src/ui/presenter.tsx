// Shows a session the one way the terminal allows: the Ink screen, or plain lines (one per event)
// for pipes and CI. The only place that calls Ink's render; commands hand their session over here.
import chalk from 'chalk';
import {render} from 'ink';
import type {RunEvent} from '../core/run/events.js';
import {reduceRun} from '../core/run/reduce.js';
import {terminalText} from '../core/text/sanitize.js';
import {initialState, type RunState} from '../core/run/state.js';
import {ReplaySession} from '../session/replay.js';
import type {WatchSession} from '../session/watch.js';
import type {ScreenControl} from '../session/effects.js';
import {App, type AppSession} from './App.js';
import {PlainPrinter} from './plain.js';
import {ReplayApp} from './ReplayApp.js';
import {isColourRefused, isInteractiveTerminal} from './terminal.js';
import {WatchApp} from './WatchApp.js';
import type {StepOutputReader} from '../core/output/pages.js';

/** A live session as the presenter needs it: the screen's view, plus its events and its end. */
export type PresentedSession = AppSession & {
	readonly ended: Promise<RunState>;
	onEvent(listener: (event: RunEvent) => void): () => void;
	/** Given the screen, which steps aside while an interactive step has the terminal. */
	useScreen?(control: ScreenControl): void;
};

export type ReplayShow = {
	events: RunEvent[];
	logFile: string;
	banner?: {text: string; tone: 'danger' | 'waiting'};
	speed: number;
	idleLimitUs: number;
	startAt?: string;
	/** The log's output records, for the pager. */
	outputReader?: StepOutputReader;
};

export type Presenter = {
	/** The Ink screen (true) or plain lines (false); a run asks no questions without a screen. */
	readonly isInteractive: boolean;
	/** Calls `begin`, shows the session until it ends, and settles with its final state. */
	/** `archiveBadge`: the team archive's state for the header, when the session streams to one. */
	showLive(
		session: PresentedSession,
		options: {
			logFile: string;
			begin: () => void;
			archiveBadge?: () => string;
			/** The log's output records, for the pager. */
			outputReader?: StepOutputReader;
		},
	): Promise<RunState>;
	/**
	 * Follows a log until its seal, a broken line, or `q`. `idleNote` is for a log nobody writes
	 * any more: plain lines then stop after catching up and print it, instead of waiting.
	 */
	showWatch(
		watch: WatchSession,
		options: {logFile: string; idleNote?: string; outputReader?: StepOutputReader},
	): Promise<void>;
	/** Plays recorded events on the screen, or prints them all at once without one. */
	showReplay(replay: ReplayShow): Promise<void>;
};

/** The presenter for this process's terminal; `NO_COLOR` turns colour off before anything is drawn. */
export function terminalPresenter(isInteractive = isInteractiveTerminal()): Presenter {
	if (isColourRefused(process.env)) chalk.level = 0;
	return isInteractive ? screenPresenter : plainPresenter;
}

const screenPresenter: Presenter = {
	isInteractive: true,
	async showLive(session, {logFile, begin, archiveBadge, outputReader}) {
		const mount = () =>
			render(
				<App
					session={session}
					logFile={logFile}
					{...(archiveBadge ? {archiveBadge} : {})}
					{...(outputReader ? {outputReader} : {})}
				/>,
				{
					exitOnCtrlC: false,
					// Only the lines that changed are rewritten: a clock's tick is one line, not the live area.
					incrementalRendering: true,
				},
			);
		let app = mount();
		// An interactive step gets the terminal: Ink unmounts (raw mode restored), and mounts again after.
		session.useScreen?.({
			release: () => {
				app.clear();
				app.unmount();
			},
			reclaim: () => {
				app = mount();
			},
		});
		begin();
		const final = await session.ended;
		await app.waitUntilExit();
		return final;
	},
	async showWatch(watch, {logFile, outputReader}) {
		const app = render(<WatchApp watch={watch} logFile={logFile} {...(outputReader ? {outputReader} : {})} />);
		watch.start();
		await app.waitUntilExit();
		watch.stop();
	},
	async showReplay({events, logFile, banner, speed, idleLimitUs, startAt, outputReader}) {
		const replay = new ReplaySession(events, {speed, idleLimitUs, ...(startAt !== undefined ? {startAt} : {})});
		const app = render(
			<ReplayApp
				replay={replay}
				logFile={logFile}
				{...(banner ? {banner} : {})}
				{...(outputReader ? {outputReader} : {})}
			/>,
			{exitOnCtrlC: false},
		);
		replay.start();
		await replay.done;
		await app.waitUntilExit();
	},
};

const plainPresenter: Presenter = {
	isInteractive: false,
	async showLive(session, {begin}) {
		const print = plainLines();
		session.onEvent((event) => print(event, session.snapshot().state));
		begin();
		return session.ended;
	},
	async showWatch(watch, {idleNote}) {
		watch.onEvent(plainLines());
		watch.start();
		if (watch.snapshot().problem === undefined) {
			if (idleNote === undefined) await watch.ended;
			else process.stdout.write(`${idleNote}\n`);
		}
		watch.stop();
	},
	async showReplay({events, banner}) {
		if (banner) process.stdout.write(`${terminalText(banner.text)}\n`);
		const print = plainLines();
		let state = initialState;
		for (const event of events) {
			state = reduceRun(state, event);
			print(event, state);
		}
	},
};

/** The plain-printer loop: each event's lines written as they come, nothing for events without any. */
function plainLines(): (event: RunEvent, state: RunState) => void {
	const printer = new PlainPrinter();
	return (event, state) => {
		const lines = printer.lines(event, state);
		if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
	};
}
