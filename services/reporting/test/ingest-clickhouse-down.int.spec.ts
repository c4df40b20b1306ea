// ClickHouse down for a while: the events wait on the log and are all written once it is back; none is
// dead-lettered for it (they were, when every failed write counted against the events themselves).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalEventBus, deadLetterTopic, type BusMessage, type EventBus } from '@switchboard/eventbus';
import { eventually, freshDatabase } from '@switchboard/testing';
import { connectClickHouse, type ClickHouseClient } from '../src/adapters/clickhouse/client.ts';
import { applyClickHouseSchema } from '../src/adapters/clickhouse/schema.ts';
import { INGEST_GROUP, startIngestion, type Ingestion } from '../src/application/ingest.ts';
import { callArrived } from './fixtures/arrivals.ts';

const call = (i: number | string) => callArrived(`call-${i}`);

let bus: EventBus | undefined;
let clickhouse: ClickHouseClient | undefined;
let ingestion: Ingestion | undefined;
afterAll(async () => {
  await ingestion?.close();
  await bus?.close();
  await clickhouse?.close();
});

/** `client`, with `refuse` deciding for each statement whether it fails (and with what) instead of running. */
function refusing(client: ClickHouseClient, refuse: (statement: { query?: string; table?: string }) => Error | undefined): ClickHouseClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || !['insert', 'command', 'query'].includes(String(property))) return value;
      return (...args: unknown[]) => {
        const error = refuse(args[0] as { query?: string; table?: string });
        return error ? Promise.reject(error) : (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describe('ingestion while ClickHouse is down', () => {
  it('writes every event once ClickHouse is back, and dead-letters none', async () => {
    bus = await createLocalEventBus({ databaseUrl: await freshDatabase('bus') });
    const client = await connectClickHouse({ CHDB_PATH: join(await mkdtemp(join(tmpdir(), 'chdb-')), 'data') });
    clickhouse = client;
    await applyClickHouseSchema(client);
    // Every write and read refused while `down`, as a server that does not answer would.
    let down = true;
    let refused = 0;
    const flaky = refusing(client, () => {
      if (!down) return undefined;
      refused++;
      return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
    });
    const dead: BusMessage[] = [];
    await bus.subscribe({ groupId: 'test-dlq', topics: [deadLetterTopic(INGEST_GROUP)], fromBeginning: true, handle: async (m) => void dead.push(m) });
    // The wallboard is told each time, so that its page can say the figures stand still, and why.
    const told: string[] = [];
    ingestion = await startIngestion(bus, flaky, { flushIntervalMs: 50, maxRows: 1_000, topics: ['telephony.calls'], onWriteFailed: (error) => told.push(String(error)) });
    await bus.publish('telephony.calls', Array.from({ length: 12 }, (_, i) => ({ key: `call-${i}`, value: call(i) })));

    // More refusals than the bus's attempts per message: before, each event went to the dead-letter topic here.
    await eventually('ClickHouse refused a few writes', () => refused >= 8, 20_000);
    expect(told[0]).toContain('ECONNREFUSED');
    down = false;
    const rows = async () => Number((await (await client.query({ query: 'select count() as n from events_raw_v1', format: 'JSONEachRow' })).json<{ n: string }>())[0]?.n);
    await eventually('all 12 events written', async () => (await rows()) === 12, 20_000);
    expect(dead).toEqual([]);
  }, 60_000);

  it('sets aside an event whose rows ClickHouse cannot take (a parse error), and writes the others', async () => {
    await ingestion?.close();
    await bus?.close();
    bus = await createLocalEventBus({ databaseUrl: await freshDatabase('bus') });
    const client = clickhouse!;
    await client.command({ query: 'truncate table events_raw_v1' });
    // ClickHouse refuses any insert holding call-poison's row, as it would a value it cannot parse.
    const strict = refusing(client, (statement) =>
      statement.query?.startsWith('insert into events_raw_v1') && statement.query.includes('call-poison')
        ? Object.assign(new Error('Cannot parse input: expected \'"\' before: ...'), { type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', code: '27' })
        : undefined,
    );
    const dead: BusMessage[] = [];
    await bus.subscribe({ groupId: 'test-dlq-rows', topics: [deadLetterTopic(INGEST_GROUP)], fromBeginning: true, handle: async (m) => void dead.push(m) });
    ingestion = await startIngestion(bus, strict, { flushIntervalMs: 50, maxRows: 1_000, topics: ['telephony.calls'] });
    const calls = Array.from({ length: 4 }, (_, i) => ({ key: `call-${i}`, value: call(i) }));
    await bus.publish('telephony.calls', [...calls.slice(0, 2), { key: 'call-poison', value: call('poison') }, ...calls.slice(2)]);
    await eventually('the bad event set aside', () => dead.length === 1, 20_000);
    expect(dead[0]!.key).toBe('call-poison');
    const rows = async () => Number((await (await client.query({ query: 'select count() as n from events_raw_v1', format: 'JSONEachRow' })).json<{ n: string }>())[0]?.n);
    await eventually('the 4 others written', async () => (await rows()) === 4, 20_000);
  }, 60_000);
});
