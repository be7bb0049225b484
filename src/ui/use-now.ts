// The screen's clock: re-read at `nextChangeUs` (the next second boundary of the clock on screen)
// and never while no clock on screen moves, so an idle runner stays idle.
import {useEffect} from 'react';

/** Calls `onTick(readNow())` once the session clock reaches `nextChangeUs`; nothing when it is undefined. */
export function useNow(nextChangeUs: number | undefined, readNow: () => number, onTick: (now: number) => void): void {
	useEffect(() => {
		if (nextChangeUs === undefined) return;
		// Just past the boundary, so the clock read then shows the new second.
		const delayMs = Math.max(1, Math.ceil((nextChangeUs - readNow()) / 1000) + 1);
		const timer = setTimeout(() => onTick(readNow()), delayMs);
		return () => clearTimeout(timer);
		// `readNow` and `onTick` are the session's and the screen's for its whole life.
	}, [nextChangeUs]);
}
