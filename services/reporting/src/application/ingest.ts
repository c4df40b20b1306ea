// Ingestion: every topic of the bus into events_raw, in batches, each event at least once (and counted once).
import { toJsonString } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { decodeEnvelope, eventRegistry, eventTypeInfo } from '@switchboard/contracts';
import { DownstreamUnavailable, type BusMessage, type Consumer, type EventBus } from '@switchboard/eventbus';
import { logDeadLetter, type Logger } from '@switchboard/service-kit';
import { insertRawEvents, type RawEventRow } from '../adapters/clickhouse/events-raw.ts';
import { isRowError, type ClickHouseClient } from '../adapters/clickhouse/client.ts';
import { insertAgentStateChanges, insertCallMilestones } from '../adapters/clickhouse/facts.ts';
import { clickHouseTime, factsOfEvent, type EventFacts } from '../domain/facts/milestones-of-event.ts';
import { rebuildCallFacts } from './facts.ts';
import { BatchingSink } from './sink.ts';

/** Every topic a service publishes to; reporting reads them all. */
export const ingestedTopics = [
  'telephony.calls',
  'routing.events',
  'customers.events',
  'orders.events',
  'tracking.events',
  'qa.events',
  'console.events',
  'reporting.alerts',
] as const;

export const INGEST_GROUP = 'reporting.ingest';

/** A partition's batches waiting for the sink at once: at 20 calls/s a partition is woken 2–4 times per flush. */
const BATCHES_IN_FLIGHT = 4;

/** One bus message as reporting keeps it: its raw row and the facts it contributes. */
export interface IngestedEvent {
  readonly raw: RawEventRow;
  readonly facts: EventFacts;
}

/** The row and facts of one bus message; a message that is no envelope throws UnprocessableMessage (dead-lettered). */
export function ingestedEvent(message: BusMessage): IngestedEvent {
  const { envelope, event } = decodeEnvelope(message.value);
  const schema = eventTypeInfo(event.typeName)!.schema;
  const occurredAt = timestampDate(envelope.occurredAt!);
  return {
    raw: {
      event_id: envelope.eventId,
      type: event.type,
      schema_version: envelope.schemaVersion,
      stream_id: envelope.streamId,
      stream_version: envelope.streamVersion.toString(),
      site_id: envelope.siteId,
      occurred_at: clickHouseTime(occurredAt),
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      payload: toJsonString(schema, event.message as never, { registry: eventRegistry }),
    },
    facts: factsOfEvent(event, envelope.eventId, occurredAt.getTime(), envelope.siteId),
  };
}

/**
 * Writes a batch: the raw events and agent states, and beside them the milestones and then the facts of
 * every call the batch touched (read back after the milestones are in, so that of two writers touching one
 * call, the later always folds both).
 */
export async function writeIngested(clickhouse: ClickHouseClient, events: readonly IngestedEvent[]): Promise<void> {
  const milestones = events.flatMap((e) => e.facts.milestones);
  await Promise.all([
    insertRawEvents(clickhouse, events.map((e) => e.raw)),
    insertAgentStateChanges(clickhouse, events.flatMap((e) => e.facts.agentStates)),
    insertCallMilestones(clickhouse, milestones).then(() => rebuildCallFacts(clickhouse, milestones.map((m) => m.call_id))),
  ]);
}

export interface Ingestion {
  readonly consumer: Consumer;
  close(): Promise<void>;
}

export async function startIngestion(
  bus: EventBus,
  clickhouse: ClickHouseClient,
  options: {
    flushIntervalMs: number;
    maxRows: number;
    topics?: readonly string[];
    /** A batch is about to be written: its rows may become visible to queries from now on. */
    onWriting?: () => void;
    /** The batch's write ended: the events it wrote (none when it failed and will be delivered again). */
    onWritten?: (events: readonly IngestedEvent[]) => void;
    /** ClickHouse did not take a write: why. */
    onWriteFailed?: (error: unknown) => void;
    /** Told when ClickHouse does not take a batch (at most every 10 s while that lasts), and of each dead letter. */
    logger?: Logger;
  },
): Promise<Ingestion> {
  let lastWarnedAt = 0;
  const sink = new BatchingSink<IngestedEvent>({
    ...options,
    write: async (events) => {
      options.onWriting?.();
      let written = false;
      try {
        await writeIngested(clickhouse, events);
        written = true;
      } catch (error) {
        options.onWriteFailed?.(error);
        throw error;
      } finally {
        options.onWritten?.(written ? events : []);
      }
    },
  });
  const logger = options.logger;
  const consumer = await bus.subscribe({
    groupId: INGEST_GROUP,
    topics: options.topics ?? ingestedTopics,
    fromBeginning: true,
    // What arrives while a partition's batch waits for the sink's write is read and joins the next write, instead of
    // being read only once that write is in (the wallboard showed an event about one flush interval later).
    batchesInFlight: BATCHES_IN_FLIGHT,
    ...(logger ? { onDeadLetter: (message: BusMessage, error: unknown) => logDeadLetter(logger, INGEST_GROUP, message, error) } : {}),
    // Decoding happens first, so a bad message fails alone (the bus splits the batch and dead-letters it).
    // A write ClickHouse does not take for its own reasons (down, readonly, too many parts) is no fault of the events:
    // the batch waits and is written again once ClickHouse takes it (the wallboard's ingestion lag shows the wait).
    handleBatch: async (messages) => {
      const events = messages.map(ingestedEvent);
      try {
        await sink.write(events);
      } catch (error) {
        // Rows ClickHouse cannot take are the events' fault: retried, then split and set aside one by one.
        if (isRowError(error)) throw error;
        if (Date.now() - lastWarnedAt >= 10_000) {
          lastWarnedAt = Date.now();
          options.logger?.warn({ err: error }, 'ClickHouse did not take a batch of events: it is written again until it does');
        }
        throw new DownstreamUnavailable(`ClickHouse did not take the batch: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    },
  });
  return {
    consumer,
    async close() {
      await Promise.all([consumer.stop(), sink.close()]);
    },
  };
}
