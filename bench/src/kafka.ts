// The Kafka adapter against librdkafka's mock cluster (kcat): throughput for information only — a mock
// broker in memory says little about a real cluster.
import { createKafkaEventBus } from '@switchboard/eventbus';
import { startMockKafka } from '@switchboard/testing';
import { kilobyte, produceAndConsume, rate, type Figure } from './harness.ts';

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
    const { produceSeconds, totalSeconds } = await produceAndConsume(producer, consumer, 'calls', EVENTS, BATCH, false);
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
