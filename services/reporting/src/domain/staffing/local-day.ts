// A site's local calendar day cut into intervals, and where a UTC instant falls in it (IANA zones, DST-aware).

import { addDays, isCalendarDate, localClock, localMidnight } from '@switchboard/calendar';

export { addDays, isCalendarDate as isDate };

/** True when the runtime knows this time zone (an IANA name, or a fixed offset such as +08:00). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export interface LocalTime {
  /** 'YYYY-MM-DD' */
  readonly date: string;
  /** Minutes since local midnight, 0..1439. */
  readonly minuteOfDay: number;
}

export function localTime(instant: Date, timeZone: string): LocalTime {
  const { date, minute } = localClock(instant, timeZone);
  return { date, minuteOfDay: minute };
}

/** 'HH:MM' for minutes since midnight. */
export const clock = (minuteOfDay: number) => `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;

export interface DayInterval {
  /** UTC start. */
  readonly start: Date;
  /** Local wall-clock start, 'HH:MM'; a repeated hour on a DST change day appears twice. */
  readonly local: string;
  readonly minuteOfDay: number;
}

/**
 * The intervals of a local calendar day: from local midnight, every `intervalMinutes` of real time,
 * until the next local midnight. A DST change gives 23 or 25 hours' worth.
 */
export function dayIntervals(date: string, timeZone: string, intervalMinutes: number): DayInterval[] {
  const start = localMidnight(date, timeZone).getTime();
  const end = localMidnight(addDays(date, 1), timeZone).getTime();
  const intervals: DayInterval[] = [];
  for (let t = start; t < end; t += intervalMinutes * 60_000) {
    const minuteOfDay = localTime(new Date(t), timeZone).minuteOfDay;
    intervals.push({ start: new Date(t), local: clock(minuteOfDay), minuteOfDay });
  }
  return intervals;
}
