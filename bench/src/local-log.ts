// The local log: produce + consume throughput against plain batched INSERTs of the same rows, and latency at 1,000 events/s.
import pg from 'pg';
import { createLocalEventBus } from '@switchboard/eventbus';
import { kilobyte, now, percentile, produceAndConsume, rate, seconds, withPostgres, type Figure } from './harness.ts';

const EVENTS = 50_000;
const BATCH = 500;

export async function localLog(): Promise<Figure[]> {
  return withPostgres(async (_server, database) => {
    const url = await database('bench_bus');
    const figures: Figure[] = [];

    // Baseline: the same rows, the same batches, inserted into a plain table of the same shape.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`create table baseline (topic text, partition int, "offset" bigint, key text, value bytea, headers jsonb, appended_at timestamptz default now(), primary key (topic, partition, "offset"))`);
    const baselineStart = now();
    for (let i = 0; i < EVENTS; i += BATCH) {
      const n = Math.min(BATCH, EVENTS - i);
      const idx = Array.from({ length: n }, (_, j) => i + j);
      await client.query(
        `insert into baseline (topic, partition, "offset", key, value, headers)
         select 'calls', o % 8, o, k, v, h from unnest($1::bigint[], $2::text[], $3::bytea[], $4::jsonb[]) as t(o, k, v, h)`,
        [idx, idx.map((x) => `call-${x % 1000}`), idx.map(kilobyte), idx.map(() => '{"event-type":"CallArrived"}')],
      );
    }
    const baselineSeconds = seconds(baselineStart);
    await client.end();
    const baselineRate = EVENTS / baselineSeconds;

    const producer = await createLocalEventBus({ databaseUrl: url });
    const consumer = await createLocalEventBus({ databaseUrl: url });
    await producer.ensureTopics([{ topic: 'calls', partitions: 8 }]);
    const { produceSeconds, totalSeconds } = await produceAndConsume(producer, consumer, 'calls', EVENTS, BATCH, true);
    const throughput = EVENTS / totalSeconds;
    figures.push(
      { benchmark: 'local log', figure: 'baseline: batched INSERTs of the same 1 KB rows', value: rate(EVENTS, baselineSeconds) },
      { benchmark: 'local log', figure: 'produce only (batches of 500)', value: rate(EVENTS, produceSeconds) },
      { benchmark: 'local log', figure: 'produce + consume, 50,000 × 1 KB, 8 partitions', value: rate(EVENTS, totalSeconds) },
      { benchmark: 'local log', figure: 'ratio: produce + consume ÷ baseline', value: (throughput / baselineRate).toFixed(2), note: 'target ≥ 0.5, goal ≥ 0.8' },
    );

    // Latency: one event per publish, paced at 1,000 events/s for 10 s, timed from append to handler.
    const latencies: number[] = [];
    const sentAt = new Map<string, bigint>();
    await consumer.subscribe({
      groupId: 'latency',
      topics: ['latency'],
      fromBeginning: true,
      handle: async (message) => {
        const t = sentAt.get(message.key);
        if (t !== undefined) latencies.push(Number(now() - t) / 1e6);
      },
    });
    await producer.ensureTopics([{ topic: 'latency', partitions: 8 }]);
    const total = 10_000;
    const begin = Date.now();
    for (let i = 0; i < total; i++) {
      const due = begin + i;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const key = `call-${i}`;
      sentAt.set(key, now());
      void producer.publish('latency', [{ key, value: kilobyte(i) }]);
    }
    const deadline = Date.now() + 15_000;
    while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    latencies.sort((a, b) => a - b);
    figures.push(
      { benchmark: 'local log', figure: `latency append → handler at 1,000 events/s (${latencies.length} events), p50`, value: `${percentile(latencies, 50).toFixed(1)} ms` },
      { benchmark: 'local log', figure: 'latency p99', value: `${percentile(latencies, 99).toFixed(1)} ms`, note: 'target < 50 ms' },
    );
    await producer.close();
    await consumer.close();
    return figures;
  });
}
