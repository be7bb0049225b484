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
import {LineQuestion} from './components/LineQuestion.js';
import {PlainPrinter} from './plain.js';
import {ReplayApp} from './ReplayApp.js';
import {TerminalSessionPicker, type PickableSession} from './SessionPicker.js';
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
			/**
			 * Settles before `begin` is called; the screen is set up meanwhile. When it rejects, the
			 * screen goes and showLive rejects with its reason, `begin` never called.
			 */
			ready?: Promise<void>;
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
	/** The id of the session the operator picks from `sessions`; undefined when they cancel. Screen only. */
	pickSession(sessions: readonly PickableSession[], options: {title: string}): Promise<string | undefined>;
};

/** The presenter for this process's terminal; `NO_COLOR` turns colour off before anything is drawn. */
export function terminalPresenter(isInteractive = isInteractiveTerminal()): Presenter {
	if (isColourRefused(process.env)) chalk.level = 0;
	return isInteractive ? screenPresenter : plainPresenter;
}

const screenPresenter: Presenter = {
	isInteractive: true,
	async showLive(session, {logFile, begin, ready, archiveBadge, outputReader}) {
		const mount = () =>
			render(
				<App
					session={session}
					logFile={logFile}
					{...(archiveBadge ? {archiveBadge} : {})}
					{...(outputReader ? {outputReader} : {})}
				/>,
				// Not Ink's incrementalRendering: with a frame as tall as the terminal (the pager), its
				// line-by-line rewrite drifts one row down each frame and leaves a stale title on top.
				{exitOnCtrlC: false},
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
		await ready?.catch((error: unknown) => {
			app.unmount();
			throw error;
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
	async pickSession(sessions, {title}) {
		let picked: string | undefined;
		// The list goes before the app does, so what the command shows next starts on a clean screen.
		const close = () => {
			app.clear();
			app.unmount();
		};
		const app = render(
			<TerminalSessionPicker
				sessions={sessions}
				title={title}
				onChoose={(id) => {
					picked = id;
					close();
				}}
				onCancel={close}
			/>,
			{exitOnCtrlC: false},
		);
		await app.waitUntilExit();
		return picked;
	},
};

const plainPresenter: Presenter = {
	isInteractive: false,
	async showLive(session, {begin, ready}) {
		await ready;
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
	pickSession() {
		// Commands ask for a picker only where there is a screen; without one they say what to give.
		return Promise.reject(new Error('no terminal to show the session picker on'));
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

/** One line typed in the terminal's line editor before any screen: the answer, trimmed ('' at Ctrl-C). */
export async function askLineOnScreen(question: string): Promise<string> {
	let answer = '';
	const app = render(
		<LineQuestion
			question={question}
			onAnswer={(line) => {
				answer = line;
				app.unmount();
			}}
		/>,
		{exitOnCtrlC: false},
	);
	await app.waitUntilExit();
	return answer;
}
