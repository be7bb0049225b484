// Time as the operator reads it. Pure.

/** µs -> `04:07`, or `1:02:03` past an hour. */
export function clock(us: number): string {
	const total = Math.max(0, Math.floor(us / 1_000_000));
	const h = Math.floor(total / 3600);
	const mm = String(Math.floor((total % 3600) / 60)).padStart(2, '0');
	const ss = String(total % 60).padStart(2, '0');
	return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
