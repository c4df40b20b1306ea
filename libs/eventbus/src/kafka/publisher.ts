// The adapter's producer: keyed records, acks from all in-sync replicas, Kafka's default (murmur2) partitioner.
import kafkajs, { type Kafka, type Producer } from 'kafkajs';
import type { OutgoingMessage } from '../port.ts';
import { toKafkaMessage } from './messages.ts';
import type { ResolvedKafkaOptions } from './options.ts';
import { withTimeout } from './timeouts.ts';

const { Partitioners } = kafkajs;

/** acks=-1: a send resolves only once every in-sync replica has the records. */
const ALL_REPLICAS = -1;

export class KafkaPublisher {
  private connecting: Promise<Producer> | undefined;

  private readonly kafka: Kafka;
  private readonly options: ResolvedKafkaOptions;

  constructor(kafka: Kafka, options: ResolvedKafkaOptions) {
    this.kafka = kafka;
    this.options = options;
  }

  private producer(): Promise<Producer> {
    if (!this.connecting) {
      const producer = this.kafka.producer({
        idempotent: this.options.idempotent,
        // One request in flight per broker keeps a key's records in order even when a send is retried,
        // which the idempotent producer requires and the plain one needs for the same guarantee.
        maxInFlightRequests: 1,
        // Named explicitly: this is the Java client's murmur2 partitioner, the one partitionForKey copies.
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: this.options.topicAdmin === 'assume-existing',
      });
      this.connecting = withTimeout('connecting the producer', this.options.operationTimeoutMs, producer.connect()).then(
        () => producer,
        (error: unknown) => {
          this.connecting = undefined;
          void producer.disconnect().catch(() => undefined);
          throw error;
        },
      );
    }
    return this.connecting;
  }

  /** One send per call: kafkajs puts a partition's records in one batch, so they are appended together or not at all. */
  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.producer();
    await withTimeout(
      `publishing ${messages.length} message(s) to ${topic}`,
      this.options.operationTimeoutMs,
      producer.send({ topic, acks: ALL_REPLICAS, messages: messages.map(toKafkaMessage) }),
    );
  }

  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    if (!connecting) return;
    const producer = await connecting.catch(() => undefined);
    if (producer) await withTimeout('disconnecting the producer', this.options.operationTimeoutMs, producer.disconnect());
  }
}
