// Unit tests of the envelope codec, the event catalog and the freshness of the committed generated code.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { create, toBinary, type DescFile } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { UnprocessableMessage as BusUnprocessableMessage } from '@switchboard/eventbus';
import { describe, expect, it } from 'vitest';
import {
  CallArrivedSchema,
  CustomerKind,
  CustomerRegisteredSchema,
  CustomerTier,
  EnvelopeSchema,
  EventHeaders,
  ENVELOPE_CONTENT_TYPE,
  UnprocessableMessage,
  decodeEnvelope,
  encodeEvent,
  envelopeHeaders,
  eventRegistry,
  eventTypes,
} from '../src/index.ts';
import { generatedDrift, packageDir, REGENERATE_HINT } from '../scripts/proto-tools.ts';

const meta = {
  eventId: '0b6f1f0e-5d1c-4c3e-9a57-2f3b8f0d9c11',
  streamId: 'customer-7d2c',
  streamVersion: 42,
  occurredAt: new Date('2026-11-23T08:15:30.123Z'),
  siteId: 'site-shanghai',
  correlationId: 'call-0001',
  causationId: '5e0a4b3c-1111-4222-8333-444455556666',
};

const customer = {
  customerId: '7d2c',
  name: 'Zhang Wei Logistics',
  kind: CustomerKind.KEY_ACCOUNT,
  tier: CustomerTier.PLATINUM,
  phoneNumbers: ['+8613800138000', '+862161234567'],
  region: 'east',
  segment: 'key-account',
  preferredAgentId: 'li-na',
  siteId: 'shanghai',
};

/** Envelope bytes as another producer might write them. */
function rawEnvelope(fields: Partial<{ type: string; schemaVersion: number; payload: Uint8Array }>): Uint8Array {
  return toBinary(
    EnvelopeSchema,
    create(EnvelopeSchema, {
      eventId: meta.eventId,
      type: 'switchboard.customers.v1.CustomerRegistered',
      schemaVersion: 1,
      streamId: meta.streamId,
      streamVersion: 1n,
      occurredAt: timestampFromDate(meta.occurredAt),
      payload: toBinary(CustomerRegisteredSchema, create(CustomerRegisteredSchema, customer)),
      ...fields,
    }),
  );
}

