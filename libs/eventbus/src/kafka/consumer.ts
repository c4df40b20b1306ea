// One consumer-group member on kafkajs: batches per partition through deliverBatch, commit after success.
import type { Consumer as KafkaConsumer, ConsumerConfig, EachBatchPayload, IMemberAssignment, Kafka } from 'kafkajs';
import { batchesInFlightOf, deliverBatch, type DeadLetter } from '../delivery.ts';
import { DownstreamUnavailable, type BusMessage, type Consumer, type Subscription } from '../port.ts';
import type { KafkaAdmin, PartitionOffsets } from './admin.ts';
import { nextOffset, toBusMessage } from './messages.ts';
import type { KafkaBusLogger, ResolvedKafkaOptions } from './options.ts';
import { withTimeout } from './timeouts.ts';

export interface MemberContext {
  readonly kafka: Kafka;
  readonly options: ResolvedKafkaOptions;
  readonly admin: KafkaAdmin;
  readonly logger: KafkaBusLogger;
  readonly deadLetter: DeadLetter;
  readonly onFailure: (error: unknown) => void;
}

type TopicPartitions = { topic: string; partitions: number[] };

const toTopicPartitions = (assignment: IMemberAssignment): TopicPartitions[] =>
  Object.entries(assignment).map(([topic, partitions]) => ({ topic, partitions: [...partitions] }));

const toNames = (assignment: IMemberAssignment): string[] =>
  toTopicPartitions(assignment).flatMap(({ topic, partitions }) => partitions.map((p) => `${topic}:${p}`));

/** The kafkajs settings every consumer of the adapter shares (the reset helper's too). */
export function consumerConfig(options: ResolvedKafkaOptions, groupId: string): ConsumerConfig {
  return {
    groupId,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: options.heartbeatIntervalMs,
    rebalanceTimeout: options.rebalanceTimeoutMs,
    maxWaitTimeInMs: options.maxWaitTimeMs,
    allowAutoTopicCreation: options.topicAdmin === 'assume-existing',
    ...(options.partitionAssigners ? { partitionAssigners: options.partitionAssigners } : {}),
  };
}

/** How long joining a group may take: the coordinator waits up to the rebalance timeout for the others. */
export const joinTimeoutMs = (options: ResolvedKafkaOptions): number =>
  options.rebalanceTimeoutMs + options.sessionTimeoutMs + options.operationTimeoutMs;

/** Resolves on the member's first GROUP_JOIN; rejects if kafkajs crashes for good before it. */
class FirstJoin {
  readonly promise: Promise<void>;
  resolve!: () => void;
  reject!: (error: unknown) => void;
  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.promise.catch(() => undefined);
  }
}

export class KafkaGroupMember implements Consumer {
  private readonly consumer: KafkaConsumer;
  private owned: readonly string[] = [];
  private readonly firstJoin = new FirstJoin();
  private joinedOnce = false;
  private startingPositions: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;

  /** High watermarks read when subscribe was called: where partitions the group never committed start (fromBeginning false). */
  private latestAtSubscribe: ReadonlyMap<string, PartitionOffsets> | undefined;

  private readonly context: MemberContext;
  private readonly subscription: Subscription;

  /**
   * With `batchesInFlight` above 1: each partition's batches handed over and not yet handled, and the promise of
   * their commits in order. A rebalance or a restart (a new generation) forgets them: their commits are no longer
   * this member's, and the partition is read again from its last commit.
   */
  private readonly handingOver = new Map<string, { readonly batches: Set<Promise<void>>; committed: Promise<void> }>();
  /** Every batch handed over and not yet settled, of any generation: stop() waits for them. */
  private readonly inFlight = new Set<Promise<void>>();
  private generation = 0;
  private stopRequested = false;
  /** A heartbeat was refused (the group is rebalancing): batches held back for a store that is down are given up. */
  private rebalancing = false;
  /** A handed-over batch failed (its dead letter could not be published): the next eachBatch throws it. */
  private failure: { error: unknown } | undefined;

