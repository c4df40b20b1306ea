// The local adapter of the event bus: a partitioned log in Postgres, for the single-machine mode.
import { fileURLToPath } from 'node:url';
import { applyMigrations, readMigrations } from '@switchboard/postgres';
import type { Consumer, EventBus, OutgoingMessage, Subscription, TopicSpec } from '../port.ts';
import { LocalLog } from './log.ts';
import { batchesInFlightOf } from '../delivery.ts';
import { LocalGroupMember } from './consumer.ts';
import { Wakeups } from './wakeups.ts';

export interface LocalEventBusOptions {
  readonly databaseUrl: string;
  /** Partitions of a topic created on first use (default 8). */
  readonly defaultPartitions?: number;
  readonly heartbeatIntervalMs?: number;
  /** A member silent for this long is dropped from its group and its partitions reassigned (default 10 s). */
  readonly sessionTimeoutMs?: number;
  /**
   * How often an idle partition is read even without a notification (default 5 s): a safety net, since an append's
   * notification wakes its readers at once and a lost listening connection wakes them all when it is back. At 1 s a
   * quarter of all reads were idle partitions' polls finding nothing (~140 a second at 20 calls/s).
   */
  readonly pollIntervalMs?: number;
  readonly fetchMaxMessages?: number;
  /** How often messages past their topic's retention are deleted (default 60 s; 0 never). */
  readonly retentionCheckIntervalMs?: number;
  readonly poolSize?: number;
  /** Called when a consumer can no longer work (its database connection is gone): a service exits. */
  readonly onConsumerFailure?: (error: unknown) => void;
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Creates the log's tables if needed; run once per database before the first bus connects. */
export async function migrateLocalLog(databaseUrl: string): Promise<void> {
  await applyMigrations(databaseUrl, 'eventbus', await readMigrations(migrationsFolder));
}

export async function createLocalEventBus(options: LocalEventBusOptions): Promise<EventBus> {
  await migrateLocalLog(options.databaseUrl);
  const log = new LocalLog({
    databaseUrl: options.databaseUrl,
    defaultPartitions: options.defaultPartitions ?? 8,
    poolSize: options.poolSize ?? 10,
  });
  const wakeups = new Wakeups(options.databaseUrl);
  await wakeups.start();
  const members = new Set<LocalGroupMember>();
  const timings = {
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    pollIntervalMs: options.pollIntervalMs ?? 5000,
    fetchMaxMessages: options.fetchMaxMessages ?? 500,
  };
  const retentionEvery = options.retentionCheckIntervalMs ?? 60_000;
  const retention = retentionEvery > 0 ? setInterval(() => void log.applyRetention().catch(() => undefined), retentionEvery) : undefined;
  retention?.unref();
  const onFatal =
    options.onConsumerFailure ??
    ((error: unknown) => {
      process.stderr.write(`event bus consumer failed: ${String(error)}\n`);
    });

  const bus: EventBus = {
    kind: 'local',
    ensureTopics: (specs: readonly TopicSpec[]) => log.ensureTopics(specs),
    publish: (topic: string, messages: readonly OutgoingMessage[]) => log.append(topic, messages),
    async subscribe(subscription: Subscription): Promise<Consumer> {
      if (subscription.topics.length === 0) throw new Error(`group ${subscription.groupId} subscribes to no topic`);
      batchesInFlightOf(subscription);
      const member = new LocalGroupMember({
        log,
        wakeups,
        subscription,
        timings,
        databaseUrl: options.databaseUrl,
        publishDeadLetter: (topic, message) => log.append(topic, [message]),
        onFatal,
      });
      await member.join();
      members.add(member);
      const stop = member.stop.bind(member);
      return Object.assign(member, {
        stop: async () => {
          members.delete(member);
          await stop();
        },
      });
    },
    resetToEarliest: (groupId: string, topic: string) => log.resetToEarliest(groupId, topic),
    async close() {
      if (retention) clearInterval(retention);
      await Promise.all([...members].map((m) => m.stop()));
      members.clear();
      await wakeups.close();
      await log.close();
    },
  };
  return bus;
}
