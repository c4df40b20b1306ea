// Moves an idle group's committed offsets back to the oldest retained messages: a replay from the beginning.
import type { IMemberAssignment, Kafka } from 'kafkajs';
import type { KafkaAdmin, PartitionOffsets } from './admin.ts';
import { consumerConfig, joinTimeoutMs } from './consumer.ts';
import type { ResolvedKafkaOptions } from './options.ts';
import { withTimeout } from './timeouts.ts';

export interface ResetContext {
  readonly kafka: Kafka;
  readonly admin: KafkaAdmin;
  readonly options: ResolvedKafkaOptions;
}

const busyGroup = (groupId: string) =>
  new Error(`group ${groupId} has active members: stop them before resetting it to the earliest offsets`);

/**
 * kafkajs' admin.resetOffsets({ earliest: true }) commits the sentinel -2, which a consumer that
 * subscribes with fromBeginning false would read as "latest"; committing the low watermarks themselves
 * means the same replay whatever the next subscriber asks for.
 */
export async function resetToEarliest(context: ResetContext, groupId: string, topic: string): Promise<void> {
  if ((await context.admin.groupIsEmpty(groupId)) === false) throw busyGroup(groupId);
  const { low } = await context.admin.watermarks(topic);
  await commitAsSoleMember(context, groupId, topic, low);
  const committed = await context.admin.committedOffsets(groupId, topic);
  const wrong = [...low].filter(([partition, offset]) => committed.get(partition) !== offset);
  if (wrong.length > 0) throw new Error(`group ${groupId}: the reset of ${topic} did not take on partitions ${wrong.map(([p]) => p).join(', ')}`);
}

const ownsEveryPartition = (assignment: IMemberAssignment, topic: string, offsets: PartitionOffsets): boolean =>
  [...offsets.keys()].every((partition) => assignment[topic]?.includes(partition) ?? false);

/**
 * Kafka takes a group's commits only from a member of its current generation (librdkafka's mock
 * insists too), so the commit is made by a short-lived member that joins, commits and leaves, as
 * kafkajs' own admin.setOffsets does. If it is handed fewer than all partitions, another member is
 * alive, and it leaves without committing: this also guards brokers that cannot describe groups.
 */
async function commitAsSoleMember(context: ResetContext, groupId: string, topic: string, offsets: PartitionOffsets): Promise<void> {
  const consumer = context.kafka.consumer(consumerConfig(context.options, groupId));
  let assignment: IMemberAssignment | undefined;
  const joined = new Promise<void>((resolve) => {
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      assignment = event.payload.memberAssignment;
      // No data is needed: only the group membership.
      consumer.pause([{ topic }]);
      resolve();
    });
  });
  try {
    await withTimeout(`resetting group ${groupId}`, joinTimeoutMs(context.options), (async () => {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
      await joined;
    })());
    if (!assignment || !ownsEveryPartition(assignment, topic, offsets)) throw busyGroup(groupId);
    // kafkajs marks the consumer as running just after GROUP_JOIN, and drops commits made before that.
    await new Promise((resolve) => setImmediate(resolve));
    await withTimeout(
      `committing the earliest offsets of group ${groupId}`,
      context.options.operationTimeoutMs,
      consumer.commitOffsets([...offsets].map(([partition, offset]) => ({ topic, partition, offset }))),
    );
  } finally {
    await withTimeout(`leaving group ${groupId} after its reset`, context.options.operationTimeoutMs, consumer.disconnect());
  }
}
