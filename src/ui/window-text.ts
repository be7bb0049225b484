// The deploy window in words: `mon-fri 09:00-17:00 Europe/London`, and a wall time in its zone.
import {formatClockTime, localTime, weekdays, type DeployWindow, type Weekday} from '../core/runbook/window.js';

export function describeWindow(window: DeployWindow): string {
	return `window ${compactDays(window.days)} ${formatClockTime(window.start)}-${formatClockTime(window.end)} ${window.timezone}`;
}

/** `mon-fri`, `mon,wed`, `every day`: runs of days in week order. */
export function compactDays(days: Weekday[]): string {
	const sorted = weekdays.filter((d) => days.includes(d));
	if (sorted.length === 7) return 'every day';
	const runs: string[] = [];
	for (let i = 0; i < sorted.length;) {
		let j = i;
		while (j + 1 < sorted.length && weekdays.indexOf(sorted[j + 1]!) === weekdays.indexOf(sorted[j]!) + 1) j++;
		runs.push(j - i >= 2 ? `${sorted[i]}-${sorted[j]}` : sorted.slice(i, j + 1).join(','));
		i = j + 1;
	}
	return runs.join(',');
}

/** `mon 09:00` in the zone, for a wall time in ms. */
export function describeWall(timezone: string, ms: number): string {
	const local = localTime(timezone, ms);
	return `${local.weekday} ${local.date.slice(5)} ${formatClockTime(local.minutes)}`;
}
