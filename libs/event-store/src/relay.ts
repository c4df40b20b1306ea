// Moves the outbox to the bus, oldest first, at least once. One relay per database works at a time (an
// advisory lock); another replica's relay waits and takes over if the first one dies.
import pg from 'pg';
import type { EventBus, OutgoingMessage } from '@switchboard/eventbus';
import { poolOf } from './client.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { sqlOn } from './sql.ts';

export interface OutboxRelayOptions {
  readonly prisma: PrismaClient;
  readonly databaseUrl: string;
  readonly bus: EventBus;
  readonly batchSize?: number;
  /** How often the outbox is read without a notification (and how often a waiting replica retries the lock). */
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

export interface OutboxRelay {
  /** Resolves once the outbox is empty (for tests and for a clean shutdown). */
  drained(): Promise<void>;
  /** Finishes the batch in flight, then stops. */
  stop(): Promise<void>;
}

const RELAY_LOCK = 727_274_002;

/** The relays of this process that hold their database's outbox lock, by the pool their stores append through. */
const relaysHoldingLock = new WeakMap<pg.Pool, () => void>();

/**
 * Wakes the relay of this process when it is the one that moves this pool's outbox (it holds the lock), and answers
 * whether it did: then an append needs no NOTIFY, a round trip to Postgres and back for a relay a function call away.
 * Otherwise (another replica's relay holds the lock) the appender notifies through Postgres.
 */
export function wakeOutboxRelayHere(pool: pg.Pool): boolean {
  const wake = relaysHoldingLock.get(pool);
  if (wake === undefined) return false;
  wake();
  return true;
}

export async function startOutboxRelay(options: OutboxRelayOptions): Promise<OutboxRelay> {
  const { bus } = options;
  const pool = poolOf(options.prisma);
  const sql = sqlOn(pool);
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const onError = options.onError ?? ((error: unknown) => process.stderr.write(`outbox relay: ${String(error)}\n`));
  const session = new pg.Client({ connectionString: options.databaseUrl });
  let stopping = false;
  let wake: () => void = () => undefined;
  let pending = false;
  const wakeUp = () => {
    pending = true;
    wake();
  };
  // The lock goes with the session: once it is lost, appenders here notify through Postgres again.
  const forgetLock = () => {
    if (relaysHoldingLock.get(pool) === wakeUp) relaysHoldingLock.delete(pool);
  };
  session.on('error', (error) => {
    forgetLock();
    onError(error);
  });
  session.on('end', forgetLock);
  await session.connect();
  await session.query('listen switchboard_outbox');
  session.on('notification', wakeUp);
  let emptyWaiters: (() => void)[] = [];

  const relayBatch = async (): Promise<number> => {
    const rows = await sql.$queryRaw<{ id: string; topic: string; key: string; value: Buffer; headers: Record<string, string> }[]>`
      select id, topic, key, value, headers from outbox order by id limit ${batchSize}`;
    if (rows.length === 0) return 0;
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const row of rows) {
      const list = byTopic.get(row.topic) ?? [];
      list.push({ key: row.key, value: row.value, headers: row.headers });
      byTopic.set(row.topic, list);
    }
    for (const [topic, messages] of byTopic) await bus.publish(topic, messages);
    // Deleted only after the bus accepted them: a crash in between publishes them again (consumers are idempotent).
    await sql.$executeRaw`delete from outbox where id = any(${rows.map((r) => r.id)}::bigint[])`;
    return rows.length;
  };

  const sleep = () =>
    new Promise<void>((resolve) => {
      if (pending || stopping) return resolve();
      const timer = setTimeout(resolve, pollIntervalMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    let holding = false;
    while (!stopping) {
      try {
        if (!holding) {
          const { rows } = await session.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [RELAY_LOCK]);
          holding = rows[0]?.locked === true;
          if (!holding) {
            // Appends' wake-ups are for the holder: this one tries again at its poll, not at once (it spun on the lock).
            pending = false;
            await sleep();
            continue;
          }
          relaysHoldingLock.set(pool, wakeUp);
        }
        pending = false;
        const moved = await relayBatch();
        // A full batch may have more behind it. A shorter one took all there was: the next read waits for an
        // append's notification (one that came during this batch wakes it at once) or the poll, instead of
        // finding the outbox empty (a read in four at 20 calls/s).
        if (moved === batchSize) continue;
        if (moved === 0) {
          for (const done of emptyWaiters) done();
          emptyWaiters = [];
        }
        await sleep();
      } catch (error) {
        onError(error);
        await new Promise((r) => setTimeout(r, pollIntervalMs));
      }
    }
  })();

  return {
    drained: () =>
      new Promise<void>((resolve) => {
        emptyWaiters.push(resolve);
        pending = true;
        wake();
      }),
    async stop() {
      stopping = true;
      forgetLock();
      wake();
      await loop;
      for (const done of emptyWaiters) done();
      await session.end().catch(() => undefined);
    },
  };
}
