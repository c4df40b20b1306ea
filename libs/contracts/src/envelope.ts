// Encodes an event into Envelope bytes and decodes them back, rejecting what this build cannot process.
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EnvelopeSchema, type Envelope } from './generated/switchboard/envelope/v1/envelope_pb.ts';
import { eventTypeInfo, type DecodedEvent, type EventSchema } from './events.ts';
import { UnprocessableMessage } from '@switchboard/eventbus';

/** What the envelope says about an event besides the event itself. */
export interface EventMeta {
  /** A UUID; consumers deduplicate by it. */
  readonly eventId: string;
  readonly streamId: string;
  /** Position of the event in its stream. */
  readonly streamVersion: number | bigint;
  readonly occurredAt: Date;
  /** The site the event concerns; omit when none. */
  readonly siteId?: string | undefined;
  readonly correlationId?: string | undefined;
  readonly causationId?: string | undefined;
}

export interface DecodedEnvelope {
  /** The envelope as received (payload included). */
  readonly envelope: Envelope;
  readonly event: DecodedEvent;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Serializes `message` of an event type into Envelope bytes, ready to be a bus message's value.
 * Throws (a programming error, not an unprocessable message) for a schema that is not an event or bad meta.
 */
export function encodeEvent<Desc extends EventSchema>(
  schema: Desc,
  message: MessageInitShape<Desc>,
  meta: EventMeta,
): Uint8Array {
  const info = eventTypeInfo(schema);
  if (!info || info.schema !== schema) {
    throw new TypeError(`encodeEvent: ${schema.typeName} is not an event type (add it to eventSchemas in libs/contracts/src/events.ts)`);
  }
  if (!UUID.test(meta.eventId)) throw new TypeError(`encodeEvent: eventId must be a UUID, got '${meta.eventId}'`);
  if (!meta.streamId) throw new TypeError('encodeEvent: streamId must not be empty');
  const streamVersion = toUint64(meta.streamVersion);
  if (!(meta.occurredAt instanceof Date) || Number.isNaN(meta.occurredAt.getTime())) {
    throw new TypeError('encodeEvent: occurredAt must be a valid Date');
  }
  const event = create(schema, message);
  const envelope = create(EnvelopeSchema, {
    eventId: meta.eventId,
    type: info.typeName,
    schemaVersion: info.schemaVersion,
    streamId: meta.streamId,
    streamVersion,
    occurredAt: timestampFromDate(meta.occurredAt),
    siteId: meta.siteId ?? '',
    payload: toBinary(schema, event),
    correlationId: meta.correlationId ?? '',
    causationId: meta.causationId ?? '',
  });
  return toBinary(EnvelopeSchema, envelope);
}

function toUint64(value: number | bigint): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new TypeError(`encodeEvent: streamVersion must be an integer, got ${value}`);
  }
  const big = BigInt(value);
  if (big < 0n || big > UINT64_MAX) throw new TypeError(`encodeEvent: streamVersion out of range: ${big}`);
  return big;
}

/**
 * Parses Envelope bytes and the event inside. Throws `UnprocessableMessage` (dead-letter at once, no
 * retry) when the bytes are not an Envelope, the event type is unknown to this build, or its
 * schema_version is newer than this build reads, with a message saying which.
 */
export function decodeEnvelope(bytes: Uint8Array): DecodedEnvelope {
  let envelope: Envelope;
  try {
    envelope = fromBinary(EnvelopeSchema, bytes);
  } catch (cause) {
    throw new UnprocessableMessage(`not a Switchboard envelope: the bytes do not parse as switchboard.envelope.v1.Envelope (${errorText(cause)})`, { cause });
  }
  const missing = [
    !envelope.eventId && 'event_id',
    !envelope.type && 'type',
    envelope.schemaVersion === 0 && 'schema_version',
    !envelope.streamId && 'stream_id',
    !envelope.occurredAt && 'occurred_at',
  ].filter((field): field is string => typeof field === 'string');
  if (missing.length > 0) {
    throw new UnprocessableMessage(`not a Switchboard envelope: missing ${missing.join(', ')} (${bytes.length} bytes)`);
  }
  if (!UUID.test(envelope.eventId)) {
    throw new UnprocessableMessage(`not a Switchboard envelope: event_id is not a UUID ('${truncate(envelope.eventId)}')`);
  }
  const info = eventTypeInfo(envelope.type);
  if (!info) {
    throw new UnprocessableMessage(
      `unknown event type '${truncate(envelope.type)}' (event ${envelope.eventId}, stream ${envelope.streamId}): ` +
        'this build of @switchboard/contracts does not know it; update the consumer',
    );
  }
  if (envelope.schemaVersion > info.schemaVersion) {
    throw new UnprocessableMessage(
      `unsupported schema_version ${envelope.schemaVersion} of ${info.typeName} (event ${envelope.eventId}): ` +
        `this build reads versions 1 to ${info.schemaVersion}; update the consumer`,
    );
  }
  let message;
  try {
    message = fromBinary(info.schema, envelope.payload);
  } catch (cause) {
    throw new UnprocessableMessage(`payload of event ${envelope.eventId} does not parse as ${info.typeName} (${errorText(cause)})`, { cause });
  }
  // The catalog maps each type name to its own schema, so the message matches the type: the cast only names it.
  const event = { type: info.type, typeName: info.typeName, message } as DecodedEvent;
  return { envelope, event };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function truncate(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
