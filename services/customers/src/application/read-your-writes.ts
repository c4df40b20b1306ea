// After a command, its stream's new events go into this service's own read models at once (the directory,
// the tickets), so the agent who just captured a caller finds them on the next lookup. The bus delivers
// the same events later; the projection's per-stream version makes that a no-op, and every read-model
// change is an upsert, so even a delivery racing this one changes nothing twice.
import { encodeEvent, eventTypeInfo, type EventSchema } from '@switchboard/contracts';
import { applyToProjection, type Projection } from '@switchboard/event-store';
import type { ServiceContext } from '@switchboard/service-kit';

export async function applyOwnEvents(context: ServiceContext, projections: readonly Projection[], streamId: string): Promise<void> {
  const history = await context.store.load(streamId);
  for (const projection of projections) {
    const seen = await context.prisma.projectionStream.findUnique({ where: { projection_streamId: { projection: projection.name, streamId } } });
    for (const stored of history) {
      if (stored.version <= (seen?.version ?? 0)) continue;
      const info = eventTypeInfo(stored.event.typeName);
      if (!info) continue;
      const value = encodeEvent(info.schema as EventSchema, stored.event.message as never, {
        eventId: stored.eventId,
        streamId,
        streamVersion: stored.version,
        occurredAt: stored.occurredAt,
        siteId: stored.siteId,
      });
      const message = { topic: 'customers.events', partition: 0, offset: '0', key: streamId, value, headers: {}, timestamp: stored.occurredAt };
      try {
        await applyToProjection(context.prisma, projection, message);
      } catch (error) {
        // The bus delivers it anyway; the next read is only a moment late.
        context.logger.warn({ err: error, projection: projection.name, streamId }, 'could not apply an event to the read model at once; the bus will');
        break;
      }
    }
  }
}
