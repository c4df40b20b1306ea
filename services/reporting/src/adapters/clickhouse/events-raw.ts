// Writing and reading events_raw_v1: the named functions reporting uses, nothing else touches the table.
import { clickHouseTime } from '../../domain/facts/milestones-of-event.ts';
import { insertRows, type ClickHouseClient } from './client.ts';

export interface RawEventRow {
  readonly event_id: string;
  readonly type: string;
  readonly schema_version: number;
  readonly stream_id: string;
  readonly stream_version: string;
  readonly site_id: string;
  /** 'YYYY-MM-DD hh:mm:ss.sss' in UTC, as ClickHouse reads a DateTime64 in JSONEachRow. */
  readonly occurred_at: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly payload: string;
}

/**
 * Inserts one batch. Its deduplication token is derived from the bus positions it holds, so the same
 * batch inserted twice (a retry after a lost answer, a redelivery) is kept once.
 */
export async function insertRawEvents(client: ClickHouseClient, rows: readonly RawEventRow[]): Promise<void> {
  await insertRows(client, 'events_raw_v1', rows, rows.map((r) => `${r.topic}/${r.partition}/${r.offset}`));
}

export interface EventTypeCount {
  readonly type: string;
  readonly events: number;
}

/** Events per type in a time range, each event counted once however often it was delivered. */
export async function countEventsByType(client: ClickHouseClient, range: { from: Date; to: Date }): Promise<EventTypeCount[]> {
  const result = await client.query({
    query: `select type, count() as events from events_raw_v1 final
            where occurred_at >= {from: DateTime64(3, 'UTC')} and occurred_at < {to: DateTime64(3, 'UTC')}
            group by type order by type`,
    query_params: { from: clickHouseTime(range.from), to: clickHouseTime(range.to) },
    format: 'JSONEachRow',
  });
  return (await result.json<{ type: string; events: string }>()).map((r) => ({ type: r.type, events: Number(r.events) }));
}

/** The newest event ingested: how far behind the bus reporting is. */
export async function latestIngested(client: ClickHouseClient): Promise<{ occurredAt: Date; ingestedAt: Date } | undefined> {
  const result = await client.query({
    query: `select max(occurred_at) as occurred_at, max(ingested_at) as ingested_at, count() as n from events_raw_v1`,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ occurred_at: string; ingested_at: string; n: string | number }>();
  // max() of an empty table is the epoch, not null: only a count tells.
  if (!row || Number(row.n) === 0) return undefined;
  return { occurredAt: new Date(`${row.occurred_at}Z`), ingestedAt: new Date(`${row.ingested_at}Z`) };
}
