// The interval report over the worked example of docs/metrics.md: every figure the document works out
// by hand comes out of the SQL, and delivering every milestone twice changes none of them.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClickHouse, type ClickHouseClient } from '../src/adapters/clickhouse/client.ts';
import { applyClickHouseSchema } from '../src/adapters/clickhouse/schema.ts';
import { insertAgentStateChanges, insertCallMilestones } from '../src/adapters/clickhouse/facts.ts';
import { agentIntervalReport, queueAndSiteIntervalReport, queueIntervalReport, rebuildQueueRollupRange, selfServiceReport, type ReportRange } from '../src/adapters/clickhouse/reports.ts';
import { rebuildCallFacts } from '../src/application/facts.ts';
import { intervalI, workedExampleAgentStates, workedExampleMilestones } from './fixtures/worked-example.ts';

const range: ReportRange = { ...intervalI, timezone: 'Asia/Shanghai', interval: '15m' };

describe('the interval report (docs/metrics.md, worked example)', () => {
  let clickhouse: ClickHouseClient;
  beforeAll(async () => {
    clickhouse = await connectClickHouse({ CHDB_PATH: join(await mkdtemp(join(tmpdir(), 'chdb-report-')), 'data') });
    await applyClickHouseSchema(clickhouse);
    // Delivered out of order, in two halves, each call rebuilt after each half.
    const reversed = [...workedExampleMilestones].reverse();
    for (const half of [reversed.slice(0, 40), reversed.slice(40)]) {
      await insertCallMilestones(clickhouse, half);
      await rebuildCallFacts(clickhouse, half.map((m) => m.call_id));
    }
    await insertAgentStateChanges(clickhouse, workedExampleAgentStates);
  });
  afterAll(() => clickhouse?.close());

  const hzGeneral = async () => {
    const rows = await queueIntervalReport(clickhouse, range);
    return rows.find((r) => r.site_id === 'hz' && r.queue_id === 'general')!;
  };

  it('gives hz/general in I the document’s columns and metrics', async () => {
    const row = await hzGeneral();
    expect(row.interval_start).toBe('2026-11-23 09:00:00');
    expect(row).toMatchObject({
      offered: 9,
      answered: 4,
      answered_within_sl: 2,
      abandoned: 3,
      short_abandoned: 1,
      abandoned_within_sl: 2,
      overflowed_out: 1,
      overflowed_out_other_site: 1,
      callbacks_scheduled: 1,
      callbacks_reached: 1,
      system_exits: 0,
      in_queue: 0,
      open_visits: 0,
      offered_calls: 9,
      connected_calls: 6,
      short_abandoned_calls: 1,
      sum_wait_ms: 253_000,
      sum_answer_wait_ms: 88_000,
      sum_abandon_wait_ms: 65_000,
      max_wait_ms: 60_000,
      handled: 5,
      sum_talk_ms: 675_000,
      sum_hold_ms: 30_000,
      sum_acw_ms: 85_000,
      sum_handle_ms: 790_000,
      agent_offers: 6,
      agent_no_answers: 1,
      surveys_offered: 3,
      surveys_answered: 2,
      satisfied: 1,
      neutral: 0,
      dissatisfied: 1,
    });
    // Identity: offered = answered + abandoned + overflowed_out + callbacks_scheduled + system_exits + in_queue.
    expect(row.offered).toBe(4 + 3 + 1 + 1 + 0 + 0);
    const pct = (v: unknown) => Math.round(Number(v) * 1000) / 10;
    expect(pct(row.service_level)).toBe(33.3);
    expect([pct(row.sl_answered), pct(row.sl_offered), pct(row.sl_abandons_met)]).toEqual([50, 22.2, 57.1]);
    expect([pct(row.answer_rate), pct(row.answer_rate_excl_short), pct(row.queue_answer_rate)]).toEqual([66.7, 75, 44.4]);
    expect([pct(row.abandon_rate), pct(row.abandon_rate_excl_short)]).toEqual([33.3, 25]);
    expect(row.asa_ms).toBe(22_000);
    expect(Math.round(Number(row.avg_abandon_wait_ms) / 100) / 10).toBe(21.7);
    expect(row.aht_ms).toBe(158_000);
    expect([pct(row.overflow_rate), pct(row.callback_rate), pct(row.callback_reach_rate), pct(row.agent_answer_rate)]).toEqual([11.1, 11.1, 100, 83.3]);
  });

  it('gives the other queues and the site figures of the document', async () => {
    const rows = await queueIntervalReport(clickhouse, range);
    const complaints = rows.find((r) => r.site_id === 'hz' && r.queue_id === 'complaints')!;
    expect(complaints).toMatchObject({ offered: 1, transferred_in: 1, answered: 1, answered_within_sl: 1, asa_ms: 10_000, handled: 1, sum_handle_ms: 330_000, offered_calls: 0 });
    const hq = rows.find((r) => r.site_id === 'hq')!;
    expect(hq).toMatchObject({ offered: 1, overflowed_in: 1, answered: 1, answered_within_sl: 1, sum_handle_ms: 130_000, offered_calls: 0 });

    const [site] = (await queueIntervalReport(clickhouse, range, 'site')).filter((r) => r.site_id === 'hz');
    expect(Math.round(Number(site!.service_level) * 1000) / 10).toBe(42.9);
    expect(site!.asa_ms).toBe(19_600);
    expect(Math.round(Number(site!.aht_ms) / 100) / 10).toBe(186.7);
    expect(Math.round(Number(site!.answer_rate) * 1000) / 10).toBe(66.7);
    // Surveys: C1 satisfied and C2 dissatisfied in general, C8's neutral in complaints (its last segment), C9 unanswered.
    expect(complaints).toMatchObject({ surveys_offered: 1, surveys_answered: 1, neutral: 1, neutral_share: 1 });
    expect(site).toMatchObject({ surveys_offered: 4, surveys_answered: 3, satisfied: 1, neutral: 1, dissatisfied: 1 });
    const pct = (v: unknown) => Math.round(Number(v) * 1000) / 10;
    expect([pct(site!.satisfied_share), pct(site!.neutral_share), pct(site!.dissatisfied_share), pct(site!.survey_response_rate)]).toEqual([33.3, 33.3, 33.3, 75]);
    expect(hq).toMatchObject({ surveys_offered: 0, satisfied_share: null, survey_response_rate: null });
  });

  it('gives the same queue and site rows in one statement (the wallboard’s) as in two', async () => {
    for (const interval of ['all', '15m'] as const) {
      const both = await queueAndSiteIntervalReport(clickhouse, { ...range, interval });
      expect(both.queues).toEqual(await queueIntervalReport(clickhouse, { ...range, interval }, 'queue'));
      expect(both.sites).toEqual(await queueIntervalReport(clickhouse, { ...range, interval }, 'site'));
      expect(both.sites.map((r) => r.site_id)).toEqual(['hq', 'hz']);
    }
  });

  it('splits agent A1’s state time across I and computes occupancy and utilisation', async () => {
    const rows = await agentIntervalReport(clickhouse, range);
    const a1 = rows.find((r) => r.agent_id === 'A1' && r.interval_start === '2026-11-23 09:00:00')!;
    expect(a1).toMatchObject({ ready_ms: 110_000, reserved_ms: 18_000, on_call_ms: 245_000, wrap_up_ms: 35_000, not_ready_ms: 492_000, logged_in_ms: 900_000 });
    expect(Math.round(Number(a1.occupancy) * 1000) / 10).toBe(68.6);
    expect(Math.round(Number(a1.utilisation) * 1000) / 10).toBe(31.1);
    // A1's surveys count with the visits queued in I: C1's (satisfied) and C9's (unanswered).
    expect(a1).toMatchObject({ surveys_offered: 2, surveys_answered: 1, satisfied: 1, satisfied_share: 1, survey_response_rate: 0.5 });
    expect(rows.find((r) => r.agent_id === 'A3')).toMatchObject({ surveys_offered: 1, neutral: 1 });
  });

  it('counts self-service by arrival: containment and queries by voice', async () => {
    const [hz] = (await selfServiceReport(clickhouse, range)).filter((r) => r.site_id === 'hz');
    expect(hz).toMatchObject({ arrived: 14, ivr_calls: 14, contained: 3, ivr_abandoned: 1, queries_by_voice: 2, queries_by_agent: 3, self_service_orders: 1, fax_requests: 1 });
    expect(Math.round(Number(hz!.containment_rate) * 1000) / 10).toBe(21.4);
    expect(Math.round(Number(hz!.self_service_query_share) * 1000) / 10).toBe(40);
  });

  it('changes no figure when every milestone is delivered and rebuilt again', async () => {
    const before = await queueIntervalReport(clickhouse, range);
    await insertCallMilestones(clickhouse, workedExampleMilestones.slice(3));
    await rebuildCallFacts(clickhouse, workedExampleMilestones.map((m) => m.call_id));
    await insertAgentStateChanges(clickhouse, workedExampleAgentStates.slice(1));
    expect(await queueIntervalReport(clickhouse, range)).toEqual(before);
  });

  it('keeps every survey in the rollup after an upgrade moves the survey counts onto the segments (steps 014–015)', async () => {
    const before = await queueIntervalReport(clickhouse, range);
    // As a folder from before step 014: segments without the column, its steps not recorded.
    await clickhouse.command({ query: 'alter table call_segments_v1 drop column survey_answer settings mutations_sync = 1' });
    await clickhouse.command({ query: "alter table schema_migrations delete where name like '01%survey_answer%' settings mutations_sync = 1" });
    expect(await applyClickHouseSchema(clickhouse)).toEqual(['014_call_segments_v1_survey_answer', '015_call_segments_v1_survey_answer_backfill']);
    // Every bucket rolled up again from the upgraded segments: the same figures, surveys included.
    await rebuildQueueRollupRange(clickhouse, new Date(intervalI.from.getTime() - 86_400_000), new Date(intervalI.to.getTime() + 86_400_000), Date.now() * 1000 + 1);
    const after = await queueIntervalReport(clickhouse, range);
    expect(after.find((r) => r.site_id === 'hz' && r.queue_id === 'complaints')).toMatchObject({ surveys_offered: 1, surveys_answered: 1, neutral: 1 });
    expect(after).toEqual(before);
  });
});
