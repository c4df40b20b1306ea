// A site's local calendar day cut into intervals, and where a UTC instant falls in it (IANA zones, DST-aware).

const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when the runtime knows this IANA time zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface LocalTime {
  /** 'YYYY-MM-DD' */
  readonly date: string;
  /** Minutes since local midnight, 0..1439. */
  readonly minuteOfDay: number;
}

export function localTime(instant: Date, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return { date: `${parts['year']}-${parts['month']}-${parts['day']}`, minuteOfDay: Number(parts['hour']) * 60 + Number(parts['minute']) };
}

/** 'HH:MM' for minutes since midnight. */
export const clock = (minuteOfDay: number) => `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;

/** The date `days` calendar days after 'YYYY-MM-DD' (negative: before). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function isDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) && addDays(date, 0) === date;
}

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
  const start = localMidnight(date, timeZone);
  const end = localMidnight(addDays(date, 1), timeZone);
  const intervals: DayInterval[] = [];
  for (let t = start; t < end; t += intervalMinutes * 60_000) {
    const minuteOfDay = localTime(new Date(t), timeZone).minuteOfDay;
    intervals.push({ start: new Date(t), local: clock(minuteOfDay), minuteOfDay });
  }
  return intervals;
}

/** The UTC instant of 00:00 local on `date` (the first instant of that local day). */
function localMidnight(date: string, timeZone: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  // Two corrections settle the offset, also when the guess falls on the other side of a DST change.
  let guess = utcMidnight;
  for (let i = 0; i < 2; i++) guess = utcMidnight - offsetMinutes(new Date(guess), timeZone) * 60_000;
  // Where midnight itself is skipped (DST at 00:00), the day starts at the first local instant on `date`.
  while (localTime(new Date(guess), timeZone).date < date) guess += 15 * 60_000;
  return guess;
}

function offsetMinutes(instant: Date, timeZone: string): number {
  const local = localTime(instant, timeZone);
  const asUtc = Date.parse(`${local.date}T00:00:00Z`) + local.minuteOfDay * 60_000;
  return Math.round((asUtc - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}
