// A consumer-group member of the local log. Each partition is owned through a session-level advisory
// lock: a member that dies loses its locks with its connection, and no two members ever read one partition.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { namedStatement } from '@switchboard/postgres';
import { batchesInFlightOf, deliverBatch, deadLetterMessage } from '../delivery.ts';
import { deadLetterTopic, DownstreamUnavailable, type BusMessage, type Consumer, type OutgoingMessage, type Subscription } from '../port.ts';
import { notedMessages, type LocalLog } from './log.ts';
import { APPEND_CHANNEL, GROUP_CHANNEL, type Wakeups } from './wakeups.ts';

export interface MemberTimings {
  readonly heartbeatIntervalMs: number;
  readonly sessionTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly fetchMaxMessages: number;
}

interface PartitionWorker {
  readonly topic: string;
  readonly partition: number;
  stopping: boolean;
  /** Read the log: something was appended (or may have been) that no note brought. */
  wake: () => void;
  /** An append's notification carried its messages (JSON, see log.ts). */
  noted: (note: string) => void;
  done: Promise<void>;
}

const partitionName = (topic: string, partition: number) => `${topic}:${partition}`;

/** How often a partition's position is committed while its batches keep coming. */
const COMMIT_EVERY_MS = 1000;

export class LocalGroupMember implements Consumer {
  readonly memberId = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly workers = new Map<string, PartitionWorker>();
  private lockClient!: pg.Client;
  private heartbeat: NodeJS.Timeout | undefined;
  private rebalancing: Promise<void> = Promise.resolve();
  private stopped = false;
  private failure: unknown;
  private readonly unlisten: (() => void)[] = [];
  private sessionQueue: Promise<unknown> = Promise.resolve();

  private readonly log: LocalLog;
  private readonly wakeups: Wakeups;
  private readonly subscription: Subscription;
  private readonly timings: MemberTimings;
  private readonly databaseUrl: string;
  private readonly publishDeadLetter: (topic: string, message: OutgoingMessage) => Promise<void>;
  private readonly onFatal: (error: unknown) => void;

  constructor(deps: {
    log: LocalLog;
    wakeups: Wakeups;
    subscription: Subscription;
    timings: MemberTimings;
    databaseUrl: string;
    publishDeadLetter: (topic: string, message: OutgoingMessage) => Promise<void>;
    onFatal: (error: unknown) => void;
  }) {
    this.log = deps.log;
    this.wakeups = deps.wakeups;
    this.subscription = deps.subscription;
    this.timings = deps.timings;
    this.databaseUrl = deps.databaseUrl;
    this.publishDeadLetter = deps.publishDeadLetter;
    this.onFatal = deps.onFatal;
  }

  async join(): Promise<void> {
    for (const topic of this.subscription.topics) await this.log.partitionsOf(topic);
    this.lockClient = new pg.Client({ connectionString: this.databaseUrl });
    this.lockClient.on('error', (error) => this.fail(error));
    await this.lockClient.connect();
    // This session writes only offsets, heartbeats and membership. Losing the last of those in an OS crash
    // means a redelivery (at least once still holds), so they need not wait for the WAL flush.
    await this.lockClient.query('set synchronous_commit = off');
    this.unlisten.push(
      // The payload is "topic:partition", then the messages when they fit: only that partition's worker reads again,
      // and it may take them from the notification.
      this.wakeups.on(APPEND_CHANNEL, (payload) => {
        const newline = payload.indexOf('\n');
        const worker = this.workers.get(newline < 0 ? payload : payload.slice(0, newline));
        if (newline < 0) worker?.wake();
        else worker?.noted(payload.slice(newline + 1));
      }),
      this.wakeups.on(GROUP_CHANNEL, (group) => {
        if (group === this.subscription.groupId) this.scheduleRebalance();
      }),
      // Appends made while the listening connection was down woke nobody: every partition reads now, not at its next poll.
      this.wakeups.onReconnect(() => {
        for (const worker of this.workers.values()) worker.wake();
        this.scheduleRebalance();
      }),
    );
    await this.beat();
    await this.session('select pg_notify($1, $2)', [GROUP_CHANNEL, this.subscription.groupId]);
    this.heartbeat = setInterval(() => this.scheduleRebalance(), this.timings.heartbeatIntervalMs);
  }

