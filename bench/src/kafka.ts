// The Kafka adapter against librdkafka's mock cluster (kcat): throughput for information only — a mock
// broker in memory says little about a real cluster.
import { createKafkaEventBus, type OutgoingMessage } from '@switchboard/eventbus';
import { startMockKafka } from '@switchboard/testing';
import { kilobyte, now, rate, seconds, type Figure } from './harness.ts';

// The mock stops serving fetches after about 20,000 1 KB messages on a topic (a plain kafkajs consumer
// stalls there too), so this run stays below that.
const EVENTS = 10_000;
const BATCH = 500;

export async function kafka(): Promise<Figure[]> {
  const mock = await startMockKafka();
  // The mock lacks CreateTopics and idempotence: the same accommodations as the test setup.
  const options = { brokers: mock.brokers.split(','), idempotent: false, topicAdmin: 'assume-existing', logLevel: 'silent' } as const;
  const producer = createKafkaEventBus({ ...options, clientId: 'bench-producer' });
  const consumer = createKafkaEventBus({ ...options, clientId: 'bench-consumer', sessionTimeoutMs: 6000, heartbeatIntervalMs: 500 });
  try {
    await producer.publish('calls', [{ key: 'warm-up', value: kilobyte(0) }]);
    let consumed = 0;
    let allConsumed: () => void = () => undefined;
    const done = new Promise<void>((r) => (allConsumed = r));
    await consumer.subscribe({
      groupId: 'bench',
      topics: ['calls'],
      fromBeginning: false,
      handleBatch: async (batch) => {
        consumed += batch.length;
        if (process.env.BENCH_DEBUG) process.stderr.write(`consumed ${consumed}\n`);
        if (consumed >= EVENTS) allConsumed();
      },
    });
    const start = now();
    for (let i = 0; i < EVENTS; i += BATCH) {
      const messages: OutgoingMessage[] = Array.from({ length: BATCH }, (_, j) => ({ key: `call-${(i + j) % 1000}`, value: kilobyte(i + j) }));
      await producer.publish('calls', messages);
      if (process.env.BENCH_DEBUG) process.stderr.write(`published ${i + BATCH}\n`);
    }
    const produceSeconds = seconds(start);
    await done;
    const totalSeconds = seconds(start);
    return [
      { benchmark: 'kafka (mock)', figure: 'produce only, 10,000 × 1 KB, batches of 500', value: rate(EVENTS, produceSeconds), note: 'for information' },
      { benchmark: 'kafka (mock)', figure: 'produce + consume', value: rate(EVENTS, totalSeconds), note: 'for information' },
    ];
  } finally {
    await producer.close();
    await consumer.close();
    await mock.stop();
  }
}
