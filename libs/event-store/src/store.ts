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
import { Prisma, type PrismaClient } from './generated/prisma/client.ts';

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

export interface EventStoreOptions {
  /** The topic this service publishes its events to, e.g. `customers.events`. */
  readonly topic: string;
}

export class EventStore {
  readonly prisma: PrismaClient;
  private readonly options: EventStoreOptions;

  constructor(prisma: PrismaClient, options: EventStoreOptions) {
    this.prisma = prisma;
    this.options = options;
  }

  async load(streamId: string): Promise<StoredEvent[]> {
    const rows = await this.prisma.event.findMany({ where: { streamId }, orderBy: { version: 'asc' } });
    return rows.map((row) => {
      const info = eventTypeInfo(row.type);
      if (!info) throw new Error(`stream ${streamId} v${row.version}: unknown event type ${row.type} in the store`);
      const message = fromJson(info.schema, row.data as JsonValue, { registry: eventRegistry }) as EventMessage;
      return {
        eventId: row.eventId,
        streamId,
        version: row.version,
        occurredAt: row.occurredAt,
        siteId: row.siteId ?? undefined,
        event: asDecodedEvent(message),
      };
    });
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
    try {
      await this.prisma.$transaction(async (tx) => {
        const current = await tx.event.aggregate({ where: { streamId }, _max: { version: true } });
        const actual = current._max.version ?? 0;
        if (actual !== expectedVersion) throw new StreamVersionConflict(streamId, expectedVersion, actual);
        await tx.event.createMany({ data: rows.map((r) => r.event) });
        await tx.outboxMessage.createMany({ data: rows.map((r) => r.outbox) });
        await tx.$executeRaw`select pg_notify('switchboard_outbox', '')`;
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new StreamVersionConflict(streamId, expectedVersion, undefined);
      }
      throw error;
    }
    return expectedVersion + messages.length;
  }
}
