// Opening hours and holidays choose between a number's open and closed flow, in the schedule's own time zone.
import { localClock, minuteOf } from '@switchboard/calendar';
import type { IvrBranchName, IvrFlow, Schedule } from './flow.ts';

/** "08:30" → 510; "24:00" → 1440 (a range's end). Validation has refused anything else before. */
export const minutesOf = (hhmm: string): number => minuteOf(hhmm, true) ?? Number.NaN;

export function isOpen(schedule: Schedule, at: Date): boolean {
  const now = localClock(at, schedule.timeZone);
  if (schedule.holidays.some((h) => h.date === now.date)) return false;
  return schedule.openingHours.some((h) => h.days.includes(now.weekday) && minutesOf(h.opens) <= now.minute && now.minute < minutesOf(h.closes));
}

export function chooseBranch(flow: IvrFlow, at: Date): IvrBranchName {
  if (flow.schedule === undefined || flow.closed === undefined) return 'open';
  return isOpen(flow.schedule, at) ? 'open' : 'closed';
}
