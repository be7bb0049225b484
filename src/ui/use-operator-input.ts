// Keys -> intents. Reads the key table and the prompt model, so a key works exactly when its hint
// shows. Keys are read one at a time even when several come in one read, and each against the
// session as it is at that moment (not as the last frame drew it): a menu key that opens a field
// sends the rest of the read, and every key after it, into that field.
import {useInput, useStdin, type Key} from 'ink';
import {useRef, useState} from 'react';
import type {Intent} from '../core/run/intents.js';
import type {Decision} from '../core/run/next.js';
import type {RunState} from '../core/run/state.js';
import {actionFor, type KeyAction} from './keys.js';
import {idleInput, type InputState, type ReasonFor} from './input-state.js';
import {hasCommandToRead, initialInput, isTextDecision, promptModel} from './prompt-model.js';
import {editKeyOf, keystrokesOf, type Keystroke} from './keystrokes.js';
import {editField, insertText} from './line-editor.js';

/** What the keys can ask of a session, and the session as it is now. */
export type SessionControl = {
	intend(intent: Intent): string | undefined;
	cancelCommand(): void;
	snapshot(): {state: RunState; decision?: Decision};
};

/** The input and the decision it was typed for; a new decision starts afresh. */
type Owned = {key: string; input: InputState};

const decisionKey = (d: Decision | undefined) =>
	d
		? `${d.kind}:${'step' in d ? d.step : ''}:${'item' in d ? d.item : ''}:${'var' in d ? d.var : ''}:${'role' in d ? d.role : ''}`
		: '';

const inputOf = (owned: Owned, decision: Decision | undefined, state: RunState): InputState =>
	owned.key === decisionKey(decision) ? owned.input : initialInput(decision, state);

/** Whether the keys after this one in the same read are still read ('more') or dropped ('stop'). */
type Next = 'more' | 'stop';

type Reader = {
	session: SessionControl;
	now: number;
	owned: () => Owned;
	setOwned: (owned: Owned) => void;
	commandScroll: () => CommandScroll;
	viewKey?: ViewKey;
};

/** Keys that change what the screen shows, not the session (step selection, the output pager). */
export type ViewKey = (action: KeyAction, stroke: Keystroke) => boolean;

/** How far the command on screen can scroll, and how many rows a page is; from the last frame's layout. */
export type CommandScroll = {maxTop: number; pageRows: number};

export function useOperatorInput(
	session: SessionControl,
	state: RunState,
	decision: Decision | undefined,
	now: number,
	commandScroll: () => CommandScroll = () => ({maxTop: 0, pageRows: 1}),
	view: {viewKey?: ViewKey; takesKey?: (chars: string, key: Key) => boolean} = {},
): InputState {
	const {isRawModeSupported} = useStdin();
	const [owned, setOwned] = useState<Owned>({key: '', input: idleInput});
	// Written as each key is read, so the next key (in the same read or not) sees it before any render.
	const ref = useRef({owned, now});
	ref.current.now = now;
	useInput(
		(chars, key) => {
			// While the pager is open its keys are its own.
			if (view.takesKey?.(chars, key)) return;
			const reader: Reader = {
				session,
				now: ref.current.now,
				owned: () => ref.current.owned,
				commandScroll,
				...(view.viewKey ? {viewKey: view.viewKey} : {}),
				setOwned: (next) => {
					ref.current.owned = next;
					setOwned(next);
				},
			};
			for (const stroke of keystrokesOf(chars, key)) if (readKey(reader, stroke) === 'stop') break;
		},
		{isActive: isRawModeSupported === true},
	);
	return inputOf(owned, decision, state);
}

