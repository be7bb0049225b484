// Deploy windows: on which days, between which hours and in which time zone mutating steps may
// start, and when the window closes. Wall-clock milliseconds in, answers out; time zones and
// daylight-saving changes through Intl. Pure: the time always comes in as an argument.

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const weekdays: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export type DeployWindow = {
	timezone: string;
	days: Weekday[];
	/** Minutes after midnight; `end` may be smaller than `start` (a window across midnight). */
	start: number;
	end: number;
	/** Local dates (`2026-12-25`) on which the window stays shut. */
	except: string[];
};

export type WindowNow = {isOpen: true; closesAt: number} | {isOpen: false; opensAt?: number};

type Local = {date: string; weekday: Weekday; minutes: number; seconds: number};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
	let f = formatters.get(timezone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone: timezone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
			weekday: 'short',
			hourCycle: 'h23',
		});
		formatters.set(timezone, f);
	}
	return f;
}

/** Whether Intl knows the zone (`Europe/London`, `UTC`, `America/New_York`). */
export function isKnownTimezone(timezone: string): boolean {
	try {
		formatter(timezone);
		return true;
	} catch {
		return false;
	}
}

/** The wall clock in the window's zone at `ms`. */
export function localTime(timezone: string, ms: number): Local {
	const parts = Object.fromEntries(
		formatter(timezone)
			.formatToParts(new Date(ms))
			.map((p) => [p.type, p.value]),
	);
	return {
		date: `${parts.year}-${parts.month}-${parts.day}`,
		weekday: String(parts.weekday).slice(0, 3).toLowerCase() as Weekday,
		minutes: Number(parts.hour) * 60 + Number(parts.minute),
		seconds: Number(parts.second),
	};
}

/** `09:00` → 540; undefined for anything else. */
export function parseClockTime(text: string): number | undefined {
	const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
	return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

export function formatClockTime(minutes: number): string {
	return `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function isWindowDay(window: DeployWindow, local: Pick<Local, 'date' | 'weekday'>): boolean {
	return window.days.includes(local.weekday) && !window.except.includes(local.date);
}

/** The day before a local date, as its date and weekday. */
function dayBefore(local: Local): Pick<Local, 'date' | 'weekday'> {
	const [y, m, d] = local.date.split('-').map(Number) as [number, number, number];
	const previous = new Date(Date.UTC(y, m - 1, d - 1));
	return {date: previous.toISOString().slice(0, 10), weekday: weekdays[(previous.getUTCDay() + 6) % 7]!};
}

export function isOpenAt(window: DeployWindow, ms: number): boolean {
	const local = localTime(window.timezone, ms);
	if (window.start < window.end)
		return isWindowDay(window, local) && local.minutes >= window.start && local.minutes < window.end;
	// Across midnight: the evening part belongs to today, the early-morning part to yesterday's window.
	if (local.minutes >= window.start) return isWindowDay(window, local);
	return local.minutes < window.end && isWindowDay(window, dayBefore(local));
}

/**
 * Whether the window is open at `ms`, and when it closes or next opens (wall ms). Found by
 * stepping minute boundaries, so a daylight-saving change inside the window is counted as the
 * clock on the wall shows it.
 */
export function windowAt(window: DeployWindow, ms: number): WindowNow {
	const isOpen = isOpenAt(window, ms);
	const edge = nextChange(window, ms, isOpen);
	if (isOpen) return {isOpen: true, closesAt: edge ?? ms};
	return edge === undefined ? {isOpen: false} : {isOpen: false, opensAt: edge};
}

const minute = 60_000;
/** Far enough to find the next opening past a long holiday list. */
const searchLimit = 400 * 24 * 60;

function nextChange(window: DeployWindow, ms: number, isOpen: boolean): number | undefined {
	// From the next whole minute on; windows open and close on minute boundaries.
	let before = Math.floor(ms / minute) * minute;
	let at = before + minute;
	for (let i = 0; i < searchLimit; i++) {
		if (isOpenAt(window, at) !== isOpen) return firstChanged(window, before, at, isOpen);
		before = at;
		at += jumpFrom(window, at);
	}
	return undefined;
}

/** The first minute in (`before`, `after`] at which the window is no longer `isOpen`. */
function firstChanged(window: DeployWindow, before: number, after: number, isOpen: boolean): number {
	while (after - before > minute) {
		const middle = before + Math.floor((after - before) / minute / 2) * minute;
		if (isOpenAt(window, middle) !== isOpen) after = middle;
		else before = middle;
	}
	return after;
}

/** To the next boundary of the local day (start, end or midnight); a daylight-saving change may make it overshoot, which the search then narrows. */
function jumpFrom(window: DeployWindow, at: number): number {
	const local = localTime(window.timezone, at);
	const next = Math.min(...[window.start, window.end, 24 * 60].filter((b) => b > local.minutes));
	return Math.max(minute, (next - local.minutes) * minute - local.seconds * 1000);
}
