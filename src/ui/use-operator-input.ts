// Keys -> intents. Reads the key table and the prompt model, so a key works exactly when its hint shows.
import {useInput, useStdin} from 'ink';
import {useRef, useState} from 'react';
import type {Intent} from '../core/run/intents.js';
import type {Decision} from '../core/run/next.js';
import type {RunState} from '../core/run/state.js';
import {actionFor} from './keys.js';
import {idleInput, type InputState, type ReasonFor} from './input-state.js';
import {isTextDecision, promptModel} from './prompt-model.js';

/** What the keys can ask of a session. */
export type SessionControl = {
	intend(intent: Intent): string | undefined;
	cancelCommand(): void;
};

const decisionKey = (d: Decision | undefined) =>
	d
		? `${d.kind}:${'step' in d ? d.step : ''}:${'item' in d ? d.item : ''}:${'var' in d ? d.var : ''}:${'role' in d ? d.role : ''}`
		: '';

export function useOperatorInput(
	session: SessionControl,
	state: RunState,
	decision: Decision | undefined,
	now: number,
): InputState {
	const {isRawModeSupported} = useStdin();
	// The input belongs to the decision it was typed for; a new decision starts afresh. Derived
	// here, not in an effect, so keys typed the moment a prompt appears are not lost.
	const [owned, setOwned] = useState<{key: string; input: InputState}>({key: '', input: idleInput});
	const ref = useRef({owned, state, decision, now});
	ref.current = {...ref.current, state, decision, now};
	const inputOf = (o: {key: string; input: InputState}, d: Decision | undefined, s: RunState): InputState =>
		o.key === decisionKey(d) ? o.input : isTextDecision(d, s) ? {mode: 'text', text: ''} : idleInput;
	const update = (next: InputState) => {
		ref.current.owned = {key: decisionKey(ref.current.decision), input: next};
		setOwned(ref.current.owned);
	};

	useInput(
		(chars, k) => {
			const {state: s, decision: d} = ref.current;
			const current = inputOf(ref.current.owned, d, s);
			const afterReason = (): InputState => (isTextDecision(d, s) ? {mode: 'text', text: ''} : idleInput);
			if (current.mode === 'text' || current.mode === 'reason') {
				if (k.ctrl && chars === 'c') {
					if (current.mode === 'text' || current.for !== 'abort') update({mode: 'reason', for: 'abort', text: ''});
					return;
				}
				if (k.escape) {
					update(current.mode === 'reason' ? afterReason() : {mode: 'text', text: ''});
					return;
				}
				// A fast typist or a paste can deliver text and Enter in one read: the line ends at CR/LF.
				const ending = /[\r\n]/.exec(chars);
				if (k.return || ending) {
					const text =
						current.text + (ending ? chars.slice(0, ending.index).replace(/[\u0000-\u001f\u007f]/g, '') : '');
					const problem = session.intend(
						current.mode === 'text' ? textIntent(d!, text) : reasonIntent(current.for, text),
					);
					if (!problem) update(current.mode === 'reason' ? afterReason() : {mode: 'text', text: ''});
					else if (d?.kind === 'confirm') update({mode: 'text', text: ''});
					return;
				}
				if (k.backspace || k.delete) {
					update({...current, text: [...current.text].slice(0, -1).join('')});
					return;
				}
				if (k.ctrl || k.meta || k.tab || k.upArrow || k.downArrow || k.leftArrow || k.rightArrow) return;
				const printable = chars.replace(/[\u0000-\u001f\u007f]/g, '');
				if (printable) update({...current, text: current.text + printable});
				return;
			}
			const model = promptModel(s, d, current, ref.current.now);
			// Ctrl-C is always answered: cancel what runs, or ask why the run should be aborted. A note can always be added.
			const action = actionFor(
				chars,
				k,
				current.mode === 'keys' ? [...model.actions, 'cancel', 'note'] : model.actions,
			);
			const reason = (kind: ReasonFor) => update({mode: 'reason', for: kind, text: ''});
			switch (action) {
				case 'confirm':
					session.intend({kind: 'confirm'});
					break;
				case 'pass':
					session.intend({kind: 'check', isPassed: true});
					break;
				case 'fail':
					reason('fail');
					break;
				case 'retry':
				case 'skip':
				case 'mark-done':
				case 'rollback':
				case 'abort':
				case 'end-wait':
				case 'override':
				case 'note':
					reason(action);
					break;
				case 'cancel':
					if (s.running) update({mode: 'confirm-cancel'});
					else reason('abort');
					break;
				case 'yes':
					session.cancelCommand();
					update(idleInput);
					break;
				case 'no':
					update(idleInput);
					break;
				default:
					break;
			}
		},
		{isActive: isRawModeSupported === true},
	);

	return inputOf(owned, decision, state);
}

function textIntent(decision: Decision, text: string): Intent {
	if (decision.kind === 'confirm') return {kind: 'confirm', text};
	if (decision.kind === 'signoff') return {kind: 'signoff', name: text};
	return {kind: 'answer', value: text};
}

function reasonIntent(kind: ReasonFor, reason: string): Intent {
	if (kind === 'note') return {kind: 'note', text: reason};
	return kind === 'fail' ? {kind: 'check', isPassed: false, reason} : {kind, reason};
}
