// Reads and writes of the local log's tables: topics, appends, fetches, committed offsets, retention.
import pg from 'pg';
import { partitionForKey } from '../partitioner.ts';
import type { BusMessage, OutgoingMessage, TopicSpec } from '../port.ts';
import { APPEND_CHANNEL } from './wakeups.ts';
import { namedStatement } from '@switchboard/postgres';

/** The log's hot statements, named (prepared once per connection): every consumer's fetches and every append. */
const APPEND = namedStatement(
  'select appended_partition, first_offset::text, appended_at from eventbus.append($1, $2::int[], $3::text[], $4::bytea[], $5::jsonb[])',
);

/** Postgres refuses a notification of 8,000 bytes or more: a partition's messages beyond that are only announced. */
const MAX_NOTE_BYTES = 7_900;

/**
 * The notification of a partition's append: `topic:partition`, and when they fit, the messages themselves after a
 * newline (their first offset, when they were appended, and each message's key, value and headers), so that a reader
 * at that offset need not read them back (`notedMessages`).
 */
function appendNote(topic: string, partition: number, firstOffset: string, appendedAt: Date, messages: readonly { key: string; value: Buffer; headers: string }[]): string {
  const name = `${topic}:${partition}`;
  let bytes = name.length + 64;
  const parts: string[] = [];
  for (const m of messages) {
    const part = `[${JSON.stringify(m.key)},"${m.value.toString('base64')}",${m.headers}]`;
    bytes += Buffer.byteLength(part) + 1;
    if (bytes > MAX_NOTE_BYTES) return name;
    parts.push(part);
  }
  return `${name}\n{"offset":"${firstOffset}","at":${appendedAt.getTime()},"messages":[${parts.join(',')}]}`;
}

/**
 * The messages a notification carries. Anything but a note as `appendNote` writes it throws: a reader takes a note's
 * messages as the log's, so it must be one. (Whoever may connect to the log's database may NOTIFY: such roles are
 * trusted like the services, see docs/eventbus.md.)
 */
export function notedMessages(topic: string, partition: number, note: string): BusMessage[] {
  const { offset, at, messages } = JSON.parse(note) as { offset: unknown; at: unknown; messages: unknown };
  if (typeof offset !== 'string' || !/^\d+$/.test(offset) || typeof at !== 'number' || !Number.isFinite(at) || !Array.isArray(messages)) {
    throw new TypeError('not a note of an append');
  }
  for (const m of messages as unknown[]) {
    if (!Array.isArray(m) || typeof m[0] !== 'string' || typeof m[1] !== 'string' || typeof m[2] !== 'object' || m[2] === null || Array.isArray(m[2])) {
      throw new TypeError('not a message of an append');
    }
  }
  const first = BigInt(offset);
  const timestamp = new Date(at);
  return (messages as [string, string, Record<string, string>][]).map(([key, value, headers], i) => ({
    topic,
    partition,
    offset: (first + BigInt(i)).toString(),
    key,
    value: Buffer.from(value, 'base64'),
    headers,
    timestamp,
  }));
}
const NOTIFY = namedStatement(`select pg_notify('${APPEND_CHANNEL}', note) from unnest($1::text[]) as note`);
const FETCH = namedStatement(`select "offset", key, value, headers, appended_at from eventbus.messages
       where topic = $1 and partition = $2 and "offset" >= $3 order by "offset" limit $4`);

export interface LocalLogOptions {
  readonly databaseUrl: string;
  readonly defaultPartitions: number;
  readonly poolSize: number;
}

export class LocalLog {
  readonly pool: pg.Pool;
  private readonly partitionCounts = new Map<string, number>();
  private readonly queued = new Map<string, { messages: OutgoingMessage[]; waiters: { resolve: () => void; reject: (error: unknown) => void }[] }>();
  private readonly appending = new Set<string>();

  private readonly options: LocalLogOptions;

