// The history staffing forecasts from, read from reporting's facts in chDB: offered and AHT per 15 minutes.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClickHouse, type ClickHouseClient } from '../src/adapters/clickhouse/client.ts';
import { applyClickHouseSchema } from '../src/adapters/clickhouse/schema.ts';
import { readIntervalHistory } from '../src/adapters/clickhouse/staffing-history.ts';

let client: ClickHouseClient;
beforeAll(async () => {
  client = await connectClickHouse({ CHDB_PATH: join(await mkdtemp(join(tmpdir(), 'chdb-staffing-')), 'data') });
  await applyClickHouseSchema(client);
});
afterAll(() => client?.close());

const visit = (callId: string, queuedAt: string, over: { site_id?: string; queue_id?: string; built_at?: number } = {}) => ({
  call_id: callId,
  visit_seq: 1,
  site_id: 'hz',
  queue_id: 'general',
  queued_at: queuedAt,
  first_queued_at: queuedAt,
  outcome: 'answered',
  built_at: 1,
  ...over,
});
const segment = (callId: string, queuedAt: string, handleMs: number, ended = true) => ({
  call_id: callId,
  segment_seq: 1,
  visit_seq: 1,
  visit_queued_at: queuedAt,
  site_id: 'hz',
  queue_id: 'general',
  answered_at: queuedAt,
  ended_at: ended ? queuedAt : null,
  handle_ms: handleMs,
  built_at: 1,
});

describe('interval history from ClickHouse', () => {
  it('counts visits by the 15 minutes they were queued in, AHT from finished segments, one row per rebuilt visit', async () => {
    await client.insert({
      table: 'queue_visits_v1',
      format: 'JSONEachRow',
      values: [
        visit('c1', '2026-11-17 01:00:05.000'),
        visit('c1', '2026-11-17 01:00:05.000', { built_at: 2 }), // the same visit rebuilt: counted once
        visit('c2', '2026-11-17 01:14:59.999'),
        visit('c3', '2026-11-17 01:15:00.000'),
        visit('c4', '2026-11-17 01:03:00.000', { queue_id: 'complaints' }),
        visit('c5', '2026-11-17 01:03:00.000', { site_id: 'sz' }),
      ],
    });
    await client.insert({
      table: 'call_segments_v1',
      format: 'JSONEachRow',
      values: [segment('c1', '2026-11-17 01:00:05.000', 200_000), segment('c2', '2026-11-17 01:14:59.999', 100_000), segment('c3', '2026-11-17 01:15:00.000', 60_000, false)],
    });
    const range = { from: new Date('2026-11-17T00:00:00Z'), to: new Date('2026-11-18T00:00:00Z') };

    expect(await readIntervalHistory(client, range, { siteId: 'hz', queueId: 'general' })).toEqual([
      { intervalStart: new Date('2026-11-17T01:00:00Z'), offered: 2, ahtSeconds: 150 },
      // c3's call is still running: offered, but no handle time yet.
      { intervalStart: new Date('2026-11-17T01:15:00Z'), offered: 1, ahtSeconds: 0 },
    ]);
    const site = await readIntervalHistory(client, range, { siteId: 'hz' });
    expect(site[0]).toEqual({ intervalStart: new Date('2026-11-17T01:00:00Z'), offered: 3, ahtSeconds: 150 });
    expect(await readIntervalHistory(client, { from: range.from, to: new Date('2026-11-17T01:00:00Z') }, { siteId: 'hz' })).toEqual([]);
  });
});
