// The ClickHouse schema of reporting, versioned: each statement runs once, in order, recorded by name.
import type { ClickHouseClient } from './client.ts';

interface SchemaStep {
  readonly name: string;
  readonly sql: string;
}

const steps: readonly SchemaStep[] = [
  {
    // Every event of every topic. A replay or a relay's redelivery writes the same event again: the
    // sorting key holds event_id, so merges keep one row, and figures read with FINAL (or count
    // distinct event ids) never count it twice. Insert deduplication needs a window on a
    // non-replicated table (chDB's default is 0, off).
    name: '001_events_raw_v1',
    sql: `create table if not exists events_raw_v1 (
      event_id UUID,
      type LowCardinality(String),
      schema_version UInt32,
      stream_id String,
      stream_version UInt64,
      site_id LowCardinality(String),
      occurred_at DateTime64(3, 'UTC'),
      topic LowCardinality(String),
      partition UInt32,
      offset UInt64,
      ingested_at DateTime64(3, 'UTC') default now64(3),
      payload String
    ) engine = ReplacingMergeTree
    partition by toYYYYMM(occurred_at)
    order by (type, occurred_at, event_id)
    settings non_replicated_deduplication_window = 1000`,
  },
];

export async function applyClickHouseSchema(client: ClickHouseClient): Promise<string[]> {
  await client.command({
    query: 'create table if not exists schema_migrations (name String, applied_at DateTime64(3, \'UTC\') default now64(3)) engine = MergeTree order by name',
  });
  const applied = new Set(
    (await (await client.query({ query: 'select name from schema_migrations', format: 'JSONEachRow' })).json<{ name: string }>()).map((r) => r.name),
  );
  const done: string[] = [];
  for (const step of steps) {
    if (applied.has(step.name)) continue;
    await client.command({ query: step.sql });
    await client.insert({ table: 'schema_migrations', values: [{ name: step.name }], format: 'JSONEachRow' });
    done.push(step.name);
  }
  return done;
}
