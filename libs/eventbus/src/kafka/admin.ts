// The adapter's admin client: topics, watermarks and committed offsets, connected on first use.
import type { Admin, Kafka } from 'kafkajs';
import type { TopicSpec } from '../port.ts';
import type { ResolvedKafkaOptions } from './options.ts';
import { hasCause, withTimeout } from './timeouts.ts';

/** Offsets per partition of one topic, as decimal strings. */
export type PartitionOffsets = ReadonlyMap<number, string>;

const retentionConfig = (spec: TopicSpec) =>
  spec.retentionMs === undefined ? [] : [{ name: 'retention.ms', value: String(spec.retentionMs) }];

export function validateTopicSpecs(specs: readonly TopicSpec[]): void {
  for (const spec of specs) {
    if (typeof spec.topic !== 'string' || spec.topic === '') throw new Error('a topic needs a non-empty name');
    if (!Number.isInteger(spec.partitions) || spec.partitions <= 0) {
      throw new Error(`topic ${spec.topic}: partitions must be a positive integer, got ${String(spec.partitions)}`);
    }
    if (spec.retentionMs !== undefined && (!Number.isInteger(spec.retentionMs) || spec.retentionMs <= 0)) {
      throw new Error(`topic ${spec.topic}: retentionMs must be a positive integer, got ${String(spec.retentionMs)}`);
    }
  }
}

export class KafkaAdmin {
  private connecting: Promise<Admin> | undefined;

  private readonly kafka: Kafka;
  private readonly options: ResolvedKafkaOptions;

  constructor(kafka: Kafka, options: ResolvedKafkaOptions) {
    this.kafka = kafka;
    this.options = options;
  }

  private client(): Promise<Admin> {
    if (!this.connecting) {
      const admin = this.kafka.admin();
      this.connecting = withTimeout('connecting the admin client', this.options.operationTimeoutMs, admin.connect()).then(
        () => admin,
        (error: unknown) => {
          this.connecting = undefined;
          void admin.disconnect().catch(() => undefined);
          throw error;
        },
      );
    }
    return this.connecting;
  }

  private async call<T>(what: string, work: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = await this.client();
    return withTimeout(what, this.options.operationTimeoutMs, work(admin));
  }

  /** Creates the topics that do not exist; existing ones keep their partitions and settings. */
  async createMissingTopics(specs: readonly TopicSpec[]): Promise<void> {
    const existing = new Set(await this.call('listing topics', (admin) => admin.listTopics()));
    const missing = specs.filter((spec) => !existing.has(spec.topic));
    if (missing.length === 0) return;
    // A topic created meanwhile by another client makes createTopics answer false: that is fine too.
    await this.call(`creating topics ${missing.map((s) => s.topic).join(', ')}`, (admin) =>
      admin.createTopics({
        waitForLeaders: true,
        timeout: this.options.operationTimeoutMs,
        topics: missing.map((spec) => ({ topic: spec.topic, numPartitions: spec.partitions, configEntries: retentionConfig(spec) })),
      }),
    );
  }

  async watermarks(topic: string): Promise<{ low: PartitionOffsets; high: PartitionOffsets }> {
    const offsets = await this.call(`reading the offsets of ${topic}`, (admin) => admin.fetchTopicOffsets(topic));
    return {
      low: new Map(offsets.map((o) => [o.partition, o.low])),
      high: new Map(offsets.map((o) => [o.partition, o.high])),
    };
  }

  /** The group's committed offset per partition; '-1' where it has none. */
  async committedOffsets(groupId: string, topic: string): Promise<PartitionOffsets> {
    const [result] = await this.call(`reading the offsets of group ${groupId}`, (admin) => admin.fetchOffsets({ groupId, topics: [topic] }));
    return new Map((result?.partitions ?? []).map((p) => [p.partition, p.offset]));
  }

  /**
   * Whether the group has no member, or undefined when the broker cannot say: librdkafka's mock cluster
   * has no DescribeGroups. Any other failure (such as a denied ACL) is an error.
   */
  async groupIsEmpty(groupId: string): Promise<boolean | undefined> {
    try {
      const { groups } = await this.call(`describing group ${groupId}`, (admin) => admin.describeGroups([groupId]));
      const state = groups[0]?.state ?? 'Dead';
      return state === 'Empty' || state === 'Dead';
    } catch (error) {
      if (hasCause(error, (e) => e.name === 'KafkaJSServerDoesNotSupportApiKey')) return undefined;
      throw error;
    }
  }

  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    if (!connecting) return;
    const admin = await connecting.catch(() => undefined);
    if (admin) await withTimeout('disconnecting the admin client', this.options.operationTimeoutMs, admin.disconnect());
  }
}