describe('encodeEvent / decodeEnvelope', () => {
  it('round-trips an event with every envelope field', () => {
    const bytes = encodeEvent(CustomerRegisteredSchema, customer, meta);
    const { envelope, event } = decodeEnvelope(bytes);

    expect(envelope.eventId).toBe(meta.eventId);
    expect(envelope.type).toBe('switchboard.customers.v1.CustomerRegistered');
    expect(envelope.schemaVersion).toBe(1);
    expect(envelope.streamId).toBe(meta.streamId);
    expect(envelope.streamVersion).toBe(42n);
    expect(envelope.occurredAt && timestampDate(envelope.occurredAt)).toEqual(meta.occurredAt);
    expect(envelope.siteId).toBe(meta.siteId);
    expect(envelope.correlationId).toBe(meta.correlationId);
    expect(envelope.causationId).toBe(meta.causationId);

    expect(event.type).toBe('CustomerRegistered');
    expect(event.typeName).toBe('switchboard.customers.v1.CustomerRegistered');
    if (event.type !== 'CustomerRegistered') throw new Error('narrowing');
    const { $typeName, ...fields } = event.message;
    expect($typeName).toBe('switchboard.customers.v1.CustomerRegistered');
    expect(fields).toEqual(customer);
  });

  it('keeps timestamps inside events and leaves optional meta empty', () => {
    const arrivedAt = new Date('2026-11-23T08:15:31.500Z');
    const bytes = encodeEvent(
      CallArrivedSchema,
      { callId: 'c1', callingNumber: '+8613900139000', dialledNumber: '95105000', arrivedAt: timestampFromDate(arrivedAt), switchCallRef: 'sip-abc' },
      { eventId: meta.eventId, streamId: 'call-c1', streamVersion: 1n, occurredAt: arrivedAt },
    );
    const { envelope, event } = decodeEnvelope(bytes);
    expect([envelope.siteId, envelope.correlationId, envelope.causationId]).toEqual(['', '', '']);
    expect(event.type).toBe('CallArrived');
    if (event.type !== 'CallArrived') throw new Error('narrowing');
    expect(event.message.arrivedAt?.nanos).toBe(500_000_000);
    expect(event.message.switchCallRef).toBe('sip-abc');
  });

  it('re-exports the event bus UnprocessableMessage (what the bus dead-letters at once)', () => {
    expect(UnprocessableMessage).toBe(BusUnprocessableMessage);
  });

  it('rejects garbage bytes as not an envelope', () => {
    for (const garbage of [
      new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0xff, 0xff]),
      new TextEncoder().encode('{"type":"CustomerRegistered"}'),
      new Uint8Array(),
    ]) {
      expect(() => decodeEnvelope(garbage)).toThrow(BusUnprocessableMessage);
      expect(() => decodeEnvelope(garbage)).toThrow(/not a Switchboard envelope/);
    }
  });

  it('rejects an unknown event type, naming it', () => {
    const bytes = rawEnvelope({ type: 'switchboard.billing.v1.InvoiceIssued' });
    expect(() => decodeEnvelope(bytes)).toThrow(UnprocessableMessage);
    expect(() => decodeEnvelope(bytes)).toThrow(/unknown event type 'switchboard\.billing\.v1\.InvoiceIssued'/);
  });

  it('rejects a schema version newer than this build reads', () => {
    const bytes = rawEnvelope({ schemaVersion: 7 });
    expect(() => decodeEnvelope(bytes)).toThrow(UnprocessableMessage);
    expect(() => decodeEnvelope(bytes)).toThrow(
      /unsupported schema_version 7 of switchboard\.customers\.v1\.CustomerRegistered .*reads versions 1 to 1/,
    );
  });

  it('rejects a payload that is not the named event', () => {
    const bytes = rawEnvelope({ payload: new Uint8Array([0xff, 0xff, 0xff]) });
    expect(() => decodeEnvelope(bytes)).toThrow(/payload of event .* does not parse as switchboard\.customers\.v1\.CustomerRegistered/);
  });

  it('refuses to encode a non-event message or bad meta', () => {
    // @ts-expect-error the Envelope is not an event type
    expect(() => encodeEvent(EnvelopeSchema, {}, meta)).toThrow(/not an event type/);
    expect(() => encodeEvent(CustomerRegisteredSchema, customer, { ...meta, eventId: 'nope' })).toThrow(/UUID/);
    expect(() => encodeEvent(CustomerRegisteredSchema, customer, { ...meta, streamVersion: -1 })).toThrow(/out of range/);
  });
});

describe('headers', () => {
  it('copies id, type and schema version, and carries trace context', () => {
    const { envelope } = decodeEnvelope(encodeEvent(CustomerRegisteredSchema, customer, meta));
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(envelopeHeaders(envelope, { traceparent })).toEqual({
      [EventHeaders.eventId]: meta.eventId,
      [EventHeaders.type]: 'switchboard.customers.v1.CustomerRegistered',
      [EventHeaders.schemaVersion]: '1',
      [EventHeaders.contentType]: ENVELOPE_CONTENT_TYPE,
      [EventHeaders.traceparent]: traceparent,
    });
  });
});

describe('catalog', () => {
  it('registers every message of every generated events.proto', async () => {
    const generated = join(packageDir, 'src/generated');
    const files = (readdirSync(generated, { recursive: true }) as string[]).filter((f) => f.endsWith('events_pb.ts'));
    expect(files.length).toBeGreaterThan(0);
    const messages: string[] = [];
    for (const file of files) {
      const mod = (await import(pathToFileURL(join(generated, file)).href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (name.startsWith('file_')) messages.push(...(value as DescFile).messages.map((m) => m.typeName));
      }
    }
    const known = eventTypes().map((t) => t.typeName);
    expect(known.sort()).toEqual(messages.sort());
    for (const typeName of messages) expect(eventRegistry.getMessage(typeName), typeName).toBeDefined();
  });
});

describe('generated code', () => {
  it(`is up to date with proto/ (else: ${REGENERATE_HINT})`, () => {
    const result = generatedDrift();
    expect(result.ok, result.message).toBe(true);
  });
});
