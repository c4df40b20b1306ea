// Kafka buses for tests against librdkafka's mock cluster (hosted by kcat), with the accommodations it needs.
import kafkajs, { type PartitionAssigner } from 'kafkajs';
import { kafkaBrokers, uniqueName } from '@switchboard/testing';
import type { EventBus } from '../src/port.ts';
import { createKafkaEventBus, type KafkaEventBusOptions, type KafkaLogLevel } from '../src/kafka/index.ts';

const { PartitionAssigners } = kafkajs;

/** How long the group leader waits before assigning (see delayedRoundRobin). */
export const ASSIGNMENT_DELAY_MS = 300;

/**
 * The mock's SyncGroup answers a follower whose request arrives after the leader's with INVALID_REQUEST,
 * so the leader waits before handing out partitions; the assignment itself is kafkajs' round-robin.
 */
export const delayedRoundRobin: PartitionAssigner = (context) => {
  const roundRobin = PartitionAssigners.roundRobin(context);
  return {
    name: roundRobin.name,
    version: roundRobin.version,
    protocol: (subscription) => roundRobin.protocol(subscription),
    assign: async (group) => {
      await new Promise((resolve) => setTimeout(resolve, ASSIGNMENT_DELAY_MS));
      return roundRobin.assign(group);
    },
  };
};

/**
 * Settings that travel as JSON (a child process gets them too). Everything here that differs from
 * production exists for the mock:
 * - idempotent false: the idempotent producer's InitProducerId goes to the controller, and the mock
 *   reports controller 0 for brokers 1-3 ("Broker 0 not found");
 * - topicAdmin 'assume-existing': CreateTopics fails for the same reason, and the mock creates a topic
 *   with 4 partitions when a client first asks for it;
 * - short session and heartbeat: the mock waits a session timeout (less one second) for members to
 *   rejoin before each rebalance, so a short session keeps the suite fast; but a new group's first
 *   JoinGroup is held for 3 s and a member whose session ends meanwhile is dropped (its JoinGroup then
 *   never returns), so the session must stay above 3 s.
 */
export function kafkaTestOptions(): KafkaEventBusOptions & Record<string, unknown> {
  return {
    brokers: kafkaBrokers(),
    clientId: uniqueName('test'),
    idempotent: false,
    topicAdmin: 'assume-existing',
    sessionTimeoutMs: 3500,
    heartbeatIntervalMs: 250,
    rebalanceTimeoutMs: 10_000,
    maxWaitTimeMs: 250,
    operationTimeoutMs: 15_000,
    logLevel: (process.env.KAFKA_TEST_LOG_LEVEL as KafkaLogLevel | undefined) ?? 'silent',
  };
}

/** Partitions the mock gives every auto-created topic. */
export const MOCK_PARTITIONS = 4;

/** A new, independent client of the shared mock cluster, with the test-only assigner. */
export function createTestKafkaBus(overrides: Partial<KafkaEventBusOptions> = {}): EventBus {
  return createKafkaEventBus({ ...kafkaTestOptions(), partitionAssigners: [delayedRoundRobin], ...overrides });
}