  constructor(options: LocalLogOptions) {
    this.options = options;
    this.pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize });
    // An idle client that loses its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    for (const spec of specs) {
      if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
        throw new Error(`topic ${spec.topic}: partitions must be a positive integer, got ${spec.partitions}`);
      }
      await this.pool.query(
        `with t as (insert into eventbus.topics (name, partitions, retention_ms) values ($1, $2, $3)
                    on conflict (name) do nothing returning name, partitions)
         insert into eventbus.partitions (topic, partition)
         select t.name, p from t, generate_series(0, t.partitions - 1) p`,
        [spec.topic, spec.partitions, spec.retentionMs ?? null],
      );
    }
  }

  /** The topic's partition count, creating the topic with the default count on first use (as Kafka does). */
  async partitionsOf(topic: string): Promise<number> {
    const known = this.partitionCounts.get(topic);
    if (known !== undefined) return known;
    let { rows } = await this.pool.query<{ partitions: number }>('select partitions from eventbus.topics where name = $1', [topic]);
    if (rows.length === 0) {
      await this.ensureTopics([{ topic, partitions: this.options.defaultPartitions }]);
      ({ rows } = await this.pool.query<{ partitions: number }>('select partitions from eventbus.topics where name = $1', [topic]));
    }
    const count = rows[0]!.partitions;
    this.partitionCounts.set(topic, count);
    return count;
  }

  /**
   * Appends durably. Publishes to one topic that arrive while an append to it is in flight are sent
   * together in the next one (each caller's messages still all or none): under load appends batch
   * themselves, and at low load nothing waits.
   */
  append(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const queued = this.queued.get(topic) ?? { messages: [], waiters: [] };
      queued.messages.push(...messages);
      queued.waiters.push({ resolve, reject });
      this.queued.set(topic, queued);
      if (!this.appending.has(topic)) void this.drain(topic);
    });
  }

  private async drain(topic: string): Promise<void> {
    this.appending.add(topic);
    try {
      for (let queued = this.queued.get(topic); queued; queued = this.queued.get(topic)) {
        this.queued.delete(topic);
        try {
          await this.appendNow(topic, queued.messages);
          for (const waiter of queued.waiters) waiter.resolve();
        } catch (error) {
          for (const waiter of queued.waiters) waiter.reject(error);
        }
      }
    } finally {
      this.appending.delete(topic);
    }
  }

  private async appendNow(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    const partitions = await this.partitionsOf(topic);
    const keys: string[] = [];
    const parts: number[] = [];
    const values: Buffer[] = [];
    const headers: string[] = [];
    for (const message of messages) {
      keys.push(message.key);
      parts.push(partitionForKey(message.key, partitions));
      values.push(Buffer.from(message.value.buffer, message.value.byteOffset, message.value.byteLength));
      headers.push(JSON.stringify(message.headers ?? {}));
    }
    const { rows } = await this.pool.query<{ appended_partition: number; first_offset: string; appended_at: Date }>({ ...APPEND, values: [topic, parts, keys, values, headers] });
    // After the commit, in a statement of its own that writes no WAL (see the migration); a lost
    // notification only delays a consumer until its next poll.
    const notes = rows.map((row) => {
      const ofPartition = messages.flatMap((_, i) => (parts[i] === row.appended_partition ? [{ key: keys[i]!, value: values[i]!, headers: headers[i]! }] : []));
      return appendNote(topic, row.appended_partition, row.first_offset, row.appended_at, ofPartition);
    });
    await this.pool.query({ ...NOTIFY, values: [notes] }).catch(() => undefined);
  }

  async fetch(topic: string, partition: number, fromOffset: bigint, limit: number): Promise<BusMessage[]> {
    const { rows } = await this.pool.query<{ offset: string; key: string; value: Buffer; headers: Record<string, string>; appended_at: Date }>({
      ...FETCH,
      values: [topic, partition, fromOffset.toString(), limit],
    });
    return rows.map((r) => ({
      topic,
      partition,
      offset: r.offset,
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: r.appended_at,
    }));
  }

  /** Where a group starts reading a partition it has never committed. */
  async startingOffset(topic: string, partition: number, fromBeginning: boolean): Promise<bigint> {
    const { rows } = await this.pool.query<{ earliest: string | null; next_offset: string }>(
      `select (select min("offset") from eventbus.messages where topic = $1 and partition = $2) as earliest, next_offset
       from eventbus.partitions where topic = $1 and partition = $2`,
      [topic, partition],
    );
    const row = rows[0];
    if (!row) return 0n;
    if (!fromBeginning) return BigInt(row.next_offset);
    return BigInt(row.earliest ?? row.next_offset);
  }

  async committedOffset(groupId: string, topic: string, partition: number): Promise<bigint | undefined> {
    const { rows } = await this.pool.query<{ next_offset: string }>(
      'select next_offset from eventbus.group_offsets where group_id = $1 and topic = $2 and partition = $3',
      [groupId, topic, partition],
    );
    return rows[0] ? BigInt(rows[0].next_offset) : undefined;
  }

  async topicPartitions(topics: readonly string[]): Promise<{ topic: string; partition: number }[]> {
    const { rows } = await this.pool.query<{ topic: string; partition: number }>(
      'select topic, partition from eventbus.partitions where topic = any($1::text[]) order by topic, partition',
      [topics],
    );
    return rows;
  }

  async resetToEarliest(groupId: string, topic: string): Promise<void> {
    const { rows } = await this.pool.query<{ member_id: string }>(
      `select member_id from eventbus.group_members where group_id = $1 and $2 = any(topics)`,
      [groupId, topic],
    );
    if (rows.length > 0) {
      throw new Error(`group ${groupId} still has ${rows.length} live member(s) on ${topic}: stop them before a replay`);
    }
    await this.partitionsOf(topic);
    await this.pool.query(
      `insert into eventbus.group_offsets (group_id, topic, partition, next_offset)
       select $1, p.topic, p.partition,
              coalesce((select min("offset") from eventbus.messages m where m.topic = p.topic and m.partition = p.partition), p.next_offset)
       from eventbus.partitions p where p.topic = $2
       on conflict (group_id, topic, partition) do update set next_offset = excluded.next_offset, committed_at = now()`,
      [groupId, topic],
    );
  }

  /** Deletes messages past their topic's retention; returns how many. */
  async applyRetention(): Promise<number> {
    const result = await this.pool.query(
      `delete from eventbus.messages m using eventbus.topics t
       where m.topic = t.name and t.retention_ms is not null
         and m.appended_at < now() - t.retention_ms * interval '1 millisecond'`,
    );
    return result.rowCount ?? 0;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
