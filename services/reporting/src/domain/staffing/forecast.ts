// The volume and handle time of each interval of a coming day, from the same weekday's intervals in past weeks.
import { addDays, dayIntervals, type DayInterval } from './local-day.ts';

/** One queue's (or site's) figures for one interval of the past, as reporting reads them. */
export interface IntervalHistoryRow {
  /** UTC start of the interval (reporting's 15-minute buckets, or coarser). */
  readonly intervalStart: Date;
  /** Calls offered to the queue in the interval (counted by the interval they were queued in). */
  readonly offered: number;
  /** AHT of the calls queued in the interval and handled; 0 when none was handled. */
  readonly ahtSeconds: number;
}

export interface HistoryRange {
  /** Inclusive. */
  readonly from: Date;
  /** Exclusive. */
  readonly to: Date;
}

export interface HistoryFilter {
  readonly siteId: string;
  /** Absent: every queue of the site together. */
  readonly queueId?: string | undefined;
}

/** Reads a site's (or queue's) interval history; reporting's ClickHouse adapter implements it. */
export type ReadIntervalHistory = (range: HistoryRange, filter: HistoryFilter) => Promise<IntervalHistoryRow[]>;

export interface ForecastRequest {
  /** The local day to forecast, 'YYYY-MM-DD'. */
  readonly date: string;
  /** The site's IANA time zone: days and intervals are local. */
  readonly timeZone: string;
  readonly intervalMinutes: number;
  /** How many past weeks of the same weekday to use. */
  readonly weeks: number;
}

export interface ForecastInterval {
  readonly start: Date;
  /** Local wall-clock start, 'HH:MM'. */
  readonly local: string;
  /** Expected calls offered (a mean, so not a whole number). */
  readonly offered: number;
  /** Expected AHT; the day's AHT where the interval had no handled call in the weeks used. */
  readonly ahtSeconds: number;
}

export interface Forecast {
  readonly date: string;
  readonly timeZone: string;
  readonly intervalMinutes: number;
  /** The past days used, newest first, with their calls offered; weeks with no history at all are left out. */
  readonly basis: readonly { readonly date: string; readonly offered: number }[];
  /** Slope of the day's total across the weeks used, calls per week (0 with fewer than two weeks). */
  readonly trendPerWeek: number;
  readonly offered: number;
  readonly intervals: readonly ForecastInterval[];
}

/** The range of history a forecast of `request` reads: the K same weekdays before the date. */
export function historyRange(request: ForecastRequest): HistoryRange {
  const first = dayIntervals(addDays(request.date, -7 * request.weeks), request.timeZone, request.intervalMinutes);
  const last = dayIntervals(addDays(request.date, -7), request.timeZone, request.intervalMinutes);
  return { from: first[0]!.start, to: new Date(last[last.length - 1]!.start.getTime() + request.intervalMinutes * 60_000) };
}

/**
 * Forecast of each interval of the day:
 * 1. the profile: each interval's mean offered over the K same weekdays before the date that have any
 *    history (a day with none is missing, not zero; an interval with no row on a day that has some is 0);
 * 2. the trend: a least-squares line through those days' totals, read at the target week, scales the
 *    profile (never below 0); one day of history gives no trend;
 * 3. AHT: per interval, the offered-weighted mean over the same days, else the whole days' AHT.
 * Intervals match by local wall-clock time, so 09:00 is 09:00 across a DST change.
 */
export function forecastDay(history: readonly IntervalHistoryRow[], request: ForecastRequest): Forecast {
  const target = dayIntervals(request.date, request.timeZone, request.intervalMinutes);
  const targetKeys = keys(target);
  const weeks: { date: string; weeksAgo: number; offered: Map<string, number>; handle: Map<string, { seconds: number; calls: number }> }[] = [];
  for (let k = 1; k <= request.weeks; k++) {
    const date = addDays(request.date, -7 * k);
    const intervals = dayIntervals(date, request.timeZone, request.intervalMinutes);
    const dayKeys = keys(intervals);
    const from = intervals[0]!.start.getTime();
    const step = request.intervalMinutes * 60_000;
    const offered = new Map<string, number>();
    const handle = new Map<string, { seconds: number; calls: number }>();
    let rows = 0;
    for (const row of history) {
      const index = Math.floor((row.intervalStart.getTime() - from) / step);
      if (index < 0 || index >= intervals.length) continue;
      rows++;
      const key = dayKeys[index]!;
      offered.set(key, (offered.get(key) ?? 0) + row.offered);
      if (row.ahtSeconds > 0 && row.offered > 0) {
        const h = handle.get(key) ?? { seconds: 0, calls: 0 };
        handle.set(key, { seconds: h.seconds + row.ahtSeconds * row.offered, calls: h.calls + row.offered });
      }
    }
    if (rows > 0) weeks.push({ date, weeksAgo: k, offered, handle });
  }

  const totals = weeks.map((w) => sum(w.offered.values()));
  const { level, predicted, slope } = trend(weeks.map((w) => -w.weeksAgo), totals);
  const scale = level > 0 ? Math.max(0, predicted) / level : 0;
  let daySeconds = 0;
  let dayCalls = 0;
  for (const w of weeks) for (const h of w.handle.values()) (daySeconds += h.seconds), (dayCalls += h.calls);
  const dayAht = dayCalls > 0 ? daySeconds / dayCalls : 0;

  const intervals = target.map((interval, i): ForecastInterval => {
    const key = targetKeys[i]!;
    const mean = weeks.length > 0 ? sum(weeks.map((w) => w.offered.get(key) ?? 0)) / weeks.length : 0;
    let seconds = 0;
    let calls = 0;
    for (const w of weeks) {
      const h = w.handle.get(key);
      if (h) (seconds += h.seconds), (calls += h.calls);
    }
    return { start: interval.start, local: interval.local, offered: mean * scale, ahtSeconds: calls > 0 ? seconds / calls : dayAht };
  });
  return {
    date: request.date,
    timeZone: request.timeZone,
    intervalMinutes: request.intervalMinutes,
    basis: weeks.map((w, i) => ({ date: w.date, offered: totals[i]! })),
    trendPerWeek: slope,
    offered: sum(intervals.map((i) => i.offered)),
    intervals,
  };
}

/** Local 'HH:MM' plus its occurrence that day, so the repeated hour of a DST change keeps both. */
function keys(intervals: readonly DayInterval[]): string[] {
  const seen = new Map<string, number>();
  return intervals.map((i) => {
    const n = seen.get(i.local) ?? 0;
    seen.set(i.local, n + 1);
    return `${i.local}#${n}`;
  });
}

/** Least-squares line through (x, y), read at x = 0 (the target week). */
function trend(xs: readonly number[], ys: readonly number[]): { level: number; predicted: number; slope: number } {
  const n = xs.length;
  if (n === 0) return { level: 0, predicted: 0, slope: 0 };
  const mx = sum(xs) / n;
  const my = sum(ys) / n;
  if (n === 1) return { level: my, predicted: my, slope: 0 };
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) (sxy += (xs[i]! - mx) * (ys[i]! - my)), (sxx += (xs[i]! - mx) ** 2);
  const slope = sxy / sxx;
  return { level: my, predicted: my - slope * mx, slope };
}

function sum(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
