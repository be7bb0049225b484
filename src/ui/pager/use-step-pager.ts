// Step selection and the output pager, as one screen's state: ↑/↓ pick a step that has run, `o`
// opens its output, and while the pager is open its keys go to it alone. Shared by the live run,
// watch and replay, so the three work alike.
import {useInput, useStdin, type Key} from 'ink';
import {useRef, useState} from 'react';
import type {StepOutputReader} from '../../core/output/pages.js';
import {finishedItems} from '../../core/run/select.js';
import type {RunState} from '../../core/run/state.js';
import type {KeyAction} from '../keys.js';
import {keystrokesOf, type Keystroke} from '../keystrokes.js';
import {pagerGeometry} from './Pager.js';
import {openPager, pagerKey, type PagerState} from './pager-model.js';

/** Steps that ran, in the order they finished, then the running one (when `withRunning`). */
export function selectableSteps(state: RunState, withRunning: boolean): string[] {
	const finished = finishedItems(state).flatMap((item) => (item.kind === 'step' ? [item.step.id] : []));
	const running = withRunning ? state.running?.step : undefined;
	return running && !finished.includes(running) ? [...finished, running] : finished;
}

export type StepPager = {
	/** The selected step; undefined while the screen shows the live step. */
	selected?: string;
	pager?: PagerState;
	/** A selection or pager key from the screen's own key handler; true when it did something. */
	viewKey(action: KeyAction, stroke: Keystroke): boolean;
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
	const {isRawModeSupported} = useStdin();
	const [selected, setSelected] = useState<string>();
	const [pager, setPager] = useState<PagerState>();
	// Keys are read against the latest state, even several in one read.
	const ref = useRef({pager, selected});
	ref.current = {pager, selected};
	const steps = selectableSteps(state, withRunning);
	const shownSelection = selected !== undefined && steps.includes(selected) ? selected : undefined;
	useInput(
		(input: string, key: Key) => {
			if (!reader) return;
			for (const stroke of keystrokesOf(input, key)) {
				const current = ref.current.pager;
				if (!current) return;
				const next = pagerKey(current, stroke, {reader, ...pagerGeometry(cols, rows)});
				ref.current.pager = next === 'close' ? undefined : next;
				setPager(ref.current.pager);
			}
		},
		{isActive: isRawModeSupported === true && pager !== undefined},
	);
	const viewKey = (action: KeyAction, stroke: Keystroke): boolean => {
		if (!reader) return false;
		const current =
			ref.current.selected !== undefined && steps.includes(ref.current.selected) ? ref.current.selected : undefined;
		if (action === 'select-step') {
			// From the live view, ↑ goes to the step that finished last (the running one is the live view).
			const isRunningListed = withRunning && state.running !== undefined && steps.at(-1) === state.running.step;
			const at = current === undefined ? steps.length - (isRunningListed ? 1 : 0) : steps.indexOf(current);
			const to = stroke.key.upArrow ? Math.max(0, at - 1) : at + 1;
			// Past the last step is the live view again.
			const next = to >= steps.length ? undefined : steps[to];
			ref.current.selected = next;
			setSelected(next);
			return steps.length > 0;
		}
		if (action === 'open-output') {
			const step = current ?? (withRunning ? state.running?.step : undefined) ?? steps.at(-1);
			if (step === undefined) return false;
			ref.current.pager = openPager(step);
			setPager(ref.current.pager);
			return true;
		}
		return false;
	};
	return {...(shownSelection ? {selected: shownSelection} : {}), ...(pager ? {pager} : {}), viewKey};
}
