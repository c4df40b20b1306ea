// Opening hours and holidays choose between a number's open and closed flow, in the schedule's own time zone.
import type { IvrBranchName, IvrFlow, Schedule, Weekday } from './flow.ts';

interface LocalTime {
  readonly date: string;
  readonly weekday: Weekday;
  readonly minutes: number;
}

function localTime(timeZone: string, at: Date): LocalTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    date: `${part('year')}-${part('month')}-${part('day')}`,
    weekday: part('weekday').toLowerCase().slice(0, 3) as Weekday,
    minutes: Number(part('hour')) * 60 + Number(part('minute')),
  };
}

/** "08:30" → 510; "24:00" → 1440. */
export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function isOpen(schedule: Schedule, at: Date): boolean {
  const now = localTime(schedule.timeZone, at);
  if (schedule.holidays.some((h) => h.date === now.date)) return false;
  return schedule.openingHours.some((h) => h.days.includes(now.weekday) && minutesOf(h.opens) <= now.minutes && now.minutes < minutesOf(h.closes));
}

export function chooseBranch(flow: IvrFlow, at: Date): IvrBranchName {
  if (flow.schedule === undefined || flow.closed === undefined) return 'open';
  return isOpen(flow.schedule, at) ? 'open' : 'closed';
}

/** True when the runtime knows the zone (Intl throws a RangeError otherwise). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
