// The deploy window in words: `mon-fri 09:00-17:00 Europe/London`, and a wall time in its zone.
import {formatClockTime, localTime, type DeployWindow} from '../core/runbook/window.js';

export function describeWindow(window: DeployWindow): string {
	return `window ${window.days.join(',')} ${formatClockTime(window.start)}-${formatClockTime(window.end)} ${window.timezone}`;
}

/** `mon 09:00` in the zone, for a wall time in ms. */
export function describeWall(timezone: string, ms: number): string {
	const local = localTime(timezone, ms);
	return `${local.weekday} ${local.date.slice(5)} ${formatClockTime(local.minutes)}`;
}
