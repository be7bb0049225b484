// The host's time zone for the session's start record, as Intl names it, without loading ICU's
// date formatting: creating the first Intl.DateTimeFormat costs ~30 ms, most of what `run` did
// between its lock and its first frame.
import {realpathSync} from 'node:fs';

/** The names V8 reports as UTC (it maps ICU's Etc/UTC and Etc/GMT, and their own names, to "UTC"). */
const utcNames = new Set(['Etc/UTC', 'Etc/GMT', 'UTC', 'GMT']);

/**
 * The zone a link to the zoneinfo file `target` names, as Intl would report it: the path after
 * `zoneinfo/` (ICU skips `posix/` and `right/`) when it is one of `canonicalZones`, or UTC;
 * undefined for anything else (an alias, a file elsewhere), which Intl must then resolve.
 */
export function zoneOfLink(target: string, canonicalZones: readonly string[]): string | undefined {
	const name = /\/zoneinfo\/(?:posix\/|right\/)?(.+)$/.exec(target)?.[1];
	if (name === undefined) return undefined;
	if (utcNames.has(name)) return 'UTC';
	return canonicalZones.includes(name) ? name : undefined;
}

/**
 * This host's time zone, equal to `Intl.DateTimeFormat().resolvedOptions().timeZone`. Without TZ,
 * ICU names the zone after the file /etc/localtime resolves to; that name is taken when Intl lists
 * it as canonical (so Intl would report it unchanged). Otherwise (TZ set, an alias, no link) Intl is asked.
 */
export function localTimeZone(env: NodeJS.ProcessEnv = process.env): string {
	if (env.TZ === undefined && (process.platform === 'linux' || process.platform === 'darwin')) {
		try {
			const zone = zoneOfLink(realpathSync('/etc/localtime'), Intl.supportedValuesOf('timeZone'));
			if (zone !== undefined) return zone;
		} catch {
			// No /etc/localtime: ICU falls back to other sources, which Intl knows.
		}
	}
	return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
