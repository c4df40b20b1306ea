// Projections fed from the bus: each event applied once per stream version, in the same transaction as
// the read-model change; rebuilt from zero by clearing the read model and replaying the topic.
import { decodeEnvelope, type DecodedEvent, type Envelope } from '@switchboard/contracts';
import { DownstreamUnavailable, type BusMessage, type Consumer, type EventBus } from '@switchboard/eventbus';
import { poolOf } from './client.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { inTransaction, isDatabaseUnavailable, type Sql } from './sql.ts';

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
  readonly committed?: (event: DecodedEvent, envelope: Envelope) => void;
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
    .map((message) => {
      const { envelope, event } = decodeEnvelope(message.value);
      return { message, envelope, event, streamId: envelope.streamId, version: Number(envelope.streamVersion) };
    })
    .filter(({ event }) => projection.handles === undefined || projection.handles(event));
  if (decoded.length === 0) return;
  const applied: { event: DecodedEvent; envelope: Envelope }[] = [];
  await inTransaction(poolOf(prisma), async (tx) => {
    const positions = await claimPositions(tx, projection.name, decoded);
    for (const [i, { message, envelope, event }] of decoded.entries()) {
      const one = async () => {
        if (!positions.fresh[i]) return;
        await projection.apply(tx, event, envelope);
        applied.push({ event, envelope });
      };
      await (around ? around(message, one) : one());
    }
    await positions.settle();
  });
  for (const { event, envelope } of applied) projection.committed?.(event, envelope);
}

interface Claim {
  /** Per event of the batch: whether it is new (above the last version applied of its stream), so to apply. */
  readonly fresh: readonly boolean[];
  /** Writes what is left of the positions once the new events are applied, in the same transaction. */
  readonly settle: () => Promise<void>;
}

/**
 * Decides which events of a batch are new and locks their streams' positions for this transaction, in a
 * constant number of statements, not one per event: one when each stream has one event in the batch, one or
 * two (three when racing another transaction for a brand-new stream) otherwise. A passed-over event of a
 * stream leaves a gap, which is fine: versions only have to grow. The rows are locked before any apply, streams
 * sorted, so two transactions of the projection on the same streams (a rebalance) mostly wait for each other
 * rather than deadlock; a deadlock Postgres still finds takes one back, and the bus delivers its batch again.
 */
async function claimPositions(tx: ProjectionTx, projection: string, events: readonly { streamId: string; version: number }[]): Promise<Claim> {
  const highest = new Map<string, number>();
  for (const { streamId, version } of events) highest.set(streamId, Math.max(highest.get(streamId) ?? -Infinity, version));
  const streams = [...highest.keys()].sort();
  const versions = streams.map((stream) => highest.get(stream)!);

  if (streams.length === events.length) {
    // One event per stream: each stream's position moves at once if its version is newer, the statement saying
    // which moved. It waits for a transaction holding a stream's row (or inserting a brand-new stream's) and
    // compares with what that one committed. A batch of one (a redelivery one by one, a read-your-writes) sends
    // plain values: the arrays would add some 5 % to its time.
    const moved =
      streams.length === 1
        ? await tx.$queryRaw<{ stream_id: string }[]>`
            insert into projection_streams (projection, stream_id, version) values (${projection}, ${streams[0]}, ${versions[0]})
            on conflict (projection, stream_id) do update set version = excluded.version where projection_streams.version < excluded.version
            returning stream_id`
        : await tx.$queryRaw<{ stream_id: string }[]>`
            insert into projection_streams (projection, stream_id, version)
            select ${projection}, batch.stream_id, batch.version from unnest(${streams}::text[], ${versions}::int[]) as batch (stream_id, version)
            on conflict (projection, stream_id) do update set version = excluded.version where projection_streams.version < excluded.version
            returning stream_id`;
    const fresh = new Set(moved.map((row) => row.stream_id));
    return { fresh: events.map(({ streamId }) => fresh.has(streamId)), settle: async () => undefined };
  }

  // Several events of a stream: where each stream stood is read first, with its row locked.
  const before = await lockPositions(tx, projection, streams, versions);
  // Each event is new when its version is above the last one applied of its stream: the stored position, then
  // the events of this batch applied before it. A stream without a position takes its first event.
  const last = new Map(before);
  const fresh = events.map(({ streamId, version }) => {
    const position = last.get(streamId);
    if (position !== undefined && version <= position) return false;
    last.set(streamId, version);
    return true;
  });
  // A brand-new stream's row already stands at its highest version; the others that moved are written at the end.
  const moved = streams.filter((stream) => before.get(stream) !== undefined && last.get(stream) !== before.get(stream));
  return { fresh, settle: () => movePositions(tx, projection, moved, moved.map((stream) => last.get(stream)!)) };
}

