// The 30-day interval report over 10 million calls in chDB (issue 5: target < 1 s on this machine),
// against a baseline in the same run: the plainest scan any such report needs (visits counted per
// site and queue over the same range, no FINAL, no metric).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectClickHouse } from '../../services/reporting/src/adapters/clickhouse/client.ts';
import { applyClickHouseSchema } from '../../services/reporting/src/adapters/clickhouse/schema.ts';
import { queueIntervalReport, rebuildQueueRollup, rebuildQueueRollupRange } from '../../services/reporting/src/adapters/clickhouse/reports.ts';
import { clickHouseTime } from '../../services/reporting/src/domain/facts/milestones-of-event.ts';
import { now, seconds, type Figure } from './harness.ts';

const CALLS = Number(process.env.BENCH_REPORT_CALLS ?? 10_000_000);
const DAYS = 30;
const FROM = new Date('2026-10-01T00:00:00+08:00');

export async function reports(): Promise<Figure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-report-'));
  const clickhouse = await connectClickHouse({ CHDB_PATH: join(dir, 'data') });
  try {
    await applyClickHouseSchema(clickhouse);
    // 10 M calls over 30 days, 20 sites × 10 queues; 85 % answered (wait 0–60 s), 10 % abandoned, 5 % overflowed.
    let start = now();
    const span = DAYS * 86_400_000;
    await clickhouse.command({
      query: `insert into queue_visits_v1
        select concat('call-', toString(number)) as call_id, 1 as visit_seq,
          concat('site-', toString(number % 20)) as site_id, concat('queue-', toString(intDiv(number, 20) % 10)) as queue_id,
          ['normal', 'gold', 'platinum'][1 + (number % 7 = 0) + (number % 31 = 0)] as tier, 'general' as business_type, 'ivr' as via,
          fromUnixTimestamp64Milli(toInt64(${FROM.getTime()} + (number * 7919) % ${span}), 'UTC') as queued_at, queued_at as first_queued_at,
          if(number % 20 < 17, queued_at + toIntervalMillisecond((number * 13) % 60000), null) as answered_at,
          queued_at + toIntervalMillisecond((number * 13) % 60000) as left_at,
          multiIf(number % 20 < 17, 'answered', number % 20 < 19, 'abandoned', 'overflowed') as outcome,
          '' as left_to_site_id, '' as callback_outcome, concat('agent-', toString(number % 5000)) as agent_id,
          (number * 13) % 60000 as wait_ms, wait_ms as total_wait_ms, 1 as agent_offers, 0 as agent_no_answers,
          20000 as sl_threshold_ms, 5000 as short_abandon_ms, true as is_first_visit, outcome = 'answered' as call_connected,
          'switchboard' as source, 1 as built_at
        from numbers(${CALLS})`,
    });
    await clickhouse.command({
      query: `insert into call_segments_v1 (call_id, segment_seq, visit_seq, visit_queued_at, site_id, queue_id, agent_id, answered_at, ended_at, ended_by,
          is_callback, talk_ms, hold_ms, acw_ms, handle_ms, survey_answer, source, built_at)
        select call_id, 1, visit_seq, queued_at, site_id, queue_id, agent_id, answered_at, answered_at + toIntervalSecond(180), 'ended', false,
          150000, 10000, 20000, 180000, if(cityHash64(call_id) % 3 = 0, 'satisfied', ''), 'switchboard', 1
        from queue_visits_v1 where outcome = 'answered'`,
    });
    const loadSeconds = seconds(start);
    await clickhouse.command({ query: 'optimize table queue_visits_v1 final' });
    await clickhouse.command({ query: 'optimize table call_segments_v1 final' });
    start = now();
    await rebuildQueueRollupRange(clickhouse, FROM, new Date(FROM.getTime() + span), 2);
    const rollupSeconds = seconds(start);

    const range = { from: FROM, to: new Date(FROM.getTime() + span), timezone: 'Asia/Shanghai' };
    const time = async (work: () => Promise<unknown>) => {
      await work(); // warm
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const s = now();
        await work();
        runs.push(seconds(s));
      }
      return runs.sort((a, b) => a - b)[2]!; // median
    };
    const baseline = await time(() =>
      clickhouse.query({
        query: `select site_id, queue_id, count() from queue_visits_v1 where queued_at >= {from: DateTime64(3, 'UTC')} and queued_at < {to: DateTime64(3, 'UTC')} group by site_id, queue_id`,
        query_params: { from: clickHouseTime(range.from.getTime()), to: clickHouseTime(range.to.getTime()) },
        format: 'JSONEachRow',
      }).then((r) => r.json()),
    );
    const figures: Figure[] = [
      { benchmark: 'reports', figure: `loading ${CALLS.toLocaleString('en-US')} calls' visits and segments into chDB (INSERT … SELECT)`, value: `${loadSeconds.toFixed(1)} s` },
      { benchmark: 'reports', figure: 'building the 15-minute rollup of the whole month from the facts', value: `${rollupSeconds.toFixed(1)} s` },
      { benchmark: 'reports', figure: 'baseline: count of the visits per site and queue over 30 days (no FINAL, no metric), median of 5', value: `${(baseline * 1000).toFixed(0)} ms` },
    ];
    const cases = [
      { interval: 'day', grouping: 'queue', label: 'per site × queue × day' },
      { interval: 'hour', grouping: 'site', label: 'per site × hour' },
      { interval: '15m', grouping: 'queue', label: "one site's queues × 15 minutes", siteIds: ['site-1'] },
      { interval: 'hour', grouping: 'queue', label: 'per site × queue × hour (every row of the month)' },
    ] as const;
    for (const c of cases) {
      let rows = 0;
      const t = await time(async () => {
        rows = (await queueIntervalReport(clickhouse, { ...range, interval: c.interval, siteIds: 'siteIds' in c ? c.siteIds : undefined }, c.grouping)).length;
      });
      figures.push({
        benchmark: 'reports',
        figure: `30-day interval report ${c.label} (${rows.toLocaleString('en-US')} rows, every metric), median of 5`,
        value: `${(t * 1000).toFixed(0)} ms`,
        note: `target < 1 s; ${(t / baseline).toFixed(1)}× the baseline scan`,
      });
    }
    // What every ingestion flush does: one 15-minute bucket of every site and queue rolled up again from its
    // visits, segments and surveys, against counting that bucket's visits with FINAL (the least such a rebuild reads).
    const bucket = FROM.getTime() + 15 * 86_400_000 + 10 * 3_600_000;
    const keys = Array.from({ length: 200 }, (_, i) => ({ site_id: `site-${i % 20}`, queue_id: `queue-${Math.floor(i / 20)}`, bucket }));
    let stamp = 10;
    const flushRollup = await time(() => rebuildQueueRollup(clickhouse, keys, stamp++));
    const bucketScan = await time(() =>
      clickhouse.query({
        query: `select site_id, queue_id, count() from queue_visits_v1 final where queued_at >= {from: DateTime64(3, 'UTC')} and queued_at < {to: DateTime64(3, 'UTC')} group by site_id, queue_id`,
        query_params: { from: clickHouseTime(bucket), to: clickHouseTime(bucket + 900_000) },
        format: 'JSONEachRow',
      }).then((r) => r.json()),
    );
    figures.push({
      benchmark: 'reports',
      figure: "one flush's rollup: a 15-minute bucket of 200 sites × queues rebuilt from its visits, segments and surveys, median of 5",
      value: `${(flushRollup * 1000).toFixed(0)} ms`,
      note: `${(flushRollup / bucketScan).toFixed(1)}× counting that bucket's visits with FINAL (${(bucketScan * 1000).toFixed(0)} ms)`,
    });
    return figures;
  } finally {
    await clickhouse.close();
    await rm(dir, { recursive: true, force: true });
  }
}
