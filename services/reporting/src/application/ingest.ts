// Ingestion: every topic of the bus into events_raw, in batches, each event at least once (and counted once).
import { toJsonString } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { decodeEnvelope, eventRegistry, eventTypeInfo } from '@switchboard/contracts';
import type { BusMessage, Consumer, EventBus } from '@switchboard/eventbus';
import { clickHouseTime, insertRawEvents, type RawEventRow } from '../adapters/clickhouse/events-raw.ts';
import type { ClickHouseClient } from '../adapters/clickhouse/client.ts';
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
] as const;

export const INGEST_GROUP = 'reporting.ingest';

/** The row of one bus message; a message that is no envelope throws UnprocessableMessage (dead-lettered). */
export function rawEventRow(message: BusMessage): RawEventRow {
  const { envelope, event } = decodeEnvelope(message.value);
  const schema = eventTypeInfo(event.typeName)!.schema;
  return {
    event_id: envelope.eventId,
    type: event.type,
    schema_version: envelope.schemaVersion,
    stream_id: envelope.streamId,
    stream_version: envelope.streamVersion.toString(),
    site_id: envelope.siteId,
    occurred_at: clickHouseTime(timestampDate(envelope.occurredAt!)),
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    payload: toJsonString(schema, event.message as never, { registry: eventRegistry }),
  };
}

export interface Ingestion {
  readonly consumer: Consumer;
  close(): Promise<void>;
}

export async function startIngestion(
  bus: EventBus,
  clickhouse: ClickHouseClient,
  options: { flushIntervalMs: number; maxRows: number; topics?: readonly string[] },
): Promise<Ingestion> {
  const sink = new BatchingSink<RawEventRow>({ ...options, write: (rows) => insertRawEvents(clickhouse, rows) });
  const consumer = await bus.subscribe({
    groupId: INGEST_GROUP,
    topics: options.topics ?? ingestedTopics,
    fromBeginning: true,
    // Decoding happens first, so a bad message fails alone (the bus splits the batch and dead-letters it).
    handleBatch: (messages) => sink.write(messages.map(rawEventRow)),
  });
  return {
    consumer,
    async close() {
      await Promise.all([consumer.stop(), sink.close()]);
    },
  };
}
