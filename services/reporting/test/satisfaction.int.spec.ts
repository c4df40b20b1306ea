// Satisfaction shares through the real service: telephony's survey events and routing's on the bus, read
// back from the interval report as JSON, CSV and on the reports page — the site figure of docs/metrics.md's worked example
// (1 satisfied, 1 neutral, 1 dissatisfied of 3 answered, 4 offered), and a second site's shares per quarter-hour
// on the page's trend chart — and a replay of the log changes none.
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { parse } from 'csv-parse/sync';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CallCompletedSchema,
  CallEndedBy,
  CallEndedSchema,
  CallQueuedSchema,
  CallTransferredSchema,
  CustomerTier,
  encodeEvent,
  OfferAcceptedSchema,
  SurveyAnsweredSchema,
  SurveyNotAnsweredSchema,
  SurveyOfferedSchema,
  SurveyRating,
  type EventSchema,
} from '@switchboard/contracts';
import type { EventBus } from '@switchboard/eventbus';
import { eventually } from '@switchboard/testing';
import { INGEST_GROUP, ingestedTopics } from '../src/application/ingest.ts';
import { ingestionBehind, reportingOnLocalLog } from './fixtures/local-log.ts';
import { sessionCookie, signedInAs } from './fixtures/people.ts';

/** 'hh:mm:ss' on 2026-11-23 in Asia/Shanghai (UTC+8), as epoch ms. */
const local = (hms: string) => {
  const [h, m, s] = hms.split(':').map(Number) as [number, number, number];
  return Date.UTC(2026, 10, 23, h - 8, m, s);
};

let version = 0;
function event<S extends EventSchema>(schema: S, streamId: string, at: number, init: Parameters<typeof create<S>>[1], siteId = 'hz'): { key: string; value: Uint8Array } {
  return { key: streamId, value: encodeEvent(schema, init as never, { eventId: randomUUID(), streamId, streamVersion: ++version, occurredAt: new Date(at), siteId }) };
}
const ts = timestampFromMs;

/** Routing's side of a call answered in a queue and completed by an agent. */
const talked = (callId: string, queueId: string, agentId: string, queued: string, answered: string, completed: string, siteId = 'hz') => [
  event(CallQueuedSchema, `acd-${siteId}-${callId}`, local(queued), { siteId, callId, queueId, tier: CustomerTier.NORMAL, queuedAt: ts(local(queued)), arrivedAt: ts(local(queued)) }, siteId),
  event(OfferAcceptedSchema, `acd-${siteId}-${callId}`, local(answered), { siteId, callId, agentId, acceptedAt: ts(local(answered)) }, siteId),
  event(CallCompletedSchema, `acd-${siteId}-${callId}`, local(completed), { siteId, callId, queueId, agentId, at: ts(local(completed)) }, siteId),
];

/** Telephony's side: the end, the survey offered about `agentId`, and the caller's key (or none). */
const surveyed = (callId: string, agentId: string, ended: string, rating: SurveyRating | undefined, siteId = 'hz') => [
  event(CallEndedSchema, `call-${callId}`, local(ended), { callId, endedBy: CallEndedBy.AGENT, endedAt: ts(local(ended)) }, siteId),
  event(SurveyOfferedSchema, `call-${callId}`, local(ended) + 2_000, { callId, agentId, offeredAt: ts(local(ended) + 2_000) }, siteId),
  rating === undefined
    ? event(SurveyNotAnsweredSchema, `call-${callId}`, local(ended) + 20_000, { callId, endedAt: ts(local(ended) + 20_000) }, siteId)
    : event(SurveyAnsweredSchema, `call-${callId}`, local(ended) + 10_000, { callId, rating, answeredAt: ts(local(ended) + 10_000) }, siteId),
];

// The worked example's surveyed calls: C1 satisfied, C2 dissatisfied, C8 transferred to complaints and
// neutral there (A3's survey), C9 offered and unanswered.
const routing = [
  ...talked('C1', 'general', 'A1', '09:00:20', '09:00:28', '09:03:28'),
  ...talked('C2', 'general', 'A2', '09:01:00', '09:01:35', '09:05:35'),
  ...talked('C8', 'general', 'A2', '09:07:00', '09:07:15', '09:09:15').slice(0, 2),
  ...talked('C8', 'complaints', 'A3', '09:09:15', '09:09:25', '09:14:25'),
  ...talked('C9', 'general', 'A1', '09:14:50', '09:15:20', '09:17:00'),
];
const telephony = [
  ...surveyed('C1', 'A1', '09:03:28', SurveyRating.SATISFIED),
  ...surveyed('C2', 'A2', '09:05:35', SurveyRating.DISSATISFIED),
  event(CallTransferredSchema, 'call-C8', local('09:09:15'), { callId: 'C8', fromAgentId: 'A2', target: 'queue:complaints', transferredAt: ts(local('09:09:15')) }),
  ...surveyed('C8', 'A3', '09:14:25', SurveyRating.NEUTRAL),
  ...surveyed('C9', 'A1', '09:17:00', undefined),
];

