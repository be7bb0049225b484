// The line that says which step ↑/↓ picked, and how to read its output.
import type {RunState} from '../../core/run/state.js';
import {keyHints} from '../keys.js';

/** `▸ selected: migrate (done) · o the step's output · ↑↓ select a step`; undefined with nothing picked. */
export function selectionLine(state: RunState, selected: string | undefined): string | undefined {
	if (selected === undefined) return undefined;
	const status = state.running?.step === selected ? 'running' : (state.steps[selected]?.status ?? 'not run');
	return `▸ selected: ${selected} (${status}) · ${keyHints(['open-output', 'select-step'])}`;
}
