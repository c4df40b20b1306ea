// What makes a site's configuration valid: a known time zone, real dates, and hours that never overlap.
import { isCalendarDate, isKnownTimezone, minuteOf } from '@switchboard/calendar';
import { weekdays, type Refusal, type Site, type TimeRange } from './types.ts';

export const SITE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

const show = (r: TimeRange) => `${r.opens}–${r.closes}`;

/** Problems of one day's ranges: a time that is not HH:MM, a range that ends before it starts, two that overlap. */
export function rangeRefusals(ranges: readonly TimeRange[], field: string): Refusal[] {
  const refusals: Refusal[] = [];
  const parsed: { range: TimeRange; opens: number; closes: number }[] = [];
  ranges.forEach((range, i) => {
    const opens = minuteOf(range.opens);
    const closes = minuteOf(range.closes, true);
    if (opens === undefined) refusals.push({ field: `${field}/${i}/opens`, message: `"${range.opens}" is not a time of day (HH:MM, 00:00 to 23:59)` });
    if (closes === undefined) refusals.push({ field: `${field}/${i}/closes`, message: `"${range.closes}" is not a time of day (HH:MM, 00:01 to 24:00)` });
    if (opens === undefined || closes === undefined) return;
    if (closes <= opens) {
      // A night shift is two ranges: 22:00–24:00 today and 00:00–06:00 on the next day.
      refusals.push({ field: `${field}/${i}`, message: `${show(range)} closes before it opens; split a range across midnight into two days` });
      return;
    }
    parsed.push({ range, opens, closes });
  });
  parsed.sort((a, b) => a.opens - b.opens);
  for (let i = 1; i < parsed.length; i++) {
    const before = parsed[i - 1];
    const after = parsed[i];
    if (before && after && after.opens < before.closes) {
      refusals.push({ field, message: `${show(before.range)} overlaps ${show(after.range)}` });
    }
  }
  return refusals;
}

export function validateSite(site: Site): Refusal[] {
  const refusals: Refusal[] = [];
  if (!SITE_ID.test(site.siteId)) refusals.push({ field: 'siteId', message: `"${site.siteId}" is not a site id (lowercase letters, digits and dashes)` });
  if (site.name.trim() === '') refusals.push({ field: 'name', message: 'a site needs a name' });
  if (!isKnownTimezone(site.timezone)) {
    refusals.push({ field: 'timezone', message: `unknown time zone "${site.timezone}"; use an IANA name like "Asia/Shanghai"` });
  }
  if (!Number.isInteger(site.capacity) || site.capacity < 1) {
    refusals.push({ field: 'capacity', message: `capacity ${site.capacity} is not a whole number of calls of at least 1` });
  }
  for (const day of weekdays) refusals.push(...rangeRefusals(site.openingHours[day], `openingHours/${day}`));
  const seen = new Set<string>();
  site.holidays.forEach((holiday, i) => {
    if (!isCalendarDate(holiday.date)) {
      refusals.push({ field: `holidays/${i}/date`, message: `"${holiday.date}" is not a calendar date (YYYY-MM-DD)` });
    } else if (seen.has(holiday.date)) {
      refusals.push({ field: `holidays/${i}/date`, message: `${holiday.date} is listed twice; give one holiday per date` });
    }
    seen.add(holiday.date);
    refusals.push(...rangeRefusals(holiday.specialHours, `holidays/${i}/specialHours`));
  });
  return refusals;
}