/**
 * Locks the positions of `streams` for this transaction and says where each stood: a number for a stream that
 * had a position, undefined for a brand-new one, whose row is inserted here at its `highest` version (its
 * events are all applied, so that is where it ends). One statement, and one more only when another
 * transaction inserted a stream's first position while this one was starting (the bus and a service's own
 * read-your-writes, two consumers during a rebalance): this one waited for it to commit and reads it now,
 * locked, so it never applies the same version twice.
 */
async function lockPositions(tx: ProjectionTx, projection: string, streams: readonly string[], highest: readonly number[]): Promise<Map<string, number | undefined>> {
  // The insert waits for a transaction inserting the same stream and does nothing when the row exists; the
  // select locks the existing rows (waiting for a transaction holding one, then reading what it committed). A
  // row another transaction committed after this statement began is in neither.
  const rows = await tx.$queryRaw<{ stream_id: string; version: number | null }[]>`
    with inserted as (
      insert into projection_streams (projection, stream_id, version)
      select ${projection}, batch.stream_id, batch.version from unnest(${streams}::text[], ${highest}::int[]) as batch (stream_id, version)
      on conflict (projection, stream_id) do nothing
      returning stream_id
    ), existing as (
      select stream_id, version from projection_streams where projection = ${projection} and stream_id = any(${streams}::text[]) for update
    )
    select stream_id, null::int as version from inserted
    union all
    select stream_id, version from existing`;
  const before = new Map<string, number | undefined>(rows.map((row) => [row.stream_id, row.version ?? undefined]));
  const raced = streams.filter((stream) => !before.has(stream));
  if (raced.length > 0) {
    const late = await tx.$queryRaw<{ stream_id: string; version: number }[]>`
      select stream_id, version from projection_streams where projection = ${projection} and stream_id = any(${raced}::text[]) order by stream_id for update`;
    for (const row of late) before.set(row.stream_id, row.version);
    const gone = raced.filter((stream) => !before.has(stream));
    // Only a rebuild deleting the positions in between gets here: the bus delivers the batch again.
    if (gone.length > 0) throw new Error(`projection ${projection}: the positions of ${gone.join(', ')} vanished while the batch was starting`);
  }
  return before;
}

/** Writes, in one statement, the new positions of streams that had one; their rows are locked by this transaction. */
async function movePositions(tx: ProjectionTx, projection: string, streams: readonly string[], versions: readonly number[]): Promise<void> {
  if (streams.length === 0) return;
  const written = await tx.$queryRaw<unknown[]>`
    update projection_streams set version = batch.version
    from unnest(${streams}::text[], ${versions}::int[]) as batch (stream_id, version)
    where projection_streams.projection = ${projection} and projection_streams.stream_id = batch.stream_id and projection_streams.version < batch.version
    returning 1`;
  // The rows were locked at the start, so each moves; if one did not, what was applied must not commit.
  if (written.length !== streams.length) throw new Error(`projection ${projection}: ${streams.length - written.length} of ${streams.length} stream positions did not move as applied`);
}

export function runProjection(
  bus: EventBus,
  prisma: PrismaClient,
  projection: Projection,
  around?: AroundMessage,
  onDeadLetter?: (message: BusMessage, error: unknown) => void,
): Promise<Consumer> {
  return bus.subscribe({
    groupId: projection.name,
    topics: projection.topics,
    fromBeginning: true,
    ...(onDeadLetter ? { onDeadLetter } : {}),
    handleBatch: async (messages) => {
      try {
        await applyBatchToProjection(prisma, projection, messages, around);
      } catch (error) {
        // The database down or restarting is no fault of the events: the batch waits and is applied once it is back.
        if (isDatabaseUnavailable(error)) throw new DownstreamUnavailable(`projection ${projection.name}: the database is unavailable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        throw error;
      }
    },
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
