// The Kafka adapter of the event bus (distributed mode), on kafkajs behind the bus port.
import kafkajs from 'kafkajs';
import { deadLetterMessage, type DeadLetter } from '../delivery.ts';
import { deadLetterTopic, type Consumer, type EventBus, type OutgoingMessage, type Subscription, type TopicSpec } from '../port.ts';
import { KafkaAdmin, validateTopicSpecs } from './admin.ts';
import { KafkaGroupMember, type MemberContext } from './consumer.ts';
import { defaultLogger, kafkaJsLevel, logCreatorFor } from './logging.ts';
import { resolveOptions, type KafkaEventBusOptions } from './options.ts';
import { KafkaPublisher } from './publisher.ts';
import { resetToEarliest } from './reset.ts';

export type { KafkaBusLogger, KafkaEventBusOptions, KafkaLogLevel } from './options.ts';
export { KafkaTimeoutError } from './timeouts.ts';

const { Kafka } = kafkajs;

/** Creates the bus; connections open on first use, so this never blocks and never fails on the network. */
export function createKafkaEventBus(options: KafkaEventBusOptions): EventBus {
  const resolved = resolveOptions(options);
  const logger = options.logger ?? defaultLogger(resolved.logLevel);
  const kafka = new Kafka({
    clientId: resolved.clientId,
    brokers: resolved.brokers,
    logLevel: kafkaJsLevel(resolved.logLevel),
    logCreator: logCreatorFor(logger),
  });
  const admin = new KafkaAdmin(kafka, resolved);
  const publisher = new KafkaPublisher(kafka, resolved);
  const members = new Set<KafkaGroupMember>();
  let closed = false;

  const open = (what: string) => {
    if (closed) throw new Error(`kafka event bus: ${what} after close()`);
  };
  const deadLetterFor =
    (groupId: string): DeadLetter =>
    (message, error, attempts) =>
      publisher.publish(deadLetterTopic(groupId), [deadLetterMessage(message, groupId, error, attempts)]);
  const onFailure =
    options.onConsumerFailure ??
    ((error: unknown) => logger.error({ err: error }, 'a kafka consumer stopped for good and will not restart'));

  const ensureTopics = async (specs: readonly TopicSpec[]): Promise<void> => {
    open('ensureTopics');
    validateTopicSpecs(specs);
    // In 'assume-existing' mode the platform owns topics (see the option): nothing to create here.
    if (resolved.topicAdmin === 'create' && specs.length > 0) await admin.createMissingTopics(specs);
  };

  const subscribe = async (subscription: Subscription): Promise<Consumer> => {
    open('subscribe');
    const { groupId } = subscription;
    await ensureTopics([{ topic: deadLetterTopic(groupId), partitions: resolved.deadLetterPartitions }]);
    const context: MemberContext = { kafka, options: resolved, admin, logger, deadLetter: deadLetterFor(groupId), onFailure };
    const member = await KafkaGroupMember.start(context, subscription);
    if (closed) {
      // close() ran while this member was joining, so it could not stop it.
      await member.stop();
      throw new Error(`kafka event bus: closed while group ${groupId} was joining`);
    }
    members.add(member);
    return {
      assignment: () => member.assignment(),
      stop: () => member.stop().finally(() => members.delete(member)),
    };
  };

  return {
    kind: 'kafka',
    ensureTopics,
    publish: async (topic: string, messages: readonly OutgoingMessage[]) => {
      open('publish');
      await publisher.publish(topic, messages);
    },
    subscribe,
    resetToEarliest: async (groupId: string, topic: string) => {
      open('resetToEarliest');
      await resetToEarliest({ kafka, admin, options: resolved }, groupId, topic);
    },
    async close() {
      if (closed) return;
      closed = true;
      const stopped = await Promise.allSettled([...members].map((member) => member.stop()));
      members.clear();
      const disconnected = await Promise.allSettled([publisher.close(), admin.close()]);
      const failures = [...stopped, ...disconnected].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (failures.length > 0) throw new AggregateError(failures, `kafka event bus: ${failures.length} part(s) did not close cleanly`);
    },
  };
}
