// Step selection and the output pager, as one screen's state: ↑/↓ pick a step that has run, `o`
// opens its output, and while the pager is open its keys go to it alone. Shared by the live run,
// watch and replay, so the three work alike.
import type {Key} from 'ink';
import {useRef, useState} from 'react';
import type {StepOutputReader} from '../../core/output/pages.js';
import {finishedItems} from '../../core/run/select.js';
import type {RunState} from '../../core/run/state.js';
import type {KeyAction} from '../keys.js';
import {keystrokesOf, type Keystroke} from '../keystrokes.js';
import {openPager, pagerGeometry, pagerKey, type PagerState} from './pager-model.js';

/** Steps that ran and finished, in the order they finished; the step on screen is the live view, not among them. */
export function selectableSteps(state: RunState): string[] {
	const finished = finishedItems(state).flatMap((item) => (item.kind === 'step' ? [item.step.id] : []));
	return finished.filter((id) => id !== state.current || state.steps[id]?.endedAt !== undefined);
}

/** The step on screen, when its output can be read: started, and (in replay) not still running. */
function liveStepOf(state: RunState, withRunning: boolean): string | undefined {
	const current = state.current;
	if (current === undefined || state.steps[current]?.startedAt === undefined) return undefined;
	return withRunning || state.running?.step !== current ? current : undefined;
}

export type StepPager = {
	/** The selected step; undefined while the screen shows the live step. */
	selected?: string;
	pager?: PagerState;
	/** A selection or pager key from the screen's own key handler; true when it did something. */
	viewKey(action: KeyAction, stroke: Keystroke): boolean;
	/**
	 * Called first by the screen's one key handler: while the pager is open it takes every key
	 * (true). Decided as each key is read, so no key falls between the pager and the screen.
	 */
	pagerInput(input: string, key: Key): boolean;
};

export function useStepPager({
	reader,
	state,
	cols,
	rows,
	withRunning,
}: {
	reader?: StepOutputReader;
	state: RunState;
	cols: number;
	rows: number;
	/** Whether the running step can be selected (not in replay, where its output is still to come). */
	withRunning: boolean;
}): StepPager {
	const [selected, setSelected] = useState<string>();
	const [pager, setPager] = useState<PagerState>();
	// Keys are read against the latest state, even several in one read.
	const ref = useRef({pager, selected});
	ref.current = {pager, selected};
	const steps = selectableSteps(state);
	const shownSelection = selected !== undefined && steps.includes(selected) ? selected : undefined;
	const pagerInput = (input: string, key: Key): boolean => {
		if (!reader || !ref.current.pager) return false;
		for (const stroke of keystrokesOf(input, key)) {
			const current = ref.current.pager;
			if (!current) break;
			const next = pagerKey(current, stroke, {reader, ...pagerGeometry(cols, rows)});
			ref.current.pager = next === 'close' ? undefined : next;
			setPager(ref.current.pager);
		}
		return true;
	};
	const viewKey = (action: KeyAction, stroke: Keystroke): boolean => {
		if (!reader) return false;
		const current =
			ref.current.selected !== undefined && steps.includes(ref.current.selected) ? ref.current.selected : undefined;
		if (action === 'select-step') {
			const at = current === undefined ? steps.length : steps.indexOf(current);
			const to = stroke.key.upArrow ? Math.max(0, at - 1) : at + 1;
			// Past the last step is the live view again.
			const next = to >= steps.length ? undefined : steps[to];
			ref.current.selected = next;
			setSelected(next);
			return steps.length > 0;
		}
		if (action === 'open-output') {
			// Without a selection: the step on screen when it has output (or runs), else the latest that has.
			const live = liveStepOf(state, withRunning);
			const liveWithOutput = live && (state.running?.step === live || reader.hasOutput(live)) ? live : undefined;
			const step = current ?? liveWithOutput ?? [...steps].reverse().find((id) => reader.hasOutput(id)) ?? steps.at(-1);
			if (step === undefined) return false;
			ref.current.pager = openPager(step);
			setPager(ref.current.pager);
			return true;
		}
		return false;
	};
	return {...(shownSelection ? {selected: shownSelection} : {}), ...(pager ? {pager} : {}), viewKey, pagerInput};
}
