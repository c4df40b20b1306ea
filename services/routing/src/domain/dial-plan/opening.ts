// Whether a site is open at a moment of its local time, and if not, why and when it opens again.
import { addDays, minuteOf, weekdayOf, type LocalClock } from '@switchboard/calendar';
import type { Holiday, Site, TimeRange, Weekday } from './types.ts';

/** When a closed site opens next, in its local time. */
export interface Reopening {
  readonly date: string;
  readonly weekday: Weekday;
  readonly time: string;
}

export type Opening =
  | { readonly open: true }
  | { readonly open: false; readonly holiday: Holiday | undefined; readonly reopens: Reopening | undefined };

// Two weeks covers a long holiday (Spring Festival) after a weekend; a site closed longer is simply "closed".
const LOOKAHEAD_DAYS = 14;

function hoursOn(site: Site, date: string, weekday: Weekday): { readonly holiday: Holiday | undefined; readonly ranges: readonly TimeRange[] } {
  const holiday = site.holidays.find((h) => h.date === date);
  return { holiday, ranges: holiday ? holiday.specialHours : site.openingHours[weekday] };
}

const opensOf = (r: TimeRange) => minuteOf(r.opens) ?? 0;
const closesOf = (r: TimeRange) => minuteOf(r.closes, true) ?? 0;

function firstOpening(ranges: readonly TimeRange[], after: number): TimeRange | undefined {
  return [...ranges].filter((r) => opensOf(r) > after).sort((a, b) => opensOf(a) - opensOf(b))[0];
}

export function openingAt(site: Site, now: LocalClock): Opening {
  const today = hoursOn(site, now.date, now.weekday);
  if (today.ranges.some((r) => opensOf(r) <= now.minute && now.minute < closesOf(r))) return { open: true };
  const later = firstOpening(today.ranges, now.minute);
  if (later) return { open: false, holiday: today.holiday, reopens: { date: now.date, weekday: now.weekday, time: later.opens } };
  for (let day = 1; day <= LOOKAHEAD_DAYS; day++) {
    const date = addDays(now.date, day);
    const weekday = weekdayOf(date);
    const next = firstOpening(hoursOn(site, date, weekday).ranges, -1);
    if (next) return { open: false, holiday: today.holiday, reopens: { date, weekday, time: next.opens } };
  }
  return { open: false, holiday: today.holiday, reopens: undefined };
}
