// Options of the Kafka adapter, their production defaults, and the check that refuses a wrong value by name.
import type { PartitionAssigner } from 'kafkajs';
import type { Logger } from 'pino';

export type KafkaLogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

/** The part of a pino logger the adapter writes to (a service passes its own). */
export type KafkaBusLogger = Pick<Logger, 'error' | 'warn' | 'info' | 'debug'>;

export interface KafkaEventBusOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /**
   * Idempotent producer (default true): with acks=all and one request in flight, a retried send is
   * written once and in order. Only a cluster without idempotence support (librdkafka's mock) needs false.
   */
  readonly idempotent?: boolean;
  /**
   * 'create' (default): ensureTopics creates missing topics through the controller (CreateTopics), and
   * producers and consumers never ask the broker to auto-create one, so a misspelt topic fails loudly
   * instead of appearing with the broker's default partition count.
   * 'assume-existing': topics are provisioned elsewhere (a topic operator, or a broker that auto-creates
   * them on first use, as librdkafka's mock cluster does with 4 partitions); ensureTopics only validates
   * its arguments and clients may trigger auto-creation.
   */
  readonly topicAdmin?: 'create' | 'assume-existing';
  /** Consumer session (default 30 s): a member silent this long is dropped from its group. */
  readonly sessionTimeoutMs?: number;
  /** Heartbeats to the group coordinator (default 3 s), also sent from inside long batches. */
  readonly heartbeatIntervalMs?: number;
  /** How long the coordinator waits for members to rejoin during a rebalance (default 60 s). */
  readonly rebalanceTimeoutMs?: number;
  /** Longest a fetch waits for data (default 1 s); bounds how long stop() waits for an idle fetch. */
  readonly maxWaitTimeMs?: number;
  /** Bound on connecting, publishing and admin calls (default 30 s), so that nothing hangs. */
  readonly operationTimeoutMs?: number;
  /** Partitions of a dead-letter topic that ensureTopics creates (default 1; 'create' mode only). */
  readonly deadLetterPartitions?: number;
  /** Partition assignment strategies for every consumer (default kafkajs' round-robin). Tests only. */
  readonly partitionAssigners?: readonly PartitionAssigner[];
  /** Lowest level logged (default 'warn'); kafkajs' own lines are filtered at this level before they reach the logger. */
  readonly logLevel?: KafkaLogLevel;
  /** Where the adapter and kafkajs log; a pino logger of the adapter's own when omitted. */
  readonly logger?: KafkaBusLogger;
  /** Called when a consumer stops for good (kafkajs gave up restarting it): a service exits. */
  readonly onConsumerFailure?: (error: unknown) => void;
}

export interface ResolvedKafkaOptions {
  readonly brokers: string[];
  readonly clientId: string;
  readonly idempotent: boolean;
  readonly topicAdmin: 'create' | 'assume-existing';
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly maxWaitTimeMs: number;
  readonly operationTimeoutMs: number;
  readonly deadLetterPartitions: number;
  readonly partitionAssigners: PartitionAssigner[] | undefined;
  readonly logLevel: KafkaLogLevel;
}

const positive = (name: string, value: number | undefined, fallback: number): number => {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen <= 0) throw new Error(`kafka event bus: ${name} must be a positive integer, got ${String(value)}`);
  return chosen;
};

/** Fills in the defaults and refuses inconsistent values with a message that names the option. */
export function resolveOptions(options: KafkaEventBusOptions): ResolvedKafkaOptions {
  if (!Array.isArray(options.brokers) || options.brokers.length === 0 || options.brokers.some((b) => typeof b !== 'string' || !b.includes(':'))) {
    throw new Error(`kafka event bus: brokers must be a non-empty list of host:port, got ${JSON.stringify(options.brokers)}`);
  }
  if (typeof options.clientId !== 'string' || options.clientId === '') throw new Error('kafka event bus: clientId must be a non-empty string');
  const topicAdmin = options.topicAdmin ?? 'create';
  if (topicAdmin !== 'create' && topicAdmin !== 'assume-existing') {
    throw new Error(`kafka event bus: topicAdmin must be 'create' or 'assume-existing', got ${JSON.stringify(topicAdmin)}`);
  }
  const sessionTimeoutMs = positive('sessionTimeoutMs', options.sessionTimeoutMs, 30_000);
  const heartbeatIntervalMs = positive('heartbeatIntervalMs', options.heartbeatIntervalMs, 3_000);
  if (heartbeatIntervalMs >= sessionTimeoutMs) {
    throw new Error(`kafka event bus: heartbeatIntervalMs (${heartbeatIntervalMs}) must be below sessionTimeoutMs (${sessionTimeoutMs})`);
  }
  const maxWaitTimeMs = positive('maxWaitTimeMs', options.maxWaitTimeMs, 1_000);
  if (maxWaitTimeMs >= sessionTimeoutMs) {
    throw new Error(`kafka event bus: maxWaitTimeMs (${maxWaitTimeMs}) must be below sessionTimeoutMs (${sessionTimeoutMs})`);
  }
  return {
    brokers: [...options.brokers],
    clientId: options.clientId,
    idempotent: options.idempotent ?? true,
    topicAdmin,
    sessionTimeoutMs,
    heartbeatIntervalMs,
    rebalanceTimeoutMs: positive('rebalanceTimeoutMs', options.rebalanceTimeoutMs, 60_000),
    maxWaitTimeMs,
    operationTimeoutMs: positive('operationTimeoutMs', options.operationTimeoutMs, 30_000),
    deadLetterPartitions: positive('deadLetterPartitions', options.deadLetterPartitions, 1),
    partitionAssigners: options.partitionAssigners ? [...options.partitionAssigners] : undefined,
    logLevel: options.logLevel ?? 'warn',
  };
}
