import { describe, expect, it } from 'vitest';
import { clickHouseTime } from './milestones-of-event.ts';

describe('times as ClickHouse reads them', () => {
  it('writes every instant as the ISO time in UTC with a space and milliseconds, within a second and across seconds', () => {
    const start = Date.parse('2026-12-31T23:59:58.990Z');
    for (let ms = start; ms < start + 2_100; ms += 7) {
      expect(clickHouseTime(ms)).toBe(new Date(ms).toISOString().replace('T', ' ').replace('Z', ''));
    }
    expect(clickHouseTime(new Date('2026-11-23T09:00:00.005Z'))).toBe('2026-11-23 09:00:00.005');
    expect(clickHouseTime(Date.parse('2026-11-23T09:00:00.005Z') - 86_400_000)).toBe('2026-11-22 09:00:00.005');
  });

  it('refuses what is not a time', () => {
    expect(() => clickHouseTime(Number.NaN)).toThrow(/not a time/);
  });
});
