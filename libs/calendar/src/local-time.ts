// A site's local clock: wall-clock times, calendar dates and weekdays in an IANA time zone, with no clock of its own.
// Shared by every schedule (a site's opening hours in routing, an IVR number's in telephony).

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

export interface LocalClock {
  /** "2025-01-29" */
  readonly date: string;
  readonly weekday: Weekday;
  /** Minutes since local midnight. */
  readonly minute: number;
  /** "20:15" */
  readonly time: string;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes since midnight of "HH:MM"; "24:00" only when `endOfDay` (a range's end); undefined when not a time. */
export function minuteOf(time: string, endOfDay = false): number | undefined {
  if (endOfDay && time === '24:00') return 24 * 60;
  const m = TIME.exec(time);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

export function isCalendarDate(date: string): boolean {
  const m = DATE.exec(date);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}

/** An IANA zone name ("Asia/Shanghai", "UTC"); fixed offsets like "+08:00" are refused: they ignore daylight saving. */
export function isKnownTimezone(timezone: string): boolean {
  if (!/^[A-Za-z]/.test(timezone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formatters.set(timezone, f);
  }
  return f;
}

export function localClock(at: Date, timezone: string): LocalClock {
  const parts = Object.fromEntries(formatterFor(timezone).formatToParts(at).map((p) => [p.type, p.value]));
  const time = `${parts['hour']}:${parts['minute']}`;
  return {
    date: `${parts['year']}-${parts['month']}-${parts['day']}`,
    weekday: (parts['weekday'] ?? 'Mon').toLowerCase() as Weekday,
    minute: minuteOf(time) ?? 0,
    time,
  };
}

/** The calendar date `days` after `date` (dates, not instants: no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days)).toISOString().slice(0, 10);
}

export function weekdayOf(date: string): Weekday {
  const [y, m, d] = date.split('-').map(Number);
  // getUTCDay counts from Sunday; our week starts on Monday.
  return weekdays[(new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).getUTCDay() + 6) % 7] ?? 'mon';
}

/**
 * The UTC instant of 00:00 local on `date`: the first instant of that local day (a site's "today" starts here).
 * Where midnight itself is skipped (DST at 00:00), the day starts at the first local instant on `date`.
 */
export function localMidnight(date: string, timezone: string): Date {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  // Two corrections settle the offset, also when the guess falls on the other side of a DST change.
  let guess = utcMidnight;
  for (let i = 0; i < 2; i++) guess = utcMidnight - offsetMinutes(new Date(guess), timezone) * 60_000;
  while (localClock(new Date(guess), timezone).date < date) guess += 15 * 60_000;
  return new Date(guess);
}

/** How far local wall-clock time in `timezone` is ahead of UTC at `instant`, in minutes. */
function offsetMinutes(instant: Date, timezone: string): number {
  const local = localClock(instant, timezone);
  const asUtc = Date.parse(`${local.date}T00:00:00Z`) + local.minute * 60_000;
  return Math.round((asUtc - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}
