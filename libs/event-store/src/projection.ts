// Projections fed from the bus: each event applied once per stream version, in the same transaction as
// the read-model change; rebuilt from zero by clearing the read model and replaying the topic.
import { decodeEnvelope, type DecodedEvent, type Envelope } from '@switchboard/contracts';
import type { BusMessage, Consumer, EventBus } from '@switchboard/eventbus';
import type { Prisma, PrismaClient } from './generated/prisma/client.ts';

export type ProjectionTx = Prisma.TransactionClient;

export interface Projection {
  /** Unique per service, e.g. `routing.caller-tiers`; also the bus consumer group. */
  readonly name: string;
  readonly topics: readonly string[];
  /** Applies one event to the read model. Events it does not care about are simply ignored. */
  readonly apply: (tx: ProjectionTx, event: DecodedEvent, envelope: Envelope) => Promise<void>;
  /** Empties the read model, for a rebuild. */
  readonly reset: (tx: ProjectionTx) => Promise<void>;
}

export async function applyToProjection(prisma: PrismaClient, projection: Projection, message: BusMessage): Promise<void> {
  // A malformed or unknown message throws UnprocessableMessage here: the bus dead-letters it at once.
  const { envelope, event } = decodeEnvelope(message.value);
  const version = Number(envelope.streamVersion);
  await prisma.$transaction(async (tx) => {
    const seen = await tx.projectionStream.findUnique({
      where: { projection_streamId: { projection: projection.name, streamId: envelope.streamId } },
    });
    if (seen && seen.version >= version) return;
    await projection.apply(tx, event, envelope);
    await tx.projectionStream.upsert({
      where: { projection_streamId: { projection: projection.name, streamId: envelope.streamId } },
      create: { projection: projection.name, streamId: envelope.streamId, version },
      update: { version },
    });
  });
}

/** Wraps the handling of each message, e.g. in a consumer span that continues the producer's trace. */
export type AroundMessage = (message: BusMessage, handle: () => Promise<void>) => Promise<void>;

export function runProjection(bus: EventBus, prisma: PrismaClient, projection: Projection, around?: AroundMessage): Promise<Consumer> {
  const apply = (message: BusMessage) => applyToProjection(prisma, projection, message);
  return bus.subscribe({
    groupId: projection.name,
    topics: projection.topics,
    fromBeginning: true,
    handle: around ? (message) => around(message, () => apply(message)) : apply,
  });
}

/** Rebuilds from zero: clears the read model and its positions, then replays every topic from the start. */
export async function rebuildProjection(bus: EventBus, prisma: PrismaClient, projection: Projection): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await projection.reset(tx);
    await tx.projectionStream.deleteMany({ where: { projection: projection.name } });
  });
  for (const topic of projection.topics) await bus.resetToEarliest(projection.name, topic);
}
