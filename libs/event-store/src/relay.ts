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

/** An outbox row as the relay moves it. */
export interface OutboxRow {
  readonly id: string;
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

/** The relays of this process that hold their database's outbox lock, by the pool their stores append through. */
const relaysHoldingLock = new WeakMap<pg.Pool, (rows: readonly OutboxRow[], oldestId: string | null) => void>();

/**
 * Hands an append's committed outbox rows to the relay of this process when it is the one that moves this pool's
 * outbox (it holds the lock), and answers whether it did: that relay publishes them without reading them back, and
 * the append needs no NOTIFY (a round trip to Postgres and back for a relay a function call away). Otherwise (another
 * replica's relay holds the lock) the appender notifies through Postgres. `oldestId` is the oldest row the outbox held
 * when the rows were written: one the relay was neither handed nor has read (another process's append, whose
 * notification is late or lost) makes it read the outbox before the handed rows, so that a stream's earlier event
 * never follows its later one. No rows (say, an old version's answer) only wake the relay, which then reads.
 */
export function handOutboxRowsHere(pool: pg.Pool, rows: readonly OutboxRow[], oldestId: string | null): boolean {
  const hand = relaysHoldingLock.get(pool);
  if (hand === undefined) return false;
  hand(rows, oldestId);
  return true;
}

/** Rows handed and not yet moved, at most: past it (the bus is slow) the relay drops them and reads the outbox. */
const MAX_HANDED = 5_000;
/** Ids the relay remembers (read, or handed to it), at most: one it has forgotten only costs a read of the outbox. */
const REMEMBERED = 10_000;

/** A set that forgets its oldest members past `limit`. */
function rememberIn(set: Set<string>, ids: Iterable<string>, limit: number): void {
  for (const id of ids) set.add(id);
  for (const id of set) {
    if (set.size <= limit) break;
    set.delete(id);
  }
}

export async function startOutboxRelay(options: OutboxRelayOptions): Promise<OutboxRelay> {
  const { bus } = options;
  const pool = poolOf(options.prisma);
  const sql = sqlOn(pool);
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const onError = options.onError ?? ((error: unknown) => process.stderr.write(`outbox relay: ${String(error)}\n`));
  let session!: pg.Client;
  // Set when the session that holds (or asks for) the lock is gone: the lock went with it.
  let sessionLost = false;
  let stopping = false;
  let wake: () => void = () => undefined;
  let pending = false;
  // Rows this process's appends handed over since the last batch, in commit order, and whether the outbox may hold
  // rows none handed (another process's append notified, the poll came, a batch failed, the relay just started).
  let handed: OutboxRow[] = [];
  let mustRead = true;
  // Ids read from the outbox lately (a row read there and handed too is published once), and ids read or handed.
  const read = new Set<string>();
  const known = new Set<string>();
  const wakeUp = () => {
    pending = true;
    mustRead = true;
    wake();
  };
  const hand = (rows: readonly OutboxRow[], oldestId: string | null) => {
    // An older row nobody handed this relay (another process's append): the outbox is read first, in id order.
    if (oldestId !== null && !known.has(oldestId)) mustRead = true;
    if (rows.length === 0 || handed.length + rows.length > MAX_HANDED) {
      handed = [];
      mustRead = true;
    } else {
      handed.push(...rows);
      rememberIn(known, rows.map((row) => row.id), REMEMBERED);
    }
    pending = true;
    wake();
  };
  // The lock goes with the session: once it is lost, appenders here notify through Postgres again.
  const forgetLock = () => {
    if (relaysHoldingLock.get(pool) === hand) relaysHoldingLock.delete(pool);
  };
  const lose = () => {
    sessionLost = true;
    forgetLock();
  };
  /** A session of its own: it holds the lock, and hears other processes' appends. */
  const openSession = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: options.databaseUrl });
    client.on('error', (error) => {
      if (session !== client) return;
      lose();
      onError(error);
    });
    client.on('end', () => {
      if (session === client) lose();
    });
    client.on('notification', wakeUp);
    session = client;
    try {
      await client.connect();
      await client.query('listen switchboard_outbox');
      sessionLost = false;
    } catch (error) {
      sessionLost = true;
      throw error;
    }
  };
  await openSession();
  let emptyWaiters: (() => void)[] = [];

  /** Publishes rows oldest first, by topic, and deletes them once the bus took them. */
  const move = async (rows: readonly OutboxRow[]): Promise<void> => {
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const row of rows) {
      const list = byTopic.get(row.topic) ?? [];
      list.push({ key: row.key, value: row.value, headers: row.headers });
      byTopic.set(row.topic, list);
    }
    for (const [topic, messages] of byTopic) await bus.publish(topic, messages);
    // Deleted only after the bus accepted them: a crash in between publishes them again (consumers are idempotent).
    await sql.$executeRaw`delete from outbox where id = any(${rows.map((r) => r.id)}::bigint[])`;
  };

  /** Moves a batch: the rows handed over when nothing else can be in the outbox, else what a read of it finds. */
  const relayBatch = async (): Promise<number> => {
    if (!mustRead) {
      const rows = handed.splice(0, batchSize).filter((row) => !read.has(row.id));
      if (rows.length > 0) await move(rows);
      return rows.length;
    }
    mustRead = false;
    const rows = await sql.$queryRaw<OutboxRow[]>`select id::text, topic, key, value, headers from outbox order by id limit ${batchSize}`;
    if (rows.length === 0) return 0;
    // Remembered before they are published: a row both read here and handed (its append's answer came after this
    // read) is moved once, and an append that finds one of them still in the outbox does not call for another read.
    const ids = rows.map((row) => row.id);
    rememberIn(read, ids, REMEMBERED);
    rememberIn(known, ids, REMEMBERED);
    await move(rows);
    // A full read may have more behind it.
    if (rows.length === batchSize) mustRead = true;
    return rows.length;
  };

  const sleep = () =>
    new Promise<void>((resolve) => {
      if (pending || stopping) return resolve();
      const timer = setTimeout(() => {
        // The poll: rows may be there that no append of this process handed (a lost notification).
        mustRead = true;
        resolve();
      }, pollIntervalMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    let holding = false;
    while (!stopping) {
      try {
        if (sessionLost) {
          // The lock went with the session: another replica's relay may hold it now. Ask again on a new session.
          holding = false;
          const old = session;
          await openSession();
          await old.end().catch(() => undefined);
          // Appends made meanwhile notified nobody here: the outbox is read once the lock is ours again.
        }
        if (!holding) {
          const { rows } = await session.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [RELAY_LOCK]);
          holding = rows[0]?.locked === true;
          if (!holding) {
            // Appends' wake-ups are for the holder: this one tries again at its poll, not at once (it spun on the lock).
            pending = false;
            await sleep();
            continue;
          }
          relaysHoldingLock.set(pool, hand);
          // What is in the outbox already (left by a crash, or appended before the lock was ours) is read first.
          mustRead = true;
        }
        pending = false;
        const moved = await relayBatch();
        // A full batch may have more behind it, and so may rows handed meanwhile. A shorter one took all there was:
        // the next batch waits for an append (one during this batch wakes it at once) or the poll, instead of
        // finding the outbox empty (a read in four at 20 calls/s).
        if (moved === batchSize || handed.length > 0) continue;
        if (moved === 0 && !mustRead) {
          for (const done of emptyWaiters) done();
          emptyWaiters = [];
        }
        await sleep();
      } catch (error) {
        onError(error);
        // The batch's rows are still in the outbox: read it, rather than trust what was handed.
        handed = [];
        mustRead = true;
        await new Promise((r) => setTimeout(r, pollIntervalMs));
      }
    }
  })();

  return {
    drained: () =>
      new Promise<void>((resolve) => {
        emptyWaiters.push(resolve);
        pending = true;
        mustRead = true;
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