  private constructor(context: MemberContext, subscription: Subscription) {
    this.context = context;
    this.subscription = subscription;
    this.consumer = context.kafka.consumer(consumerConfig(context.options, subscription.groupId));
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => this.onJoin(event.payload.memberAssignment));
    this.consumer.on(this.consumer.events.CRASH, (event) => this.onCrash(event.payload.error, event.payload.restart));
  }

  /** Joins the group and resolves once this member holds its partitions and knows where to start reading them. */
  static async start(context: MemberContext, subscription: Subscription): Promise<KafkaGroupMember> {
    if (subscription.topics.length === 0) throw new Error(`group ${subscription.groupId} subscribes to no topic`);
    if (!subscription.handle && !subscription.handleBatch) {
      throw new Error(`subscription of group ${subscription.groupId} has neither handle nor handleBatch`);
    }
    batchesInFlightOf(subscription);
    const { options } = context;
    const { groupId } = subscription;
    const fromBeginning = subscription.fromBeginning ?? false;
    const member = new KafkaGroupMember(context, subscription);
    try {
      await withTimeout(`connecting group ${groupId}`, options.operationTimeoutMs, member.consumer.connect());
      // Subscribing loads the topics' metadata, which is also what makes an auto-creating broker create them.
      await withTimeout(`subscribing group ${groupId}`, options.operationTimeoutMs, member.consumer.subscribe({ topics: [...subscription.topics], fromBeginning }));
      if (!fromBeginning) member.latestAtSubscribe = await member.readLatestOffsets();
      await member.run();
      return member;
    } catch (error) {
      await member.stop().catch(() => undefined);
      throw error;
    }
  }

  /**
   * kafkajs resolves "latest" lazily, at the member's first fetch, so a message published just after
   * subscribe() resolved could be skipped; reading the high watermarks now makes "only new messages"
   * mean new since this call.
   */
  private async readLatestOffsets(): Promise<ReadonlyMap<string, PartitionOffsets>> {
    const latest = new Map<string, PartitionOffsets>();
    for (const topic of this.subscription.topics) latest.set(topic, (await this.context.admin.watermarks(topic)).high);
    return latest;
  }

  private async run(): Promise<void> {
    const { groupId } = this.subscription;
    await withTimeout(
      `joining group ${groupId}`,
      joinTimeoutMs(this.context.options),
      (async () => {
        await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.handleBatch(payload) });
        await this.firstJoin.promise;
        await this.startingPositions;
      })(),
    );
  }

  assignment(): readonly string[] {
    return this.owned;
  }

  /** Lets the in-flight batches finish and commit (kafkajs waits for the one it handed over; the rest here), then leaves the group. */
  stop(): Promise<void> {
    this.stopping ??= withTimeout(
      `stopping the member of group ${this.subscription.groupId}`,
      this.context.options.operationTimeoutMs,
      (async () => {
        this.stopRequested = true;
        try {
          if (this.inFlight.size > 0) {
            // No more reading while the batches handed over finish and commit (a crashed consumer cannot pause).
            try {
              this.consumer.pause(this.subscription.topics.map((topic) => ({ topic })));
            } catch {
              // nothing to pause
            }
            await Promise.all(this.inFlight);
            await Promise.all([...this.handingOver.values()].map((p) => p.committed.catch(() => undefined)));
          }
        } finally {
          await this.consumer.disconnect();
        }
      })(),
    ).finally(() => {
      this.owned = [];
    });
    return this.stopping;
  }

  private onJoin(assignment: IMemberAssignment): void {
    this.owned = toNames(assignment);
    this.forgetHandedOver();
    if (!this.joinedOnce) {
      this.joinedOnce = true;
      if (this.latestAtSubscribe) this.startingPositions = this.pinStartingPositions(toTopicPartitions(assignment));
      this.firstJoin.resolve();
    }
  }

  /** A new generation: the batches handed over before commit nothing more; the partitions are read from their commits. */
  private forgetHandedOver(): void {
    this.generation++;
    this.handingOver.clear();
    this.rebalancing = false;
    this.failure = undefined;
  }

  private onCrash(error: Error, restarting: boolean): void {
    this.owned = [];
    this.forgetHandedOver();
    if (restarting || this.stopping) return;
    this.firstJoin.reject(error);
    if (this.joinedOnce) this.context.onFailure(error);
  }

  /**
   * Partitions the group never committed start at the high watermark read at subscribe time, and that
   * position is committed at once, so a restart before the first message resumes there instead of at a
   * later "latest". The partitions stay paused (this begins inside the GROUP_JOIN event, before the
   * first fetch) until the seeks are queued.
   */
  private async pinStartingPositions(assigned: TopicPartitions[]): Promise<void> {
    this.consumer.pause(assigned);
    try {
      const starts: { topic: string; partition: number; offset: string }[] = [];
      for (const { topic, partitions } of assigned) {
        const committed = await this.context.admin.committedOffsets(this.subscription.groupId, topic);
        const latest = this.latestAtSubscribe?.get(topic);
        for (const partition of partitions) {
          const offset = latest?.get(partition);
          if (offset !== undefined && BigInt(committed.get(partition) ?? '-1') < 0n) starts.push({ topic, partition, offset });
        }
      }
      for (const start of starts) this.consumer.seek(start);
      if (starts.length > 0) await this.consumer.commitOffsets(starts);
    } catch (error) {
      // Not fatal: kafkajs then starts these partitions at the latest offset of its first fetch.
      this.context.logger.warn({ err: error, groupId: this.subscription.groupId }, 'could not pin the starting offsets of a new group');
    } finally {
      this.consumer.resume(assigned);
    }
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.isEmpty() || payload.isStale()) return;
    const messages = batch.messages.map((record) => toBusMessage(batch.topic, batch.partition, record));
    if ((this.subscription.batchesInFlight ?? 1) > 1) return this.handOver(payload, messages);
    // A batch whose handler's store is down is retried until it goes in, unless this member stops or its group is
    // rebalancing (a heartbeat refused): then the batch is left uncommitted for the partition's next owner.
    await this.heartbeatingWhile(payload, (refusal) =>
      deliverBatch(messages, this.subscription, this.context.deadLetter, () => refusal() !== undefined || !payload.isRunning() || payload.isStale()),
    );
    const last = messages.at(-1)!.offset;
    payload.resolveOffset(last);
    try {
      // Committed directly, not through consumer.commitOffsets, which drops the commit once stop() began.
      await payload.commitOffsetsIfNecessary({
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: nextOffset(last) }] }],
      });
    } catch (error) {
      // The batch was handled; if the group moved on meanwhile its new owner gets it again (at least once).
      this.context.logger.warn(
        { err: error, groupId: this.subscription.groupId, topic: batch.topic, partition: batch.partition, offset: last },
        'could not commit a handled batch',
      );
      throw error;
    }
  }

  /**
   * `batchesInFlight` above 1: the batch is handed to the handler and the partition read on at once (its offset
   * resolved, which is what kafkajs fetches from), up to that many batches; each is committed once it and every
   * batch before it are handled. A batch given up because the member stops or a new generation began is left
   * uncommitted for the partition's next reader. One that fails (its dead letter could not be published), or is given
   * up for a rebalance that has not come (yet), stops the partition's commits, and the next eachBatch throws, so
   * kafkajs restarts the consumer from the committed offsets, as when a batch handled alone fails.
   */
  private async handOver(payload: EachBatchPayload, messages: BusMessage[]): Promise<void> {
    const { topic, partition } = payload.batch;
    if (this.stopRequested) return;
    if (this.failure) {
      const { error } = this.failure;
      this.failure = undefined;
      throw error;
    }
    const key = `${topic}:${partition}`;
    const generation = this.generation;
    let state = this.handingOver.get(key);
    if (!state) this.handingOver.set(key, (state = { batches: new Set(), committed: Promise.resolve() }));
    const { batches } = state;
    const depth = this.subscription.batchesInFlight!;
    // Room for one more, but never past a rebalance: kafkajs can rejoin only once eachBatch returns.
    let refused: unknown;
    await this.heartbeatingWhile(payload, async (refusal) => {
      while (batches.size >= depth && refusal() === undefined) {
        await Promise.race([...batches, new Promise((resolve) => setTimeout(resolve, this.context.options.heartbeatIntervalMs).unref())]);
      }
      refused = refusal();
    });
    if (refused !== undefined) {
      // Waiting here would hold the whole group up. The batches held for a store that is down are given up, this one
      // is not handed over, and the heartbeat's refusal goes to kafkajs, which rejoins the group (a rebalance) or
      // restarts the consumer; either way the partitions are read again from their committed offsets.
      this.rebalancing = true;
      throw refused;
    }
    // Not resolved, so read again by whoever reads the partition next.
    if (this.stopRequested || generation !== this.generation || !payload.isRunning() || payload.isStale()) return;
    const givenUp = () => this.stopRequested || this.rebalancing || generation !== this.generation || !payload.isRunning();
    const handling = deliverBatch(messages, this.subscription, this.context.deadLetter, givenUp);
    const last = messages.at(-1)!.offset;
    payload.resolveOffset(last);
    const settled: Promise<void> = handling
      .catch((error: unknown) => {
        // Given up for a stop or a new generation: the partition's next reader gets it again.
        if (this.stopRequested || generation !== this.generation) return;
        if (!(error instanceof DownstreamUnavailable)) {
          this.context.logger.error({ err: error, groupId: this.subscription.groupId, topic, partition }, 'a batch could not be handled; the consumer restarts from the committed offsets');
        }
        this.failure ??= { error };
      })
      .finally(() => {
        batches.delete(settled);
        this.inFlight.delete(settled);
      });
    batches.add(settled);
    this.inFlight.add(settled);
    state.committed = Promise.all([state.committed, handling]).then(async () => {
      if (generation !== this.generation) return;
      try {
        await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: nextOffset(last) }] }] });
      } catch (error) {
        // Handled, not committed: its partition's next reader (or this member after a restart) gets it again.
        this.context.logger.warn({ err: error, groupId: this.subscription.groupId, topic, partition, offset: last }, 'could not commit a handled batch');
      }
    });
    state.committed.catch(() => undefined);
  }

  /**
   * A slow handler must not cost the member its place in the group (kafkajs issue #375): heartbeats go on
   * while the batch is handled. A failed heartbeat (the group is rebalancing) is left for kafkajs to see
   * at its own heartbeat after the batch, so the handled batch is still committed first; `work` is told of it,
   * so that a batch held back for a store that is down is given up instead (the partition may be going).
   */
  private async heartbeatingWhile(payload: EachBatchPayload, work: (refusal: () => unknown) => Promise<void>): Promise<void> {
    let refused: unknown;
    const timer = setInterval(() => void payload.heartbeat().catch((error: unknown) => void (refused ??= error ?? new Error('heartbeat refused'))), this.context.options.heartbeatIntervalMs);
    try {
      await work(() => refused);
    } finally {
      clearInterval(timer);
    }
  }
}
