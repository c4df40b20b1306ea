// The forecast of a day from the same weekday in past weeks: profile, trend, AHT, time zones.
import { describe, expect, it } from 'vitest';
import { forecastDay, historyRange, type IntervalHistoryRow } from './forecast.ts';
import { dayIntervals, isTimeZone } from './local-day.ts';

const shanghai = 'Asia/Shanghai';

/** A day of history at a Shanghai site: `calls` per local hour (hour → offered), 15-minute rows. */
function day(date: string, calls: Record<number, number>, ahtSeconds = 200): IntervalHistoryRow[] {
  return dayIntervals(date, shanghai, 15).flatMap((i) => {
    const perHour = calls[Math.floor(i.minuteOfDay / 60)];
    return perHour === undefined ? [] : [{ intervalStart: i.start, offered: perHour / 4, ahtSeconds }];
  });
}

const at = (f: { intervals: readonly { local: string; offered: number; ahtSeconds: number }[] }, local: string) => f.intervals.find((i) => i.local === local)!;

describe('forecast from the same weekday in past weeks', () => {
  it('averages the same local hour of the last weeks when the days are flat', () => {
    // Tuesday 2026-11-24; the three Tuesdays before it.
    const history = [...day('2026-11-17', { 9: 100, 10: 60 }), ...day('2026-11-10', { 9: 80, 10: 60 }), ...day('2026-11-03', { 9: 120, 10: 60 })];
    const f = forecastDay(history, { date: '2026-11-24', timeZone: shanghai, intervalMinutes: 60, weeks: 3 });
    expect(f.intervals).toHaveLength(24);
    // Day totals 160, 140, 180 one, two, three weeks ago: least squares gives −10 calls a week.
    expect(f.basis.map((b) => b.date)).toEqual(['2026-11-17', '2026-11-10', '2026-11-03']);
    expect(f.trendPerWeek).toBeCloseTo(-10, 10);
    // Level 160 at x̄ = −2; at x = 0 the line gives 160 − 10·2 = 140: the profile is scaled by 140/160.
    expect(at(f, '09:00').offered).toBeCloseTo(100 * (140 / 160), 10);
    expect(at(f, '10:00').offered).toBeCloseTo(60 * (140 / 160), 10);
    expect(at(f, '03:00').offered).toBe(0);
    expect(f.offered).toBeCloseTo(140, 10);
    // 09:00 Shanghai is 01:00 UTC.
    expect(at(f, '09:00')).toMatchObject({ start: new Date('2026-11-24T01:00:00Z') });
  });

  it('carries a growing volume forward with its trend', () => {
    const history = [...day('2026-11-17', { 9: 300 }), ...day('2026-11-10', { 9: 200 }), ...day('2026-11-03', { 9: 100 })];
    const f = forecastDay(history, { date: '2026-11-24', timeZone: shanghai, intervalMinutes: 30, weeks: 3 });
    expect(f.trendPerWeek).toBeCloseTo(100, 10);
    expect(at(f, '09:00').offered).toBeCloseTo(200, 10);
    expect(at(f, '09:30').offered).toBeCloseTo(200, 10);
    expect(f.offered).toBeCloseTo(400, 10);
  });

  it('never forecasts a negative volume from a falling trend', () => {
    const history = [...day('2026-11-17', { 9: 10 }), ...day('2026-11-10', { 9: 200 }), ...day('2026-11-03', { 9: 400 })];
    const f = forecastDay(history, { date: '2026-11-24', timeZone: shanghai, intervalMinutes: 60, weeks: 3 });
    expect(f.intervals.every((i) => i.offered >= 0)).toBe(true);
    expect(f.offered).toBe(0);
  });

  it('leaves out a week with no history instead of counting it as a day without calls', () => {
    const history = [...day('2026-11-17', { 9: 100 }), ...day('2026-11-03', { 9: 100 })];
    const f = forecastDay(history, { date: '2026-11-24', timeZone: shanghai, intervalMinutes: 60, weeks: 4 });
    expect(f.basis.map((b) => b.date)).toEqual(['2026-11-17', '2026-11-03']);
    expect(at(f, '09:00').offered).toBeCloseTo(100, 10);
  });

  it('ignores other weekdays and weighs AHT by calls, falling back to the day’s AHT where an hour had none', () => {
    const history = [
      ...day('2026-11-17', { 9: 100 }, 300),
      ...day('2026-11-10', { 9: 300, 11: 0 }, 100),
      ...day('2026-11-18', { 9: 5000 }, 999), // a Wednesday
    ];
    const f = forecastDay(history, { date: '2026-11-24', timeZone: shanghai, intervalMinutes: 60, weeks: 2 });
    expect(at(f, '09:00').ahtSeconds).toBeCloseTo((100 * 300 + 300 * 100) / 400, 10);
    expect(at(f, '11:00').ahtSeconds).toBeCloseTo(150, 10);
    expect(f.basis.map((b) => b.offered)).toEqual([100, 300]);
  });

  it('reads the right range of history and forecasts nothing from nothing', () => {
    expect(historyRange({ date: '2026-11-24', timeZone: shanghai, intervalMinutes: 15, weeks: 2 })).toEqual({
      from: new Date('2026-11-09T16:00:00Z'),
      to: new Date('2026-11-17T16:00:00Z'),
    });
    const f = forecastDay([], { date: '2026-11-24', timeZone: shanghai, intervalMinutes: 15, weeks: 4 });
    expect(f.basis).toEqual([]);
    expect(f.offered).toBe(0);
  });
});

describe('local days', () => {
  it('gives a DST change day in New York 23 hours, and matches 09:00 to 09:00 across it', () => {
    const ny = 'America/New_York';
    expect(dayIntervals('2026-03-08', ny, 60)).toHaveLength(23);
    expect(dayIntervals('2026-11-01', ny, 60)).toHaveLength(25);
    // The Sunday before the change is in EST (UTC−5), the target in EDT (UTC−4).
    const before = dayIntervals('2026-03-01', ny, 60).filter((i) => i.local === '09:00').map((i) => ({ intervalStart: i.start, offered: 50, ahtSeconds: 200 }));
    const f = forecastDay(before, { date: '2026-03-08', timeZone: ny, intervalMinutes: 60, weeks: 1 });
    expect(at(f, '09:00')).toMatchObject({ offered: 50, start: new Date('2026-03-08T13:00:00Z') });
  });

  it('knows real time zones from made-up ones', () => {
    expect(isTimeZone('Asia/Urumqi')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
