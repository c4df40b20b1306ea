// Reporting's ingestion: events/s from the bus into chDB through the real pipeline (fetch, decode,
// batch, insert with deduplication) against plain inserts of the same rows into the same chDB.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallArrivedSchema, encodeEvent } from '@switchboard/contracts';
import { createLocalEventBus, type BusMessage } from '@switchboard/eventbus';
import { connectClickHouse } from '../../services/reporting/src/adapters/clickhouse/client.ts';
import { applyClickHouseSchema } from '../../services/reporting/src/adapters/clickhouse/schema.ts';
import { ingestedEvent, startIngestion } from '../../services/reporting/src/application/ingest.ts';
import { now, rate, seconds, withPostgres, type Figure } from './harness.ts';

const EVENTS = 200_000;

export async function ingestion(): Promise<Figure[]> {
  return withPostgres(async (_server, database) => {
    const chdbDir = await mkdtemp(join(tmpdir(), 'bench-chdb-'));
    const clickhouse = await connectClickHouse({ CHDB_PATH: join(chdbDir, 'data') });
    try {
      await applyClickHouseSchema(clickhouse);
      const bus = await createLocalEventBus({ databaseUrl: await database('bench_ingest'), fetchMaxMessages: 5000 });
      await bus.ensureTopics([{ topic: 'telephony.calls', partitions: 8 }]);
      const at = new Date('2026-11-23T09:00:00Z');
      for (let i = 0; i < EVENTS; i += 5000) {
        await bus.publish(
          'telephony.calls',
          Array.from({ length: 5000 }, (_, j) => {
            const callId = `call-${i + j}`;
            const value = encodeEvent(CallArrivedSchema, { callId, callingNumber: '+8613812345678', dialledNumber: '+8695105555' }, {
              eventId: randomUUID(),
              streamId: callId,
              streamVersion: 1,
              occurredAt: new Date(at.getTime() + i + j),
              siteId: 'shenzhen',
            });
            return { key: callId, value };
          }),
        );
      }

      // Baseline: the same rows (decoded once, outside the clock) inserted straight into a twin table.
      await clickhouse.command({ query: 'create table baseline as events_raw_v1' });
      const sample: BusMessage[] = [];
      const collector = await bus.subscribe({ groupId: 'collect', topics: ['telephony.calls'], fromBeginning: true, handleBatch: async (m) => void sample.push(...m) });
      while (sample.length < EVENTS) await new Promise((r) => setTimeout(r, 50));
      await collector.stop();
      const rows = sample.map((m) => ingestedEvent(m).raw);
      let start = now();
      for (let i = 0; i < rows.length; i += 50_000) await clickhouse.insert({ table: 'baseline', values: rows.slice(i, i + 50_000), format: 'JSONEachRow' });
      const baselineSeconds = seconds(start);

      start = now();
      const pipeline = await startIngestion(bus, clickhouse, { flushIntervalMs: 1000, maxRows: 50_000, topics: ['telephony.calls'] });
      for (;;) {
        const [row] = await (await clickhouse.query({ query: 'select count() as n from events_raw_v1', format: 'JSONEachRow' })).json<{ n: string }>();
        if (Number(row?.n) >= EVENTS) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const pipelineSeconds = seconds(start);
      await pipeline.close();
      await bus.close();
      return [
        { benchmark: 'ingestion', figure: 'baseline: inserts of the same rows into chDB, 50,000 a batch', value: rate(EVENTS, baselineSeconds) },
        { benchmark: 'ingestion', figure: `bus → decode → batch → chDB, ${EVENTS.toLocaleString('en-US')} events already on the log`, value: rate(EVENTS, pipelineSeconds) },
        { benchmark: 'ingestion', figure: 'ratio: pipeline ÷ baseline', value: (EVENTS / pipelineSeconds / (EVENTS / baselineSeconds)).toFixed(2), note: 'target ≥ 0.5' },
      ];
    } finally {
      await clickhouse.close();
      await rm(chdbDir, { recursive: true, force: true });
    }
  });
}