/** One key, read against the session as it is now. */
function readKey(reader: Reader, stroke: Keystroke): Next {
	const {state, decision} = reader.session.snapshot();
	const current = inputOf(reader.owned(), decision, state);
	const update = (input: InputState) => reader.setOwned({key: decisionKey(decision), input});
	if (current.mode === 'text' || current.mode === 'reason') return readTextKey(reader, stroke, current, update);
	if (current.mode === 'help') {
		update(idleInput);
		const {input, key} = stroke;
		// Closing the overlay is all these do; any other key also does what it does on the screen below.
		if (key.escape || key.return || input === '?' || input === 'q') return 'stop';
		return readMenuKey(reader, stroke, idleInput, update);
	}
	return readMenuKey(reader, stroke, current, update);
}

function readTextKey(
	reader: Reader,
	stroke: Keystroke,
	current: Extract<InputState, {mode: 'text' | 'reason'}>,
	update: (input: InputState) => void,
): Next {
	const {input, key} = stroke;
	const {state, decision} = reader.session.snapshot();
	if (key.ctrl && input === 'c') {
		if (current.mode === 'text' || current.for !== 'abort') update({mode: 'reason', for: 'abort', text: ''});
		return 'more';
	}
	if (key.escape) {
		// A reason field closes; the decision's own field starts again from its default.
		update(initialInput(decision, state));
		return 'more';
	}
	if (key.return) {
		const problem = reader.session.intend(
			current.mode === 'text' ? textIntent(decision!, current.text) : reasonIntent(current.for, current.text),
		);
		// Refused: the text stays, to be edited. Taken: what comes next starts afresh.
		if (problem) return 'more';
		reader.setOwned({key: '', input: idleInput});
		const after = reader.session.snapshot();
		// Keys typed ahead go on into a field that follows, never to a menu the operator has not seen.
		return isTextDecision(after.decision, after.state) ? 'more' : 'stop';
	}
	if (hasCommandToRead(decision) && actionFor(input, key, ['scroll'])) {
		update(scrolled(reader, stroke, current));
		return 'more';
	}
	const edit = editKeyOf(stroke);
	if (edit) update({...current, ...editField(current, edit)});
	else if (!(key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow))
		update({...current, ...insertText(current, input)});
	return 'more';
}

/** A key at a menu: at most one action per read, but a field it opens takes the rest of the read. */
function readMenuKey(
	reader: Reader,
	stroke: Keystroke,
	current: InputState,
	update: (input: InputState) => void,
): Next {
	const {state, decision} = reader.session.snapshot();
	const model = promptModel(state, decision, current, reader.now);
	const action = actionFor(stroke.input, stroke.key, [...model.actions, ...(model.quietActions ?? [])]);
	const reason = (kind: ReasonFor): Next => {
		update({mode: 'reason', for: kind, text: ''});
		return 'more';
	};
	switch (action) {
		case undefined:
			return 'more';
		case 'confirm':
			reader.session.intend({kind: 'confirm'});
			return 'stop';
		case 'pass':
			reader.session.intend({kind: 'check', isPassed: true});
			return 'stop';
		case 'fail':
		case 'retry':
		case 'skip':
		case 'mark-done':
		case 'rollback':
		case 'abort':
		case 'end-wait':
		case 'override':
		case 'note':
			return reason(action);
		case 'cancel':
			if (!state.running) return reason('abort');
			update({mode: 'confirm-cancel'});
			return 'stop';
		case 'yes':
			reader.session.cancelCommand();
			update(idleInput);
			return 'stop';
		case 'help':
			update({mode: 'help'});
			return 'stop';
		case 'scroll':
			update(scrolled(reader, stroke, current));
			return 'more';
		case 'select-step':
		case 'open-output':
			update(idleInput);
			reader.viewKey?.(action, stroke);
			return 'stop';
		default:
			update(idleInput);
			return 'stop';
	}
}

/** The input with the command moved a row (↑↓) or a page (PgUp PgDn), within what there is to see. */
function scrolled(reader: Reader, {key}: Keystroke, current: InputState): InputState {
	const {maxTop, pageRows} = reader.commandScroll();
	const by = key.upArrow ? -1 : key.downArrow ? 1 : key.pageUp ? -pageRows : pageRows;
	return {...current, commandTop: Math.min(maxTop, Math.max(0, (current.commandTop ?? 0) + by))};
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
