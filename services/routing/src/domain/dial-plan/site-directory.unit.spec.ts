// Configuring sites: valid hours and holidays, one headquarters, no event for no change.
import { describe, expect, it } from 'vitest';
import { asDecodedEvent, type EventMessage } from '@switchboard/contracts';
import { beijingHq, shenzhen } from './sample-network.ts';
import { siteDirectoryDecider, sitesOf, type SiteDirectoryCommand } from './site-directory.ts';
import type { Site } from './types.ts';

/** given these events, when this command: the events decided, or the rejection. */
const given = (events: readonly EventMessage[], command: SiteDirectoryCommand) =>
  siteDirectoryDecider.decide(command, events.map(asDecodedEvent).reduce(siteDirectoryDecider.evolve, siteDirectoryDecider.initialState));
const configure = (site: Site, expectedVersion?: number): SiteDirectoryCommand => ({ type: 'ConfigureSite', site, expectedVersion });

describe('the site directory', () => {
  it('configures a site, and configuring it the same again is no event', () => {
    const decided = given([], configure(shenzhen)) as EventMessage[];
    expect(decided).toMatchObject([{ $typeName: 'switchboard.routing.v1.SiteConfigured', site: { siteId: 'shenzhen', capacity: 20 } }]);
    const state = decided.map(asDecodedEvent).reduce(siteDirectoryDecider.evolve, siteDirectoryDecider.initialState);
    expect(sitesOf(state).get('shenzhen')).toEqual(shenzhen);
    expect(given(decided, configure(shenzhen))).toEqual([]);
  });

  it('refuses overlapping opening hours, naming the day and both ranges', () => {
    const overlapping = { ...shenzhen, openingHours: { ...shenzhen.openingHours, mon: [{ opens: '08:00', closes: '12:00' }, { opens: '11:00', closes: '18:00' }] } };
    expect(given([], configure(overlapping))).toMatchObject({
      rejected: { code: 'invalid', refusals: [{ field: 'openingHours/mon', message: '08:00–12:00 overlaps 11:00–18:00' }] },
    });
  });

  it('refuses a range across midnight, asking for two days instead', () => {
    const night = { ...shenzhen, openingHours: { ...shenzhen.openingHours, sun: [{ opens: '22:00', closes: '06:00' }] } };
    expect(given([], configure(night))).toMatchObject({ rejected: { refusals: [{ field: 'openingHours/sun/0', message: expect.stringContaining('split a range across midnight') }] } });
  });

  it('refuses an unknown time zone and a holiday date that is not a date', () => {
    const wrong = { ...shenzhen, timezone: 'Asia/Shenzen', holidays: [{ date: '2025-02-30', name: 'Lantern Festival', specialHours: [] }] };
    expect(given([], configure(wrong))).toEqual({
      rejected: {
        code: 'invalid',
        message: 'timezone: unknown time zone "Asia/Shenzen"; use an IANA name like "Asia/Shanghai"; holidays/0/date: "2025-02-30" is not a calendar date (YYYY-MM-DD)',
        refusals: [
          { field: 'timezone', message: 'unknown time zone "Asia/Shenzen"; use an IANA name like "Asia/Shanghai"' },
          { field: 'holidays/0/date', message: '"2025-02-30" is not a calendar date (YYYY-MM-DD)' },
        ],
      },
    });
  });

  it('keeps one headquarters', () => {
    const history = given([], configure(beijingHq)) as EventMessage[];
    expect(given(history, configure({ ...shenzhen, headquarters: true }))).toMatchObject({
      rejected: { refusals: [{ field: 'headquarters', message: expect.stringContaining('beijing-hq is already headquarters') }] },
    });
  });

  it('refuses a change made from an older version of the site', () => {
    const history = given([], configure(shenzhen)) as EventMessage[];
    expect(given(history, configure({ ...shenzhen, capacity: 30 }, 0))).toEqual({
      rejected: { code: 'version-mismatch', message: 'site shenzhen is at version 1, not 0; reload it and apply the change again' },
    });
    expect(given(history, configure({ ...shenzhen, capacity: 30 }, 1))).toHaveLength(1);
  });
});
