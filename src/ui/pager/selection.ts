// What the screen says about the pager and the selection: which step ↑/↓ picked, and whether
// the pager follows a live step's output or the reader has scrolled away from it.
import type {RunState} from '../../core/run/state.js';
import {keyHints} from '../keys.js';
import type {PagerBadge} from './Pager.js';
import type {PagerState} from './pager-model.js';

/** `▸ selected: migrate (done) · o the step's output · ↑↓ select a step`; undefined with nothing picked. */
export function selectionLine(state: RunState, selected: string | undefined): string | undefined {
	if (selected === undefined) return undefined;
	const status = state.running?.step === selected ? 'running' : (state.steps[selected]?.status ?? 'not run');
	return `▸ selected: ${selected} (${status}) · ${keyHints(['open-output', 'select-step'])}`;
}

/** In the live run: following the running step's output, or paused by scrolling up. */
export function runPagerBadge(pager: PagerState, runningStep: string | undefined): PagerBadge | undefined {
	if (pager.step !== runningStep) return undefined;
	return pager.isFollowing ? {text: '● following', tone: 'running'} : {text: '⏸ paused · G follows', tone: 'waiting'};
}

/** In watch: live, or scrolled away from live (up in the running step's output, or in another step's). */
export function watchPagerBadge(pager: PagerState, runningStep: string | undefined): PagerBadge {
	if (pager.step === runningStep && pager.isFollowing) return {text: '● LIVE', tone: 'running'};
	return {
		text: pager.step === runningStep ? 'scrolled away from live · G follows' : 'not live · q back to live',
		tone: 'waiting',
	};
}
