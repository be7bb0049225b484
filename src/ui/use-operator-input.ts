// Keys -> intents. Reads the key table and the prompt model, so a key works exactly when its hint shows.
import {useInput, useStdin} from 'ink';
import {useEffect, useRef, useState} from 'react';
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

const decisionKey = (d: Decision | undefined) => (d ? `${d.kind}:${'step' in d ? d.step : ''}:${'item' in d ? d.item : ''}:${'var' in d ? d.var : ''}:${'role' in d ? d.role : ''}` : '');

export function useOperatorInput(session: SessionControl, state: RunState, decision: Decision | undefined, now: number): InputState {
	const {isRawModeSupported} = useStdin();
	const [input, setInput] = useState<InputState>(idleInput);
	// Keys can arrive faster than renders; the ref always holds the latest, so none is lost.
	const ref = useRef({input, state, decision, now});
	ref.current = {...ref.current, state, decision, now};
	const update = (next: InputState) => {
		ref.current.input = next;
		setInput(next);
	};
	const key = decisionKey(decision);
	useEffect(() => {
		update(isTextDecision(decision, state) ? {mode: 'text', text: ''} : idleInput);
	}, [key]);

	useInput((chars, k) => {
		const {input: current, state: s, decision: d} = ref.current;
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
			if (k.return) {
				const problem = session.intend(current.mode === 'text' ? textIntent(d!, current.text) : reasonIntent(current.for, current.text));
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
		// Ctrl-C is always answered: cancel what runs, or ask why the run should be aborted.
		const action = actionFor(chars, k, current.mode === 'keys' ? [...model.actions, 'cancel'] : model.actions);
		const reason = (kind: ReasonFor) => update({mode: 'reason', for: kind, text: ''});
		switch (action) {
			case 'confirm': session.intend({kind: 'confirm'}); break;
			case 'pass': session.intend({kind: 'check', isPassed: true}); break;
			case 'fail': reason('fail'); break;
			case 'retry': case 'skip': case 'rollback': case 'abort': case 'end-wait': case 'override': reason(action); break;
			case 'cancel': if (s.running) update({mode: 'confirm-cancel'}); else reason('abort'); break;
			case 'yes': session.cancelCommand(); update(idleInput); break;
			case 'no': update(idleInput); break;
			default: break;
		}
	}, {isActive: isRawModeSupported === true});

	return input;
}

function textIntent(decision: Decision, text: string): Intent {
	if (decision.kind === 'confirm') return {kind: 'confirm', text};
	if (decision.kind === 'signoff') return {kind: 'signoff', name: text};
	return {kind: 'answer', value: text};
}

function reasonIntent(kind: ReasonFor, reason: string): Intent {
	return kind === 'fail' ? {kind: 'check', isPassed: false, reason} : {kind, reason};
}
