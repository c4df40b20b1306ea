// Why reporting keeps its reports in a chDB session apart from ingestion and the wallboard (service.ts): a chDB
// session runs one statement at a time, so a month's report would hold the wallboard's statements behind it;
// two sessions on one folder run side by side, on the same tables.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClickHouse, type ClickHouseClient } from '../src/adapters/clickhouse/client.ts';

const clients: ClickHouseClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function sessions(count: number): Promise<ClickHouseClient[]> {
  const path = join(await mkdtemp(join(tmpdir(), 'chdb-sessions-')), 'data');
  for (let i = 0; i < count; i++) clients.push(await connectClickHouse({ CHDB_PATH: path }));
  return [...clients];
}

/** A statement of about a second (a long report) on `reports`, then a short one (the wallboard's) on `wallboard`: which answered first. */
async function orderOfAnswers(reports: ClickHouseClient, wallboard: ClickHouseClient): Promise<string[]> {
  const answered: string[] = [];
  const report = reports.query({ query: 'select sleepEachRow(0.5) from numbers(2)', format: 'JSONEachRow' }).then(async (r) => {
    await r.json();
    answered.push('report');
  });
  const board = wallboard.query({ query: 'select 1 as one', format: 'JSONEachRow' }).then(async (r) => {
    expect(await r.json()).toEqual([{ one: 1 }]);
    answered.push('wallboard');
  });
  await Promise.all([report, board]);
  return answered;
}

describe('chDB sessions on one folder', () => {
  it('answer a short statement in one session while a long one runs in another', async () => {
    const [reports, wallboard] = await sessions(2);
    expect(await orderOfAnswers(reports!, wallboard!)).toEqual(['wallboard', 'report']);
  });

  it('in one session, the short statement waits for the long one', async () => {
    const [only] = await sessions(1);
    expect(await orderOfAnswers(only!, only!)).toEqual(['report', 'wallboard']);
  });

  it('share their tables: what one session writes, the others read at once', async () => {
    const [ingestion, reports, analysts] = await sessions(3);
    await ingestion!.command({ query: 'create table waiting_calls (call_id String) engine = MergeTree order by call_id' });
    await ingestion!.insert({ table: 'waiting_calls', values: ['a', 'b', 'c'].map((call_id) => ({ call_id })), format: 'JSONEachRow' });
    for (const reader of [reports!, analysts!]) {
      const [row] = await (await reader.query({ query: 'select count() as n from waiting_calls', format: 'JSONEachRow' })).json<{ n: string | number }>();
      expect(Number(row!.n)).toBe(3);
    }
  });
});
