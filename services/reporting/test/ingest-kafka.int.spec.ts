// Ingestion on Kafka (the distributed mode's bus, here librdkafka's mock cluster): kafkajs hands over one partition's
// batch at a time, so a batch waiting for the sink's next write held every other partition back — one partition per
// write. Handed over while earlier batches wait (batchesInFlight), every partition's events go in the next write.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { partitionForKey, type EventBus } from '@switchboard/eventbus';
import { createTestKafkaBus, MOCK_PARTITIONS } from '@switchboard/eventbus/test-kafka';
import { eventually, uniqueName } from '@switchboard/testing';
import { connectClickHouse, type ClickHouseClient } from '../src/adapters/clickhouse/client.ts';
import { applyClickHouseSchema } from '../src/adapters/clickhouse/schema.ts';
import { startIngestion, type Ingestion } from '../src/application/ingest.ts';
import { callArrived } from './fixtures/arrivals.ts';

let bus: EventBus | undefined;
let clickhouse: ClickHouseClient | undefined;
let ingestion: Ingestion | undefined;
afterAll(async () => {
  await ingestion?.close();
  await bus?.close();
  await clickhouse?.close();
});

describe('ingestion on Kafka', () => {
  it("writes every partition's waiting events in the next write, not one partition per write", async () => {
    bus = createTestKafkaBus();
    const client = await connectClickHouse({ CHDB_PATH: join(await mkdtemp(join(tmpdir(), 'chdb-')), 'data') });
    clickhouse = client;
    await applyClickHouseSchema(client);
    const topic = uniqueName('calls');
    await bus.ensureTopics([{ topic, partitions: MOCK_PARTITIONS }]);
    let writes = 0;
    let written = 0;
    ingestion = await startIngestion(bus, client, {
      flushIntervalMs: 1_000,
      maxRows: 10_000,
      topics: [topic],
      onWriting: () => void writes++,
      onWritten: (events) => void (written += events.length),
    });
    // A first event, so that a write has just happened and the next one is a whole interval away.
    await bus.publish(topic, [{ key: 'call-first', value: callArrived('call-first') }]);
    await eventually('the first event written', () => written === 1, 20_000);

    const calls = Array.from({ length: 40 }, (_, i) => `call-${i}`);
    expect(new Set(calls.map((c) => partitionForKey(c, MOCK_PARTITIONS))).size).toBe(MOCK_PARTITIONS);
    const writesBefore = writes;
    await bus.publish(topic, calls.map((c) => ({ key: c, value: callArrived(c) })));
    await eventually('all 40 events written', () => written === 41, 30_000);
    // One write, or two if the partitions' batches reached the consumer on either side of one; one per partition before.
    expect(writes - writesBefore).toBeLessThanOrEqual(2);
  }, 60_000);
});