// A second site, sz, later that morning, for the trend per quarter-hour: 10:00 one satisfied and one
// dissatisfied; 10:15 a survey offered and not answered (no share: a gap); 10:30 no call (a gap);
// 10:45 one neutral and one satisfied.
const szCalls: [string, string, SurveyRating | undefined][] = [
  ['S1', '10:02:00', SurveyRating.SATISFIED],
  ['S2', '10:05:00', SurveyRating.DISSATISFIED],
  ['S3', '10:20:00', undefined],
  ['S4', '10:47:00', SurveyRating.NEUTRAL],
  ['S5', '10:50:00', SurveyRating.SATISFIED],
];
/** `seconds` after 'hh:mm:ss' in Shanghai, as 'hh:mm:ss'. */
const later = (hms: string, seconds: number) => new Date(local(hms) + 8 * 3_600_000 + seconds * 1000).toISOString().slice(11, 19);
const szRouting = szCalls.flatMap(([callId, queued]) => talked(callId, 'general', 'B1', queued, later(queued, 20), later(queued, 200), 'sz'));
const szTelephony = szCalls.flatMap(([callId, queued, rating]) => surveyed(callId, 'B1', later(queued, 200), rating, 'sz'));
/** A quarter-hour of 2026-11-23 in Shanghai as the page's charts plot it: wall-clock time as if UTC, in seconds. */
const quarter = (hm: string) => Date.parse(`2026-11-23T${hm}:00Z`) / 1000;

const intervalI = 'from=2026-11-23T01:00:00.000Z&to=2026-11-23T01:15:00.000Z&interval=15m&timezone=Asia/Shanghai';
type Row = Record<string, string | number | null>;

