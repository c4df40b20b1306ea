// Projections fed from the bus: each event applied once per stream version, in the same transaction as
// the read-model change; rebuilt from zero by clearing the read model and replaying the topic.
import { decodeEnvelope, type DecodedEvent, type Envelope } from '@switchboard/contracts';
import type { BusMessage, Consumer, EventBus } from '@switchboard/eventbus';
import { poolOf } from './client.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { inTransaction, type Sql } from './sql.ts';

/** A projection's transaction: tagged-template SQL on one node-postgres connection. */
export type ProjectionTx = Sql;

export interface Projection {
  /** Unique per service, e.g. `routing.caller-tiers`; also the bus consumer group. */
  readonly name: string;
  readonly topics: readonly string[];
  /** Applies one event to the read model. Events it does not care about are simply ignored. */
  readonly apply: (tx: ProjectionTx, event: DecodedEvent, envelope: Envelope) => Promise<void>;
  /**
   * The events `apply` does something with. Any other event is passed over without a transaction (most of a
   * topic's events are not every projection's business, and a transaction per event was most of a consumer's
   * time). Omitted: every event of the topics.
   */
  readonly handles?: (event: DecodedEvent) => boolean;
  /** Runs after an applied event's transaction committed: to wake a worker that reads what `apply` wrote. */
  readonly committed?: (event: DecodedEvent) => void;
  /** Empties the read model, for a rebuild. */
  readonly reset: (tx: ProjectionTx) => Promise<void>;
}

export async function applyToProjection(prisma: PrismaClient, projection: Projection, message: BusMessage): Promise<void> {
  await applyBatchToProjection(prisma, projection, [message]);
}

/** Wraps the handling of each message, e.g. in a consumer span that continues the producer's trace. */
export type AroundMessage = (message: BusMessage, handle: () => Promise<void>) => Promise<void>;

/**
 * Applies a fetched batch in one transaction: each event once per stream version, the read model and the
 * positions committed together. A batch that fails is taken back whole; the bus then delivers its messages
 * one by one, so only a bad one is set aside.
 */
export async function applyBatchToProjection(prisma: PrismaClient, projection: Projection, messages: readonly BusMessage[], around?: AroundMessage): Promise<void> {
  // A malformed or unknown message throws UnprocessableMessage here: the bus dead-letters it at once.
  const decoded = messages
    .map((message) => ({ message, ...decodeEnvelope(message.value) }))
    .filter(({ event }) => projection.handles === undefined || projection.handles(event));
  if (decoded.length === 0) return;
  const applied: DecodedEvent[] = [];
  await inTransaction(poolOf(prisma), async (tx) => {
    for (const { message, envelope, event } of decoded) {
      const one = async () => {
        // The stream's position moves first, in one statement that also says whether this version is new; the
        // transaction takes it back if the apply fails. A passed-over event of the stream leaves a gap, which is
        // fine: versions only have to grow.
        const moved = await tx.$queryRaw<unknown[]>`
          insert into projection_streams (projection, stream_id, version) values (${projection.name}, ${envelope.streamId}, ${Number(envelope.streamVersion)})
          on conflict (projection, stream_id) do update set version = excluded.version where projection_streams.version < excluded.version
          returning 1`;
        if (moved.length === 0) return;
        await projection.apply(tx, event, envelope);
        applied.push(event);
      };
      await (around ? around(message, one) : one());
    }
  });
  for (const event of applied) projection.committed?.(event);
}

export function runProjection(bus: EventBus, prisma: PrismaClient, projection: Projection, around?: AroundMessage): Promise<Consumer> {
  return bus.subscribe({
    groupId: projection.name,
    topics: projection.topics,
    fromBeginning: true,
    handleBatch: (messages) => applyBatchToProjection(prisma, projection, messages, around),
  });
}

/** Rebuilds from zero: clears the read model and its positions, then replays every topic from the start. */
export async function rebuildProjection(bus: EventBus, prisma: PrismaClient, projection: Projection): Promise<void> {
  await inTransaction(poolOf(prisma), async (tx) => {
    await projection.reset(tx);
    await tx.$executeRaw`delete from projection_streams where projection = ${projection.name}`;
  });
  for (const topic of projection.topics) await bus.resetToEarliest(projection.name, topic);
}
