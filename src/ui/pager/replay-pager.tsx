// The pager in replay: steps finished at the replay cursor can be picked and read in full (their
// output is all before the cursor); the step still running at the cursor is not, since the rest
// of its output is still to come.
import type {Key} from 'ink';
import type {ReactNode} from 'react';
import type {StepOutputReader} from '../../core/output/pages.js';
import type {RunState} from '../../core/run/state.js';
import type {KeyAction} from '../keys.js';
import type {Keystroke} from '../keystrokes.js';
import {Pager} from './Pager.js';
import {selectionLine} from './selection.js';
import {useStepPager} from './use-step-pager.js';

/** The replay's own keys for the pager, for its key list and `?` overlay. */
export const replayPagerKeys: KeyAction[] = ['select-step', 'open-output'];

export function useReplayPager(
	reader: StepOutputReader | undefined,
	state: RunState,
	size: {cols: number; rows: number},
): {
	/** Every key the replay reads, first: while the pager is open, all are its (true). */
	takesKey(input: string, key: Key): boolean;
	/** `↑↓` and `o` at the player: true when they picked a step or opened the pager. */
	viewKey(action: KeyAction | undefined, stroke: Keystroke): boolean;
	/** RunScreen props: the selection line and the pager. */
	screen: {selection?: string; pager?: ReactNode};
} {
	const steps = useStepPager({...(reader ? {reader} : {}), state, ...size, withRunning: false});
	const selection = selectionLine(state, steps.selected);
	return {
		takesKey: steps.pagerInput,
		viewKey: (action, stroke) =>
			action !== undefined && replayPagerKeys.includes(action) && steps.viewKey(action, stroke),
		screen: {
			...(selection ? {selection} : {}),
			...(steps.pager && reader
				? {pager: <Pager reader={reader} state={steps.pager} cols={size.cols} rows={size.rows} />}
				: {}),
		},
	};
}
