// Names and values of the bus message headers that travel with an envelope (event id, type, trace context).
import type { Envelope } from './generated/switchboard/envelope/v1/envelope_pb.ts';

export const EventHeaders = {
  eventId: 'event-id',
  type: 'event-type',
  schemaVersion: 'schema-version',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  contentType: 'content-type',
} as const;

/** Content type of a message whose value is a serialized switchboard.envelope.v1.Envelope. */
export const ENVELOPE_CONTENT_TYPE = 'application/x-protobuf; messageType=switchboard.envelope.v1.Envelope';

/** W3C trace context to put next to an envelope (from the active span when publishing). */
export interface TraceContext {
  readonly traceparent?: string | undefined;
  readonly tracestate?: string | undefined;
}

/**
 * Headers for a bus message carrying `envelope`: copies of its id, type and schema version (so routers,
 * dead-letter tools and filters need not decode the value), the content type, and the trace context if given.
 */
export function envelopeHeaders(envelope: Pick<Envelope, 'eventId' | 'type' | 'schemaVersion'>, trace: TraceContext = {}): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {
    [EventHeaders.eventId]: envelope.eventId,
    [EventHeaders.type]: envelope.type,
    [EventHeaders.schemaVersion]: String(envelope.schemaVersion),
    [EventHeaders.contentType]: ENVELOPE_CONTENT_TYPE,
  };
  if (trace.traceparent) headers[EventHeaders.traceparent] = trace.traceparent;
  if (trace.tracestate) headers[EventHeaders.tracestate] = trace.tracestate;
  return headers;
}
