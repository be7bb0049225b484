// The replay player's keys: seek in session time, Home/End, a tenth of the session, the list of
// phases and steps to jump to, and a search of all output. Screen-only state (the list's choice,
// the query being typed); where the cursor is belongs to the replay session.
import type {Key} from 'ink';
import {useRef, useState} from 'react';
import type {JumpTarget} from '../core/replay/player.js';
import {clock} from '../core/time.js';
import {actionFor, fittedHints, type KeyAction} from './keys.js';
import {keystrokesOf, editKeyOf} from './keystrokes.js';
import {editField, insertText, type LineField} from './line-editor.js';

/** What the player needs of a replay: the cursor's moves and what it can jump to. */
export type ReplayCursor = {
	readonly targets: JumpTarget[];
	snapshot(): {shown: number};
	seekBy(direction: 1 | -1): void;
	seekTenth(tenth: number): void;
	seekEdge(edge: 'start' | 'end'): void;
	showThrough(index: number): void;
	search(query: string): {step: string; t: number; ordinal: number; count: number} | undefined;
};

export type PlayerMode = {kind: 'play'} | {kind: 'list'; selected: number} | ({kind: 'search'} & LineField);

/** The player's keys while playing, in the order the hint line keeps them when it must drop some. */
export const playerKeys: KeyAction[] = [
	'search',
	'search-next',
	'seek-back',
	'seek-forward',
	'seek-start',
	'seek-end',
	'seek-tenth',
	'jump-list',
];

/** The keys of the open list. */
export const listKeys: KeyAction[] = ['list-move', 'list-start', 'list-end', 'back'];

/** The replay's hint line: its status (or what a search found) and the keys that fit `cols`, `q quit` always. */
export function playerFooter(mode: PlayerMode, status: string, cols: number): string {
	if (mode.kind === 'search') return fittedHints('Enter find · Esc back', ['quit'], cols);
	if (mode.kind === 'list') return fittedHints(status, ['quit'], cols);
	return fittedHints(status, ['search', 'jump-list', 'seek-back', 'seek-forward', 'pause', 'help', 'quit'], cols);
}

export type ReplayPlayer = {
	mode: PlayerMode;
	/** What the last search found (or did not), until the next key. */
	message?: string;
	/** Takes a key the player uses; false leaves it to the screen (pause, speed, `?`, `q`). */
	handle(input: string, key: Key): boolean;
};

export function useReplayPlayer(replay: ReplayCursor): ReplayPlayer {
	const [mode, setMode] = useState<PlayerMode>({kind: 'play'});
	const [message, setMessage] = useState<string | undefined>();
	// Several keys can arrive in one read: each sees what the one before it did.
	const current = useRef<PlayerMode>(mode);
	const lastQuery = useRef('');
	const update = (next: PlayerMode) => {
		current.current = next;
		setMode(next);
	};
	const find = (query: string) => {
		lastQuery.current = query;
		const match = replay.search(query);
		setMessage(
			match
				? `match ${match.ordinal}/${match.count}: \`${match.step}\` at ${clock(match.t)}`
				: `no output holds "${query}"`,
		);
	};
	const handleOne = (input: string, key: Key): boolean => {
		const now = current.current;
		if (now.kind === 'search') {
			if (actionFor(input, key, ['quit']) && key.ctrl) return false;
			if (key.return) {
				update({kind: 'play'});
				if (now.text !== '') find(now.text);
			} else if (key.escape) update({kind: 'play'});
			else {
				const edit = editKeyOf({input, key});
				update({kind: 'search', ...(edit ? editField(now, edit) : insertText(now, input))});
			}
			return true;
		}
		if (now.kind === 'list') return listKey(replay, now, input, key, update);
		return playKey(replay, input, key, {update, find, lastQuery: lastQuery.current});
	};
	return {
		mode,
		...(message ? {message} : {}),
		handle(input, key) {
			setMessage(undefined);
			let isTaken = false;
			for (const stroke of keystrokesOf(input, key)) isTaken = handleOne(stroke.input, stroke.key) || isTaken;
			return isTaken;
		},
	};
}

function playKey(
	replay: ReplayCursor,
	input: string,
	key: Key,
	player: {update: (mode: PlayerMode) => void; find: (query: string) => void; lastQuery: string},
): boolean {
	switch (actionFor(input, key, playerKeys)) {
		case 'seek-back':
			replay.seekBy(-1);
			return true;
		case 'seek-forward':
			replay.seekBy(1);
			return true;
		case 'seek-start':
			replay.seekEdge('start');
			return true;
		case 'seek-end':
			replay.seekEdge('end');
			return true;
		case 'seek-tenth':
			replay.seekTenth(Number(input));
			return true;
		case 'jump-list': {
			// The list opens on the phase or step the cursor is in.
			const shown = replay.snapshot().shown;
			const before = replay.targets.filter((target) => target.startIndex < shown).length;
			player.update({kind: 'list', selected: Math.max(0, before - 1)});
			return true;
		}
		case 'search':
			player.update({kind: 'search', text: ''});
			return true;
		case 'search-next':
			if (player.lastQuery !== '') player.find(player.lastQuery);
			return true;
		default:
			return false;
	}
}

function listKey(
	replay: ReplayCursor,
	list: {selected: number},
	input: string,
	key: Key,
	update: (mode: PlayerMode) => void,
): boolean {
	const target = replay.targets[list.selected];
	switch (actionFor(input, key, [...listKeys, 'jump-list', 'quit'])) {
		case 'list-move': {
			const by = key.upArrow ? -1 : key.downArrow ? 1 : key.pageUp ? -10 : 10;
			const last = replay.targets.length - 1;
			update({kind: 'list', selected: Math.max(0, Math.min(last, list.selected + by))});
			return true;
		}
		case 'list-start':
			if (target) replay.showThrough(target.startIndex);
			update({kind: 'play'});
			return true;
		case 'list-end':
			if (target) replay.showThrough(target.endIndex);
			update({kind: 'play'});
			return true;
		case 'back':
		case 'jump-list':
			update({kind: 'play'});
			return true;
		case 'quit':
			return false;
		default:
			return true;
	}
}
