// The interval history staffing forecasts from: calls offered and AHT per 15-minute UTC bucket of a site or queue.
import type { HistoryFilter, HistoryRange, IntervalHistoryRow, ReadIntervalHistory } from '../../domain/staffing/index.ts';
import type { ClickHouseClient } from './client.ts';
import { clickHouseTime } from '../../domain/facts/milestones-of-event.ts';

/**
 * Offered = visits queued in the bucket (docs/metrics.md "Offered"); AHT = handle time of the finished
 * segments of those visits ÷ their count ("AHT"), both by the interval the visit was queued in.
 */
export async function readIntervalHistory(client: ClickHouseClient, range: HistoryRange, filter: HistoryFilter): Promise<IntervalHistoryRow[]> {
  const result = await client.query({
    query: `
      with visits as (
        select toStartOfFifteenMinutes(queued_at) as interval_start, count() as offered
        from queue_visits_v1 final
        where site_id = {siteId: String} and ({queueId: String} = '' or queue_id = {queueId: String})
          and queued_at >= {from: DateTime64(3, 'UTC')} and queued_at < {to: DateTime64(3, 'UTC')}
        group by interval_start
      ),
      segments as (
        select toStartOfFifteenMinutes(visit_queued_at) as interval_start,
          countIf(ended_at is not null) as handled, sumIf(handle_ms, ended_at is not null) as handle_ms
        from call_segments_v1 final
        where site_id = {siteId: String} and ({queueId: String} = '' or queue_id = {queueId: String})
          and visit_queued_at >= {from: DateTime64(3, 'UTC')} and visit_queued_at < {to: DateTime64(3, 'UTC')}
        group by interval_start
      )
      select visits.interval_start as interval_start, visits.offered as offered, segments.handled as handled, segments.handle_ms as handle_ms
      from visits left join segments using (interval_start)
      order by interval_start
      settings join_use_nulls = 0`,
    query_params: { siteId: filter.siteId, queueId: filter.queueId ?? '', from: clickHouseTime(range.from), to: clickHouseTime(range.to) },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ interval_start: string; offered: string | number; handled: string | number; handle_ms: string | number }>();
  return rows.map((r) => ({
    intervalStart: new Date(`${r.interval_start.replace(' ', 'T')}Z`),
    offered: Number(r.offered),
    ahtSeconds: Number(r.handled) > 0 ? Number(r.handle_ms) / Number(r.handled) / 1000 : 0,
  }));
}

/** The domain's port, bound to the service's client (connected once the workers start). */
export const clickHouseIntervalHistory =
  (client: () => ClickHouseClient): ReadIntervalHistory =>
  (range, filter) =>
    readIntervalHistory(client(), range, filter);
