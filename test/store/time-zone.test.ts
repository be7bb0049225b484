import {describe, expect, it} from 'vitest';
import {localTimeZone, zoneOfLink} from '../../src/store/time-zone.js';

const canonical = Intl.supportedValuesOf('timeZone');
/** What Intl itself reports for `zone`: the name the session's start record has always carried. */
const intlName = (zone: string) => new Intl.DateTimeFormat('en', {timeZone: zone}).resolvedOptions().timeZone;

describe('the time zone read from the /etc/localtime link', () => {
	it('is the zone Intl reports for the linked file, where it names one Intl lists', () => {
		for (const zone of ['Europe/Paris', 'America/New_York', 'Asia/Calcutta', 'Australia/Lord_Howe']) {
			expect(zoneOfLink(`/usr/share/zoneinfo/${zone}`, canonical)).toBe(intlName(zone));
			expect(zoneOfLink(`/var/db/timezone/zoneinfo/posix/${zone}`, canonical)).toBe(intlName(zone));
		}
	});

	it('is UTC for the files Intl calls UTC', () => {
		for (const zone of ['Etc/UTC', 'Etc/GMT', 'UTC', 'GMT'])
			expect(zoneOfLink(`/usr/share/zoneinfo/${zone}`, canonical)).toBe(intlName(zone));
	});

	it('is left to Intl for an alias (Intl reports another name) or a file outside zoneinfo', () => {
		for (const alias of ['Asia/Kolkata', 'America/Argentina/Buenos_Aires', 'Etc/Universal', 'US/Pacific'])
			expect(zoneOfLink(`/usr/share/zoneinfo/${alias}`, canonical)).toBeUndefined();
		expect(zoneOfLink('/etc/localtime', canonical)).toBeUndefined();
	});

	it("is this host's zone as Intl reports it", () => {
		// Intl answers for this process, whose zone is /etc/localtime's unless TZ is set.
		const env = process.env.TZ === undefined ? {} : {TZ: process.env.TZ};
		expect(localTimeZone(env)).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
	});
});
