// The staffing API through fastify: Erlang per interval, forecast and plan, and the 400s that name the field.
import { parseConfig } from '@switchboard/config';
import { afterAll, describe, expect, it } from 'vitest';
import { baseServiceConfig, createLogger, createService } from '@switchboard/service-kit';
import { staffingRoutes } from '../src/adapters/http/staffing.ts';
import { dayIntervals, type HistoryFilter, type HistoryRange, type IntervalHistoryRow } from '../src/domain/staffing/index.ts';

/** Three past Tuesdays at a Shanghai site: 100 calls per half hour from 09:00 to 17:00, AHT 180 s. */
const history: IntervalHistoryRow[] = ['2026-11-17', '2026-11-10', '2026-11-03'].flatMap((date) =>
  dayIntervals(date, 'Asia/Shanghai', 15)
    .filter((i) => i.minuteOfDay >= 9 * 60 && i.minuteOfDay < 17 * 60)
    .map((i) => ({ intervalStart: i.start, offered: 50, ahtSeconds: 180 })),
);
const reads: { range: HistoryRange; filter: HistoryFilter }[] = [];
const service = createService({
  name: 'staffing-test',
  config: parseConfig(baseServiceConfig(0), {}),
  logger: createLogger({ name: 'staffing-test', level: 'silent' }),
  routes: staffingRoutes({
    readIntervalHistory: async (range, filter) => {
      reads.push({ range, filter });
      return filter.siteId === 'hz' ? history.filter((r) => r.intervalStart >= range.from && r.intervalStart < range.to) : [];
    },
  }),
});
afterAll(() => service.close());

const post = (url: string, payload: object) => service.app.inject({ method: 'POST', url, payload });
const helperExample = { intervalMinutes: 30, ahtSeconds: 180, targetServiceLevel: 0.8, targetSeconds: 20, shrinkage: 0.3, maxOccupancy: 0.85 };

describe('POST /staffing/erlang', () => {
  it('staffs each interval: 100 calls per half hour at 180 s need 14 agents on calls, 20 on the schedule', async () => {
    const response = await post('/staffing/erlang', { ...helperExample, intervals: [{ start: '2026-11-24T01:00:00Z', offered: 100 }, { offered: 0 }, { offered: 200, ahtSeconds: 90 }] });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.model).toBe('erlang-c');
    expect(body.intervals[0]).toMatchObject({ start: '2026-11-24T01:00:00Z', offered: 100, trafficErlangs: 10, agents: 14, agentsToSchedule: 20 });
    expect(body.intervals[0].serviceLevel).toBeCloseTo(0.8884, 4);
    expect(body.intervals[0].asaSeconds).toBeCloseTo(7.84, 2);
    expect(body.intervals[1]).toMatchObject({ agents: 0, agentsToSchedule: 0 });
    // Same traffic (10 Erlangs), shorter calls: a waiting call clears faster, fewer agents reach 80/20.
    expect(body.intervals[2].agents).toBeLessThanOrEqual(14);
    expect(body.peakAgentsToSchedule).toBe(20);
  });

  it('uses Erlang A when a patience is given, and the abandons it expects', async () => {
    const body = (await post('/staffing/erlang', { ...helperExample, patienceSeconds: 120, intervals: [{ offered: 100 }] })).json();
    expect(body.model).toBe('erlang-a');
    expect(body.intervals[0].abandonRate).toBeGreaterThan(0);
    expect(body.intervals[0].serviceLevel).toBeGreaterThanOrEqual(0.8);
  });

  it('answers 400 naming the field for a negative volume, a service level above 1, or an interval with calls and no AHT', async () => {
    const negative = await post('/staffing/erlang', { ...helperExample, intervals: [{ offered: 10 }, { offered: -5 }] });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().errors[0].path).toBe('body/intervals/1/offered');
    const tooHigh = await post('/staffing/erlang', { ...helperExample, targetServiceLevel: 80, intervals: [{ offered: 10 }] });
    expect(tooHigh.statusCode).toBe(400);
    expect(tooHigh.json().errors[0].path).toBe('body/targetServiceLevel');
    const { ahtSeconds: _, ...withoutAht } = helperExample;
    const noAht = await post('/staffing/erlang', { ...withoutAht, intervals: [{ offered: 0 }, { offered: 10 }] });
    expect(noAht.statusCode).toBe(400);
    expect(noAht.json().errors[0].path).toBe('body/intervals/1/ahtSeconds');
  });
});

describe('forecast and plan', () => {
  const day = { date: '2026-11-24', timezone: 'Asia/Shanghai', intervalMinutes: 30, weeks: 3 };

  it('forecasts a Tuesday from the Tuesdays before it', async () => {
    const response = await post('/staffing/forecast', { ...day, history: history.map((r) => ({ ...r, intervalStart: r.intervalStart.toISOString() })) });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.basis.map((b: { date: string }) => b.date)).toEqual(['2026-11-17', '2026-11-10', '2026-11-03']);
    expect(body.intervals.find((i: { local: string }) => i.local === '09:00')).toMatchObject({ start: '2026-11-24T01:00:00.000Z', offered: 100, ahtSeconds: 180 });
    expect(body.offered).toBeCloseTo(1600, 6);
  });

  it('refuses an unknown time zone, naming it', async () => {
    const response = await post('/staffing/forecast', { ...day, timezone: 'Asia/Atlantis', history: [] });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([{ path: 'body/timezone', message: expect.stringContaining("'Asia/Atlantis' is not an IANA time zone") }]);
  });

  it('plans the day from reporting’s history: 20 agents on 8-hour shifts cover 09:00–17:00', async () => {
    const url = '/staffing/plan?siteId=hz&queueId=general&date=2026-11-24&timezone=Asia/Shanghai&targetServiceLevel=0.8&targetSeconds=20&shrinkage=0.3&weeks=3&breakMinutes=0';
    const response = await service.app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(reads.at(-1)).toEqual({
      range: { from: new Date('2026-11-02T16:00:00Z'), to: new Date('2026-11-17T16:00:00Z') },
      filter: { siteId: 'hz', queueId: 'general' },
    });
    expect(body.shifts).toEqual([{ start: '09:00', end: '17:00', breakStart: '13:00', breakEnd: '13:00', lengthMinutes: 480, breakMinutes: 0, agents: 20 }]);
    expect(body.intervals.find((i: { local: string }) => i.local === '12:30')).toMatchObject({ agents: 14, agentsToSchedule: 20, scheduled: 20, under: 0 });
    expect(body.agents).toBe(20);
  });

  it('says so when a site has no history to plan from', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/staffing/plan?siteId=nowhere&date=2026-11-24&timezone=Asia/Shanghai&targetServiceLevel=0.8&targetSeconds=20' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'no-history', detail: expect.stringContaining('site nowhere') });
  });

  it('plans from history in the body, with breaks that other agents cover', async () => {
    const body = (
      await post('/staffing/plan', { ...day, ...helperExample, shifts: [{ lengthMinutes: 480, breakMinutes: 60 }], history: history.map((r) => ({ ...r, intervalStart: r.intervalStart.toISOString() })) })
    ).json();
    expect(body.intervals.every((i: { under: number }) => i.under === 0)).toBe(true);
    expect(body.agents).toBeGreaterThan(20);
    expect(body.shifts.every((s: { breakMinutes: number }) => s.breakMinutes === 60)).toBe(true);
  });
});