  /** One query at a time on the lock-holding session (pg clients must not be handed overlapping queries). */
  private session<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    // Named: the member's statements are few and fixed (heartbeats, commits), each parsed once on this connection.
    const run = this.sessionQueue.then(() => this.lockClient.query<R>({ ...namedStatement(text), ...(values ? { values } : {}) }));
    this.sessionQueue = run.catch(() => undefined);
    return run;
  }

  assignment(): readonly string[] {
    return [...this.workers.keys()].sort();
  }

  private scheduleRebalance(): void {
    this.rebalancing = this.rebalancing.then(() => (this.stopped ? undefined : this.beat())).catch((error) => this.fail(error));
  }

  /** Heartbeat, expire silent members, then take or give up partitions to match the round-robin plan. */
  private async beat(): Promise<void> {
    const { groupId, topics } = this.subscription;
    await this.session(
      `insert into eventbus.group_members (group_id, member_id, topics) values ($1, $2, $3)
       on conflict (group_id, member_id) do update set heartbeat_at = now(), topics = excluded.topics`,
      [groupId, this.memberId, topics],
    );
    const expired = await this.session(
      `delete from eventbus.group_members where group_id = $1 and heartbeat_at < now() - $2 * interval '1 millisecond'`,
      [groupId, this.timings.sessionTimeoutMs],
    );
    if (expired.rowCount) await this.session('select pg_notify($1, $2)', [GROUP_CHANNEL, groupId]);
    const { rows: members } = await this.session<{ member_id: string; topics: string[] }>(
      'select member_id, topics from eventbus.group_members where group_id = $1 order by member_id',
      [groupId],
    );
    const desired = new Set<string>();
    for (const topic of topics) {
      const sharing = members.filter((m) => m.topics.includes(topic)).map((m) => m.member_id);
      const mine = sharing.indexOf(this.memberId);
      const partitions = await this.log.partitionsOf(topic);
      for (let p = 0; p < partitions; p++) if (p % sharing.length === mine) desired.add(partitionName(topic, p));
    }
    for (const [name, worker] of this.workers) if (!desired.has(name)) await this.release(name, worker);
    for (const name of desired) {
      if (this.workers.has(name) || this.stopped) continue;
      const [topic, partition] = [name.slice(0, name.lastIndexOf(':')), Number(name.slice(name.lastIndexOf(':') + 1))];
      const { rows } = await this.session<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [
        lockKey(groupId, topic),
        partition,
      ]);
      // Locked by the previous owner still finishing its batch: the next heartbeat tries again.
      if (rows[0]?.locked) this.workers.set(name, this.startWorker(topic, partition));
    }
  }

  private async release(name: string, worker: PartitionWorker): Promise<void> {
    worker.stopping = true;
    worker.wake();
    await worker.done;
    this.workers.delete(name);
    await this.session('select pg_advisory_unlock($1, $2)', [lockKey(this.subscription.groupId, worker.topic), worker.partition]);
  }

  private startWorker(topic: string, partition: number): PartitionWorker {
    let wakeUp: () => void = () => undefined;
    let pending = false;
    // Messages that appends' notifications carried. Mostly in offset order, but not always: each append notifies after
    // its own commit, so two appenders' notes may come the other way round. At most a fetch's worth: a reader that
    // far behind reads the log.
    let noted: BusMessage[] = [];
    // Something was appended that no note brought (a note too large, one this version cannot read, a poll, a lost
    // connection): the next read goes to the log, whatever notes wait, or those messages would wait for the poll.
    let mustRead = false;
    const worker: PartitionWorker = {
      topic,
      partition,
      stopping: false,
      wake: () => {
        mustRead = true;
        pending = true;
        wakeUp();
      },
      noted: (note) => {
        let messages: BusMessage[];
        try {
          messages = notedMessages(topic, partition, note);
        } catch {
          worker.wake(); // not a note this version reads
          return;
        }
        noted = noted.length + messages.length > this.timings.fetchMaxMessages ? [] : noted.concat(messages);
        pending = true;
        wakeUp();
      },
      done: Promise.resolve(),
    };
    /** The messages from `from` on that notifications brought, when they begin right there; else the log is read. */
    const takeNoted = (from: bigint): BusMessage[] | undefined => {
      let start = 0;
      while (start < noted.length && BigInt(noted[start]!.offset) < from) start++;
      if (start === noted.length || BigInt(noted[start]!.offset) !== from) {
        noted = noted.slice(start);
        return undefined;
      }
      let end = start + 1;
      while (end < noted.length && BigInt(noted[end]!.offset) === from + BigInt(end - start)) end++;
      const taken = noted.slice(start, end);
      noted = noted.slice(end);
      return taken;
    };
    const waitForMessages = () =>
      new Promise<void>((resolve) => {
        if (pending || worker.stopping) return resolve();
        const timer = setTimeout(() => {
          mustRead = true;
          resolve();
        }, this.timings.pollIntervalMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    worker.done = (async () => {
      let next = await this.position(topic, partition);
      // The position is committed at most every COMMIT_EVERY_MS, and when the worker stops (a release, a shutdown):
      // under load a partition's batches come every few milliseconds, and a commit each was a tenth of the log's
      // statements. A crash redelivers what was handled since (at least once: every consumer is idempotent).
      let committed = next;
      let commitTimer: NodeJS.Timeout | undefined;
      let committing: Promise<void> = Promise.resolve();
      const commitNow = (): Promise<void> => {
        if (commitTimer) clearTimeout(commitTimer);
        commitTimer = undefined;
        const upTo = next;
        if (upTo === committed) return committing;
        committing = committing.then(() => this.commit(topic, partition, upTo)).then(() => void (committed = upTo));
        return committing;
      };
      // Up to `batchesInFlight` batches are handled at once: the next one is read and handed over while the earlier
      // wait (a sink gathering many batches into one write). The position moves past a batch only once it and
      // every batch before it are handled, so a crash or a stop never commits a batch still waiting.
      const depth = batchesInFlightOf(this.subscription);
      const inFlight = new Set<Promise<void>>();
      let handledInOrder: Promise<void> = Promise.resolve();
      let failure: { error: unknown } | undefined;
      let readFrom = next;
      try {
        while (!worker.stopping && !failure) {
          if (inFlight.size >= depth) {
            await Promise.race(inFlight);
            continue;
          }
          pending = false;
          const fromNotes = mustRead ? undefined : takeNoted(readFrom);
          // This read covers every append committed before it; one announced from now on asks for another.
          if (fromNotes === undefined) mustRead = false;
          const batch = fromNotes ?? (await this.log.fetch(topic, partition, readFrom, this.timings.fetchMaxMessages));
          if (batch.length === 0) {
            await waitForMessages();
            continue;
          }
          const after = BigInt(batch[batch.length - 1]!.offset) + 1n;
          readFrom = after;
          const handling = deliverBatch(batch, this.subscription, (message, error, attempts) => this.deadLetter(message, error, attempts), () => worker.stopping);
          handledInOrder = Promise.all([handledInOrder, handling]).then(() => {
            next = after;
            commitTimer ??= setTimeout(() => void commitNow().catch((error) => this.fail(error)), COMMIT_EVERY_MS);
          });
          handledInOrder.catch(() => undefined);
          const settled: Promise<void> = handling.then(
            () => void inFlight.delete(settled),
            (error: unknown) => {
              inFlight.delete(settled);
              failure ??= { error };
              worker.wake();
            },
          );
          inFlight.add(settled);
          // A short batch from the log was the end of the partition when it was read: what was appended since has woken
          // us (`pending`), so read again only then — not once more after every batch to find nothing (half of all
          // fetches were empty). A full batch may have more behind it, and so may a run of notes when other notes
          // wait or the log must be read: those are not the end of the partition.
          if (depth === 1) await settled;
          const more = batch.length >= this.timings.fetchMaxMessages || (fromNotes !== undefined && (mustRead || noted.length > 0));
          if (!more && !failure) await waitForMessages();
        }
        // Every batch settled before its failure is judged (one may fail after the loop ended).
        await Promise.all(inFlight);
        // The handler's store was down when this worker was told to stop: the batch stays uncommitted.
        if (failure && !(failure.error instanceof DownstreamUnavailable && worker.stopping)) throw failure.error;
      } finally {
        // Even when a read failed: the worker is done (and its partition released) only once no batch is in the handler.
        await Promise.all(inFlight);
        await handledInOrder.catch(() => undefined);
        await commitNow();
      }
    })().catch((error) => this.fail(error));
    return worker;
  }

  /** The committed position, or the starting one (committed at once, so a crash cannot skip ahead later). */
  private async position(topic: string, partition: number): Promise<bigint> {
    const committed = await this.log.committedOffset(this.subscription.groupId, topic, partition);
    if (committed !== undefined) return committed;
    const start = await this.log.startingOffset(topic, partition, this.subscription.fromBeginning ?? false);
    await this.commit(topic, partition, start);
    return start;
  }

  /** Commits on the connection holding the partition's lock: if that connection is gone, so is the right to commit. */
  private async commit(topic: string, partition: number, nextOffset: bigint): Promise<void> {
    await this.session(
      `insert into eventbus.group_offsets (group_id, topic, partition, next_offset) values ($1, $2, $3, $4)
       on conflict (group_id, topic, partition) do update set next_offset = excluded.next_offset, committed_at = now()`,
      [this.subscription.groupId, topic, partition, nextOffset.toString()],
    );
  }

  private async deadLetter(message: BusMessage, error: unknown, attempts: number): Promise<void> {
    const { groupId } = this.subscription;
    await this.publishDeadLetter(deadLetterTopic(groupId), deadLetterMessage(message, groupId, error, attempts));
  }

  private fail(error: unknown): void {
    if (this.stopped || this.failure) return;
    this.failure = error;
    this.onFatal(error);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const off of this.unlisten) off();
    await this.rebalancing.catch(() => undefined);
    for (const worker of this.workers.values()) {
      worker.stopping = true;
      worker.wake();
    }
    await Promise.all([...this.workers.values()].map((w) => w.done));
    this.workers.clear();
    try {
      await this.session('delete from eventbus.group_members where group_id = $1 and member_id = $2', [
        this.subscription.groupId,
        this.memberId,
      ]);
      await this.session('select pg_notify($1, $2)', [GROUP_CHANNEL, this.subscription.groupId]);
    } finally {
      // Closing the session releases every advisory lock this member held.
      await this.lockClient.end().catch(() => undefined);
    }
  }
}

/** A stable 32-bit number per (group, topic), paired with the partition number as the advisory lock key. */
function lockKey(groupId: string, topic: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${groupId}\u0000${topic}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