describe('satisfaction shares', () => {
  let bus: EventBus;
  afterAll(() => bus?.close());

  it('come out of the interval report and its CSV as the worked example says, and a replay changes none', async () => {
    const reportingSetting = await reportingOnLocalLog();
    bus = reportingSetting.bus;
    const start = reportingSetting.start;
    let reporting = await start();
    await bus.publish('routing.events', [...routing, ...szRouting]);
    await bus.publish('telephony.calls', [...telephony, ...szTelephony]);
    // A relay that restarted sends the surveys again, under new offsets.
    await bus.publish('telephony.calls', telephony.slice(-6));

    const report = async (query: string) =>
      ((await (await fetch(`${reporting.url}/reports/queues?${intervalI}${query}`, { headers: await signedInAs('supervisor') })).json()) as { rows: Row[] }).rows;
    const surveysOffered = async () => (await report('&groupBy=site')).reduce((n, r) => n + Number(r.surveys_offered), 0);
    await eventually('the four surveys counted', async () => (await surveysOffered()) === 4, 20_000);
    const day = 'from=2026-11-22T16:00:00.000Z&to=2026-11-23T16:00:00.000Z&timezone=Asia/Shanghai&groupBy=site';
    const szQuarters = async () =>
      ((await (await fetch(`${reporting.url}/reports/queues?${day}&interval=15m&siteId=sz`, { headers: await signedInAs('supervisor') })).json()) as { rows: Row[] }).rows;
    await eventually("sz's five surveys counted", async () => (await szQuarters()).reduce((n, r) => n + Number(r.surveys_offered), 0) === 5, 20_000);

    const byQueue = await report('');
    const general = byQueue.find((r) => r.queue_id === 'general')!;
    expect(general).toMatchObject({ surveys_offered: 3, surveys_answered: 2, satisfied: 1, neutral: 0, dissatisfied: 1, satisfied_share: 0.5, dissatisfied_share: 0.5 });
    expect(general.survey_response_rate).toBeCloseTo(2 / 3);
    expect(byQueue.find((r) => r.queue_id === 'complaints')).toMatchObject({ surveys_offered: 1, surveys_answered: 1, neutral: 1, neutral_share: 1, survey_response_rate: 1 });

    const pct = (v: unknown) => Math.round(Number(v) * 1000) / 10;
    const siteFigures = async () => {
      const [site] = await report('&groupBy=site');
      return [site!.surveys_offered, site!.surveys_answered, pct(site!.satisfied_share), pct(site!.neutral_share), pct(site!.dissatisfied_share), pct(site!.survey_response_rate)];
    };
    expect(await siteFigures()).toEqual([4, 3, 33.3, 33.3, 33.3, 75]);

    const csv = await (await fetch(`${reporting.url}/reports/queues?${intervalI}&groupBy=site&format=csv`, { headers: await signedInAs('analyst') })).text();
    const [line] = parse(csv, { columns: true }) as Record<string, string>[];
    expect(line).toMatchObject({ site_id: 'hz', surveys_offered: '4', surveys_answered: '3', satisfied: '1', neutral: '1', dissatisfied: '1', survey_response_rate: '0.75' });
    expect(pct(line!['satisfied_share'])).toBe(33.3);

    const agents = ((await (await fetch(`${reporting.url}/reports/agents?${intervalI}`, { headers: await signedInAs('supervisor') })).json()) as { rows: Row[] }).rows;
    expect(agents.find((r) => r.agent_id === 'A1')).toMatchObject({ surveys_offered: 2, surveys_answered: 1, satisfied: 1, survey_response_rate: 0.5 });
    expect(agents.find((r) => r.agent_id === 'A2')).toMatchObject({ surveys_offered: 1, dissatisfied: 1 });

    // The reports page shows the same shares: in the table, and as the site's stacked bar.
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.context().addCookies([{ name: 'sb_session', value: await sessionCookie('supervisor'), url: reporting.url }]);
      await page.goto(`${reporting.url}/reports`);
      await expect.poll(() => page.locator('#status').textContent(), { timeout: 10_000 }).toMatch(/rows$/);
      await page.selectOption('select[name=report]', 'sites');
      await page.selectOption('select[name=interval]', '15m');
      await page.fill('input[name=from]', '2026-11-23');
      await page.fill('input[name=to]', '2026-11-23');
      await page.click('button[type=submit]');
      const bar = page.locator('#satisfaction [data-site="hz"]');
      await bar.waitFor({ timeout: 10_000 });
      expect(await bar.locator('.figures-line').textContent()).toBe('33.3 % satisfied · 33.3 % neutral · 33.3 % dissatisfied — 3 answered of 4 offered (75.0 %)');
      expect(await bar.locator('.shares span').count()).toBe(3);
      const interval = page.locator('#rows tbody tr', { hasText: '2026-11-23 09:00:00' });
      expect(await interval.locator('[data-column="satisfied_share"]').textContent()).toBe('33.3 %');
      expect(await interval.locator('[data-column="survey_response_rate"]').textContent()).toBe('75.0 %');
      const shots = resolve(import.meta.dirname, '../../../.test-data/screenshots');
      await mkdir(shots, { recursive: true });

      // The trend per quarter-hour, per site: the API's shares of each interval, a gap (null) where no survey
      // was answered — sz at 10:15 (one offered, unanswered) and 10:30 (no call) — and the answered count.
      expect(await page.locator('#satisfaction-trend-title').textContent()).toBe('Post-call satisfaction per 15 minutes');
      const drawn = (site: string) =>
        page.locator(`#satisfaction-trend [data-trend="${site}"]`).evaluate((node) => (node as unknown as { chart: { data: (number | null)[][] } }).chart.data);
      const sz = await szQuarters();
      expect(sz.map((r) => [r.interval_start, r.surveys_answered, r.satisfied_share, r.neutral_share, r.dissatisfied_share])).toEqual([
        ['2026-11-23 10:00:00', 2, 0.5, 0, 0.5],
        ['2026-11-23 10:15:00', 0, null, null, null],
        ['2026-11-23 10:45:00', 2, 0.5, 0.5, 0],
      ]);
      const [times, answered, satisfied, neutral, dissatisfied] = await drawn('sz');
      expect(times).toEqual(['10:00', '10:15', '10:30', '10:45'].map(quarter));
      expect(answered).toEqual([2, 0, 0, 2]);
      const shareAt = (k: string) => ['10:00', '10:15', '10:30', '10:45'].map((hm) => {
        const row = sz.find((r) => r.interval_start === `2026-11-23 ${hm}:00`);
        return row?.[k] == null ? null : Number(row[k]) * 100;
      });
      expect([satisfied, neutral, dissatisfied]).toEqual([shareAt('satisfied_share'), shareAt('neutral_share'), shareAt('dissatisfied_share')]);
      expect([satisfied, neutral, dissatisfied]).toEqual([[50, null, null, 50], [0, null, null, 50], [50, null, null, 0]]);
      // hz's one quarter-hour: the worked example's thirds.
      const hz = await drawn('hz');
      expect(hz[0]).toEqual([quarter('09:00')]);
      expect(hz.slice(1).map((values) => values.map((v) => Math.round(v! * 10) / 10))).toEqual([[3], [33.3], [33.3], [33.3]]);
      expect(await page.locator('#satisfaction-trend [data-trend] canvas').count()).toBe(2);
      await page.screenshot({ path: join(shots, 'reports-satisfaction.png'), fullPage: true });
    } finally {
      await browser.close();
    }

    // The whole log again, from the beginning: every count stays.
    const before = { site: await siteFigures(), byQueue: await report('') };
    await reporting.close();
    for (const topic of ingestedTopics) await bus.resetToEarliest(INGEST_GROUP, topic);
    reporting = await start();
    await eventually('the replay read the whole log again', async () => (await ingestionBehind(reportingSetting.busUrl)) === 0, 20_000);
    expect({ site: await siteFigures(), byQueue: await report('') }).toEqual(before);
    await reporting.close();
  }, 90_000);
});
