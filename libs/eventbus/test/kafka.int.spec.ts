// The Kafka adapter against librdkafka's mock cluster: the shared bus contract, then what is Kafka's own.
import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import { describe, it, type TestContext } from 'vitest';
import { eventually, uniqueName } from '@switchboard/testing';
import type { BusMessage, EventBus } from '../src/port.ts';
import { partitionForKey } from '../src/partitioner.ts';
import { createKafkaEventBus, type KafkaEventBusOptions } from '../src/kafka/index.ts';
import { eventBusContract } from './contract.ts';
import { MOCK_PARTITIONS, createTestKafkaBus, kafkaTestOptions } from './kafka-test-setup.ts';

const { Partitioners } = kafkajs;

eventBusContract('kafka', async () => createTestKafkaBus(), {
  partitions: MOCK_PARTITIONS,
  childConfig: () => ({ kind: 'kafka', ...kafkaTestOptions() }),
});

const text = (m: BusMessage) => Buffer.from(m.value).toString();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Concurrent: most of each test is the mock holding a group join for seconds, so they overlap well.
describe.concurrent('the kafka adapter', () => {
  /** A bus closed when the test ends (a shared afterEach would close the buses of tests still running). */
  const bus = (context: TestContext, options: Partial<KafkaEventBusOptions> = {}): EventBus => {
    const b = createTestKafkaBus(options);
    context.onTestFinished(() => b.close());
    return b;
  };

  it("picks a key's partition exactly as partitionForKey does (kafkajs' default partitioner is murmur2)", ({ expect }) => {
    const partitioner = Partitioners.DefaultPartitioner();
    for (let partitions = 1; partitions <= 24; partitions++) {
      const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
      for (let i = 0; i < 200; i++) {
        const key = i % 2 === 0 ? `call-${randomBytes(6).toString('hex')}` : `站点-${i}-${'x'.repeat(i % 7)}`;
        const chosen = partitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
        expect(chosen, `key ${key} over ${partitions} partitions`).toBe(partitionForKey(key, partitions));
      }
    }
  });

  it('starts a new group without fromBeginning at what is published after subscribe, then resumes from its commits', async (context) => {
    const { expect } = context;
    const b = bus(context);
    const t = uniqueName('calls');
    await b.publish(t, [{ key: 'k', value: Buffer.from('before') }]);
    const groupId = uniqueName('wallboard');
    const seen: string[] = [];
    const member = await b.subscribe({ groupId, topics: [t], handle: async (m) => void seen.push(text(m)) });
    // Published at once: kafkajs alone would pick "latest" at its first fetch, and could skip these.
    await b.publish(t, ['a', 'b', 'c', 'd'].map((v) => ({ key: v, value: Buffer.from(v) })));
    await eventually('the four new messages', () => seen.length === 4);
    await member.stop();
    await b.publish(t, [{ key: 'e', value: Buffer.from('while away') }]);
    await b.subscribe({ groupId, topics: [t], handle: async (m) => void seen.push(text(m)) });
    await eventually('the message published while the group was away', () => seen.length === 5, 20_000);
    expect(seen.slice(0, 4).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(seen[4]).toBe('while away');
  });

  it('keeps a member whose handler outlasts the session timeout: it heartbeats inside the batch', async (context) => {
    const { expect } = context;
    const b = bus(context);
    const t = uniqueName('slow');
    const groupId = uniqueName('qa');
    const { sessionTimeoutMs, brokers } = kafkaTestOptions();
    await b.publish(t, [{ key: 'k', value: Buffer.from('slow') }]);
    let handled = 0;
    let finished = false;
    const member = await b.subscribe({
      groupId,
      topics: [t],
      fromBeginning: true,
      handle: async () => {
        handled++;
        await pause(Number(sessionTimeoutMs) + 1000);
        finished = true;
      },
    });
    const owned = member.assignment();
    await eventually('the slow handler done', () => finished, 10_000);
    // A member dropped from the group could not commit (its generation is gone) and would get the message again.
    const admin = new kafkajs.Kafka({ clientId: uniqueName('check'), brokers: [...brokers], logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const committed = async () => (await admin.fetchOffsets({ groupId, topics: [t] }))[0]?.partitions.find((p) => p.offset !== '-1')?.offset;
      await eventually('the slow message committed', async () => (await committed()) === '1', 3_000);
    } finally {
      await admin.disconnect();
    }
    expect(handled).toBe(1);
    expect(member.assignment()).toEqual(owned);
  });

  it("reports the mock's missing controller when asked to create topics in 'create' mode", async (context) => {
    const b = bus(context, { topicAdmin: 'create' });
    await context.expect(b.ensureTopics([{ topic: uniqueName('t'), partitions: 4 }])).rejects.toThrow(/Broker 0 not found/);
  });

  it.skip("publishes through the idempotent producer (the mock cannot: InitProducerId goes to controller 0, 'Broker 0 not found')", () => {});

  it('refuses options that cannot work, naming them', ({ expect }) => {
    const base = kafkaTestOptions();
    expect(() => createKafkaEventBus({ ...base, brokers: [] })).toThrow(/brokers must be a non-empty list/);
    expect(() => createKafkaEventBus({ ...base, heartbeatIntervalMs: 3000, sessionTimeoutMs: 3000 })).toThrow(/heartbeatIntervalMs/);
    expect(() => createKafkaEventBus({ ...base, topicAdmin: 'maybe' as never })).toThrow(/topicAdmin/);
  });

  it('refuses a topic with no partitions, naming it', async (context) => {
    await context.expect(bus(context).ensureTopics([{ topic: 'calls', partitions: 0 }])).rejects.toThrow(/topic calls: partitions must be a positive integer/);
  });
});
