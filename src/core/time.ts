// Time as the operator reads it. Pure.

/** µs -> `04:07`, or `1:02:03` past an hour. */
export function clock(us: number): string {
	const total = Math.max(0, Math.floor(us / 1_000_000));
	const h = Math.floor(total / 3600);
	const mm = pad(Math.floor((total % 3600) / 60));
	const ss = pad(total % 60);
	return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Above this much time left, a countdown shows whole minutes. */
export const countdownMinutesAboveUs = 60_000_000;

/**
 * µs left -> `7m` (whole minutes, rounded up, `1h05m` past an hour) while more than a minute is
 * left, then `00:59`: a screen showing it redraws once a minute until the last one, so a long
 * wait costs the runner next to no CPU.
 */
export function countdown(us: number): string {
	if (us <= countdownMinutesAboveUs) return clock(us);
	const minutes = Math.ceil(us / 60_000_000);
	return minutes < 60 ? `${minutes}m` : `${Math.floor(minutes / 60)}h${pad(minutes % 60)}m`;
}

/**
 * ms -> `40ms`, `0.4s`, `1.5s`, `5s`, `12s`, `3m`, `3m05s`, `1h`, `1h05m`: the one way a length of time
 * is written, configured (a timeout) or measured (a command's run, a lag). Below 0.1 s tenths would
 * all read 0.0, so those are in milliseconds.
 */
export function duration(ms: number): string {
	if (ms < 100) return `${Math.round(ms)}ms`;
	if (ms < 10_000 && ms % 1000 !== 0) return `${(ms / 1000).toFixed(1)}s`;
	const totalSeconds = Math.round(ms / 1000);
	if (totalSeconds < 60) return `${totalSeconds}s`;
	const totalMinutes = Math.floor(totalSeconds / 60);
	const seconds = totalSeconds % 60;
	if (totalMinutes < 60) return seconds === 0 ? `${totalMinutes}m` : `${totalMinutes}m${pad(seconds)}s`;
	const minutes = totalMinutes % 60;
	return `${Math.floor(totalMinutes / 60)}h${minutes === 0 ? '' : `${pad(minutes)}m`}`;
}

const pad = (count: number) => String(count).padStart(2, '0');
