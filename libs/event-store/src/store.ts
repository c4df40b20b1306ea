// Event-sourced streams on Postgres: append with an expected version, load, and the outbox written in the same transaction.
import { randomUUID } from 'node:crypto';
import { fromJson, toJson, type JsonValue } from '@bufbuild/protobuf';
import {
  asDecodedEvent,
  encodeEvent,
  envelopeHeaders,
  eventTypeInfo,
  eventRegistry,
  type DecodedEvent,
  type EventMessage,
  type EventSchema,
} from '@switchboard/contracts';
import type pg from 'pg';
import { poolOf } from './client.ts';
import { handOutboxRowsHere } from './relay.ts';
import { Prisma, type PrismaClient } from './generated/prisma/client.ts';
import { sqlOn, type Sql } from './sql.ts';

/** The caller expected the stream at one version; it is at another. Load again and retry the command. */
export class StreamVersionConflict extends Error {
  readonly streamId: string;
  readonly expectedVersion: number;
  readonly actualVersion: number | undefined;

  constructor(streamId: string, expectedVersion: number, actualVersion: number | undefined) {
    super(
      `stream ${streamId} was expected at version ${expectedVersion} but is at ${actualVersion ?? 'a later version'}: another command changed it first`,
    );
    this.name = 'StreamVersionConflict';
    this.streamId = streamId;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

function isUniqueViolation(error: unknown): boolean {
  // Prisma reports a raw query's violation as P2010 with the Postgres code in its message.
  const e = error as { code?: string; meta?: { code?: string }; message?: string };
  return e.code === '23505' || e.code === 'P2002' || e.meta?.code === '23505' || /\b23505\b|unique constraint/i.test(e.message ?? '');
}

export interface StoredEvent {
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly occurredAt: Date;
  readonly siteId: string | undefined;
  readonly event: DecodedEvent;
}

export interface AppendOptions {
  /** When the events happened (commands carry their time: the domain has no clock). */
  readonly occurredAt: Date;
  readonly siteId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** The bus key; defaults to the stream id so a stream's events stay in order. */
  readonly key?: string;
  /** Extra message headers, such as the trace context. */
  readonly headers?: Record<string, string>;
}

export interface LoadOptions {
  /** Only the events after this version (0, the default: the whole stream). */
  readonly afterVersion?: number;
}

export interface EventStoreOptions {
  /** The topic this service publishes its events to, e.g. `customers.events`. */
  readonly topic: string;
}

export class EventStore {
  readonly prisma: PrismaClient;
  private readonly options: EventStoreOptions;

  /** The store's reads and appends go straight to pg on the client's pool: they are every command's and every call's. */
  private readonly sql: Sql;
  private readonly pool: pg.Pool;

  constructor(prisma: PrismaClient, options: EventStoreOptions) {
    this.prisma = prisma;
    this.options = options;
    this.pool = poolOf(prisma);
    this.sql = sqlOn(this.pool);
  }

  /** The stream's events in order; with `afterVersion`, only those after it (the tail a snapshot at that version lacks). */
  async load(streamId: string, options: LoadOptions = {}): Promise<StoredEvent[]> {
    const after = options.afterVersion ?? 0;
    const rows = await this.sql.$queryRaw<{ version: number; event_id: string; type: string; data: JsonValue; site_id: string | null; occurred_at: Date }[]>`
      select version, event_id, type, data, site_id, occurred_at from events where stream_id = ${streamId} and version > ${after} order by version`;
    return rows.map((row) => {
      const info = eventTypeInfo(row.type);
      if (!info) throw new Error(`stream ${streamId} v${row.version}: unknown event type ${row.type} in the store`);
      const message = fromJson(info.schema, row.data, { registry: eventRegistry }) as EventMessage;
      return {
        eventId: row.event_id,
        streamId,
        version: row.version,
        occurredAt: row.occurred_at,
        siteId: row.site_id ?? undefined,
        event: asDecodedEvent(message),
      };
    });
  }

  /** The stream's current version (0 for a stream not begun), without loading its events. */
  async version(streamId: string): Promise<number> {
    return (await this.versions([streamId])).get(streamId)!;
  }

  /** Several streams' current versions in one round trip (0 for a stream not begun). */
  async versions(streamIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.sql.$queryRaw<{ stream_id: string; version: number }[]>`
      select s.stream_id, (select max(version) from events where stream_id = s.stream_id) as version from unnest(${streamIds}::text[]) as s (stream_id)`;
    return new Map(streamIds.map((id) => [id, rows.find((row) => row.stream_id === id)?.version ?? 0]));
  }

  /**
   * Appends `messages` after `expectedVersion` (0 for a new stream) and queues them in the outbox, in one
   * transaction. Throws StreamVersionConflict when the stream moved on. Returns the new stream version.
   */
  async append(streamId: string, expectedVersion: number, messages: readonly EventMessage[], options: AppendOptions): Promise<number> {
    if (messages.length === 0) return expectedVersion;
    const rows = messages.map((message, i) => {
      const info = eventTypeInfo(message.$typeName);
      if (!info) throw new TypeError(`${message.$typeName} is not an event type`);
      const schema = info.schema as EventSchema;
      const eventId = randomUUID();
      const version = expectedVersion + i + 1;
      const meta = {
        eventId,
        streamId,
        streamVersion: version,
        occurredAt: options.occurredAt,
        siteId: options.siteId,
        correlationId: options.correlationId,
        causationId: options.causationId,
      };
      const value = encodeEvent(schema, message as never, meta);
      return {
        event: {
          streamId,
          version,
          eventId,
          type: info.typeName,
          schemaVersion: info.schemaVersion,
          data: toJson(schema, message as never, { registry: eventRegistry }) as Prisma.InputJsonValue,
          siteId: options.siteId ?? null,
          correlationId: options.correlationId ?? null,
          causationId: options.causationId ?? null,
          occurredAt: options.occurredAt,
        },
        outbox: {
          topic: this.options.topic,
          key: options.key ?? streamId,
          value: new Uint8Array(value),
          headers: { ...options.headers, ...envelopeHeaders({ eventId, type: info.typeName, schemaVersion: info.schemaVersion }) },
        },
      };
    });
    // One statement, one round trip: the version guard, the events and the outbox rows commit together.
    // Two writers racing past the guard collide on (stream_id, version).
    const events = rows.map((r) => r.event);
    const outbox = rows.map((r) => r.outbox);
    let appended: { inserted: bigint; current: number; outbox_ids: string[] | null; oldest_outbox_id: string | null }[];
    try {
      appended = await this.sql.$queryRaw<{ inserted: bigint; current: number; outbox_ids: string[] | null; oldest_outbox_id: string | null }[]>`
        with guard as (
          select coalesce(max(version), 0) as current from events where stream_id = ${streamId}
        ), new_events as (
          insert into events (stream_id, version, event_id, type, schema_version, data, site_id, correlation_id, causation_id, occurred_at)
          select ${streamId}, e.version, e.event_id, e.type, e.schema_version, e.data, ${options.siteId ?? null}, ${options.correlationId ?? null}, ${options.causationId ?? null}, ${options.occurredAt}
          from unnest(${events.map((e) => e.version)}::int[], ${events.map((e) => e.eventId)}::uuid[], ${events.map((e) => e.type)}::text[],
                      ${events.map((e) => e.schemaVersion)}::int[], ${events.map((e) => JSON.stringify(e.data))}::jsonb[])
               as e(version, event_id, type, schema_version, data)
          where (select current from guard) = ${expectedVersion}
          returning 1
        ), new_outbox as (
          insert into outbox (topic, key, value, headers)
          select o.topic, o.key, o.value, o.headers
          from unnest(${outbox.map((o) => o.topic)}::text[], ${outbox.map((o) => o.key)}::text[], ${outbox.map((o) => Buffer.from(o.value))}::bytea[],
                      ${outbox.map((o) => JSON.stringify(o.headers))}::jsonb[]) with ordinality as o(topic, key, value, headers, n)
          where (select current from guard) = ${expectedVersion}
          order by o.n
          returning id
        )
        select (select count(*) from new_events) as inserted, (select current from guard)::int as current,
          (select array_agg(id order by id) from new_outbox)::text[] as outbox_ids, (select min(id) from outbox)::text as oldest_outbox_id`;
    } catch (error) {
      if (isUniqueViolation(error)) throw new StreamVersionConflict(streamId, expectedVersion, undefined);
      throw error;
    }
    const result = appended[0]!;
    if (Number(result.inserted) !== rows.length) throw new StreamVersionConflict(streamId, expectedVersion, result.current);
    // Hands the committed outbox rows to this process's own relay when it is the one moving the outbox (it need not
    // read them back), with the oldest row the outbox held as they were written (one the relay may not know). Else
    // wakes the relay through Postgres, in a statement that writes no WAL (a NOTIFY inside the append would hold
    // Postgres' global notify lock through the WAL flush and serialise every append). Not waited for: the append is
    // done, and a writer that appends one command after another (an ACD site) would otherwise pay a second round trip
    // per command; a lost wake-up costs the relay's poll, never an event.
    const ids = result.outbox_ids ?? [];
    const handed = ids.length === outbox.length ? outbox.map((o, i) => ({ id: ids[i]!, topic: o.topic, key: o.key, value: Buffer.from(o.value), headers: o.headers })) : [];
    if (!handOutboxRowsHere(this.pool, handed, result.oldest_outbox_id)) void this.sql.$executeRaw`select pg_notify('switchboard_outbox', '')`.catch(() => undefined);
    return expectedVersion + messages.length;
  }
}
