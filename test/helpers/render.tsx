// Frames as plain text: the real RunScreen over a state folded by the real reducer.
import {renderToString} from 'ink';
import {stripVTControlCharacters} from 'node:util';
import {RunScreen} from '../../src/ui/screens/RunScreen.js';
import {idleInput, type InputState} from '../../src/ui/input-state.js';
import type {Simulation} from './scenarios.js';

export function frame(
	sim: Simulation,
	options: {cols: number; rows?: number; input?: InputState; problem?: string; logFile?: string},
): string {
	const text = renderToString(
		<RunScreen
			state={sim.state}
			now={sim.now}
			cols={options.cols}
			rows={options.rows ?? 24}
			input={options.input ?? idleInput}
			{...(sim.decision ? {decision: sim.decision} : {})}
			{...(options.problem ? {problem: options.problem} : {})}
			{...(options.logFile ? {logFile: options.logFile} : {})}
		/>,
		{columns: options.cols},
	);
	// Trailing spaces are layout padding, not content; keep the files readable in a diff.
	return `${stripVTControlCharacters(text)
		.split('\n')
		.map((l) => l.trimEnd())
		.join('\n')}\n`;
}
