// The event bus port: what every service sees of the backbone, whichever adapter (local log or Kafka) carries it.

export type Headers = Readonly<Record<string, string>>;

/** A message to publish. The key picks the partition: one call's events, or one site's, stay in order. */
export interface OutgoingMessage {
  readonly key: string;
  readonly value: Uint8Array;
  readonly headers?: Headers;
}

/** A message as a consumer receives it. Offsets are decimal strings (Kafka offsets are 64-bit). */
export interface BusMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly value: Uint8Array;
  readonly headers: Headers;
  readonly timestamp: Date;
}

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** Messages older than this may be deleted; undefined keeps them for ever. */
  readonly retentionMs?: number;
}

export interface Subscription {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group with no committed offset starts: the oldest retained message, or only new ones. */
  readonly fromBeginning?: boolean;
  /**
   * Handles one message. Resolving commits it (at least once: a crash before the commit redelivers it).
   * Throwing retries it; after `maxAttempts` failures it goes to the dead-letter topic with the error
   * and the consumer moves on. Throw `UnprocessableMessage` to skip the retries, `DownstreamUnavailable`
   * when what failed is not the message (then it is retried until it succeeds, never dead-lettered).
   */
  readonly handle?: (message: BusMessage) => Promise<void>;
  /**
   * Handles a batch of one partition's messages, in order (for sinks that write in batches, such as
   * ClickHouse). A failing batch is retried, then split into single messages so only the bad ones
   * reach the dead-letter topic.
   */
  readonly handleBatch?: (messages: readonly BusMessage[]) => Promise<void>;
  /**
   * How many of one partition's batches may be in the handler at once (default 1). Above 1, the next batch is read
   * and handed over while earlier ones are still being handled: for a sink that gathers batches into one write
   * and answers each once the write is in, so that what arrives meanwhile joins the next write instead of waiting
   * to be read. Batches then finish out of order; a batch is committed only once it and all before it are handled.
   */
  readonly batchesInFlight?: number;
  /** Failures before a message is dead-lettered (default 3). */
  readonly maxAttempts?: number;
  /** Told of each message set aside on the dead-letter topic (for a log line: a dead letter must not go unseen). */
  readonly onDeadLetter?: (message: BusMessage, error: unknown) => void;
}

/** A running consumer-group member. */
export interface Consumer {
  /** Partitions this member owns now, as `topic:partition`. */
  assignment(): readonly string[];
  /** Finishes the in-flight batch, commits it, leaves the group. */
  stop(): Promise<void>;
}

export interface EventBus {
  readonly kind: 'local' | 'kafka';
  /** Creates topics that do not exist yet (existing ones are left as they are). */
  ensureTopics(specs: readonly TopicSpec[]): Promise<void>;
  /** Appends messages durably (all of them or none, per partition); resolves once they are accepted. */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  subscribe(subscription: Subscription): Promise<Consumer>;
  /** Moves a group's committed offsets back to the oldest retained message: a replay from the beginning. */
  resetToEarliest(groupId: string, topic: string): Promise<void>;
  /** Stops every consumer of this instance (committing their work) and closes connections. */
  close(): Promise<void>;
}

/** Thrown by a handler for a message that can never succeed (malformed, unknown type): dead-letter at once. */
export class UnprocessableMessage extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnprocessableMessage';
  }
}

/**
 * Thrown by a handler that could not finish for a reason outside the messages: the store it writes to is down,
 * or refused the write. Nothing is dead-lettered for it: the batch is delivered again, with pauses growing to
 * 5 s, until it goes in; the partition waits meanwhile (its lag shows it). A consumer stopping meanwhile does not
 * commit the batch, so it is delivered again after the restart.
 */
export class DownstreamUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DownstreamUnavailable';
  }
}

/** The dead-letter topic of a consumer group: failures of each group land apart. */
export const deadLetterTopic = (groupId: string): string => `${groupId}.dlq`;

/** Headers a dead-lettered message carries besides its own. */
export const DeadLetterHeaders = {
  error: 'x-dlq-error',
  attempts: 'x-dlq-attempts',
  topic: 'x-dlq-original-topic',
  partition: 'x-dlq-original-partition',
  offset: 'x-dlq-original-offset',
  group: 'x-dlq-group',
  failedAt: 'x-dlq-failed-at',
} as const;
