// The interaction timeline fed from telephony's and routing's events on the bus: calls by calling number,
// their outcome and recording, a redelivery adding nothing, and a stranger's calls kept until the number is registered.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CallAnsweredByAgentSchema,
  CallArrivedSchema,
  CallCompletedSchema,
  CallEndedBy,
  CallEndedSchema,
  encodeEvent,
  RecordingReadySchema,
  SelfServiceCompletedSchema,
  SelfServiceOutcome,
  SurveyAnsweredSchema,
  SurveyRating,
  type EventMeta,
} from '@switchboard/contracts';
import { startEventSourcedService } from '@switchboard/service-kit';
import { eventually, freshDatabase, jsonClient, type Json } from '@switchboard/testing';
import { customersService } from '../src/service.ts';
import { asService, authConfig } from './fixtures/people.ts';

// The tests' own calls are another service's: the roles and sites have their own test (auth.int.spec.ts).
const serviceHeaders = await asService();

type Running = Awaited<ReturnType<typeof startEventSourcedService>>;

const NATIONAL = '+8695105555';

describe('the interaction timeline', () => {
  let service: Running;
  const call = jsonClient(() => service.url, serviceHeaders);
  const versions = new Map<string, number>();

  /** Publishes like telephony and routing do: keyed by stream, each stream's events numbered in order; returns the bytes sent. */
  const publish = async (topic: string, streamId: string, encode: (meta: EventMeta) => Uint8Array) => {
    const streamVersion = (versions.get(streamId) ?? 0) + 1;
    versions.set(streamId, streamVersion);
    const value = encode({ eventId: randomUUID(), streamId, streamVersion, occurredAt: new Date() });
    await service.context.bus.publish(topic, [{ key: streamId, value }]);
    return value;
  };
  const arrives = (callId: string, callingNumber: string) => publish('telephony.calls', callId, (m) => encodeEvent(CallArrivedSchema, { callId, callingNumber, dialledNumber: NATIONAL }, m));
  const timeline = async (customerId: string, query = '') => (await call('GET', `/customers/${customerId}/timeline${query}`)).body;
  const kinds = async (customerId: string) => ((await timeline(customerId))['entries'] as Json[]).map((e) => e['kind']);
  /** Each topic is read on its own: waits until every one of these kinds has reached the customer's timeline. */
  const waitFor = (customerId: string, ...expected: string[]) =>
    eventually(`${expected.join(', ')} on the timeline`, async () => {
      const seen = await kinds(customerId);
      return expected.every((k) => seen.includes(k));
    });

  beforeAll(async () => {
    const env = { PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: await freshDatabase('customers'), EVENTBUS_DATABASE_URL: await freshDatabase('bus') };
    service = await startEventSourcedService(customersService(authConfig), { env, handleSignals: false });
  });
  afterAll(() => service?.close());

  it('shows a known caller’s call with its self-service, agent, outcome and recording, newest first', async () => {
    const customerId = (await call('POST', '/customers', { name: 'He Ping', phoneNumbers: ['+8613200000001'] })).body['customerId'] as string;
    await arrives('call-t1', '+8613200000001');
    await publish('telephony.calls', 'call-t1', (m) =>
      encodeEvent(SelfServiceCompletedSchema, { callId: 'call-t1', nodeId: 'track', service: 'waybill-tracking', outcome: SelfServiceOutcome.ANSWERED, spokenText: 'Your parcel is out for delivery' }, m),
    );
    await publish('telephony.calls', 'call-t1', (m) => encodeEvent(CallAnsweredByAgentSchema, { callId: 'call-t1', agentId: 'li-na' }, m));
    await publish('routing.events', 'acd-site-shenzhen', (m) => encodeEvent(CallCompletedSchema, { siteId: 'shenzhen', callId: 'call-t1', queueId: 'general', agentId: 'li-na', talkMs: 95_000 }, m));
    await publish('telephony.calls', 'call-t1', (m) => encodeEvent(CallEndedSchema, { callId: 'call-t1', endedBy: CallEndedBy.CALLER }, m));
    await publish('telephony.calls', 'call-t1', (m) => encodeEvent(RecordingReadySchema, { callId: 'call-t1', url: 'https://switch.example/rec/call-t1.wav', durationSeconds: 97 }, m));
    await publish('telephony.calls', 'call-t1', (m) => encodeEvent(SurveyAnsweredSchema, { callId: 'call-t1', rating: SurveyRating.DISSATISFIED }, m));

    await waitFor(customerId, 'customer-registered', 'call-arrived', 'ivr-self-service', 'call-answered', 'call-completed', 'call-ended', 'recording-ready', 'survey-answered');
    const entries = (await timeline(customerId))['entries'] as Json[];
    expect(entries.map((e) => e['kind']).filter((k) => k !== 'call-completed')).toEqual(['survey-answered', 'recording-ready', 'call-ended', 'call-answered', 'ivr-self-service', 'call-arrived', 'customer-registered']);
    expect(entries.find((e) => e['kind'] === 'survey-answered')).toMatchObject({ callId: 'call-t1', summary: 'Rated the call dissatisfied in the post-call survey', details: { rating: 'dissatisfied' } });
    expect(entries.find((e) => e['kind'] === 'ivr-self-service')).toMatchObject({ callId: 'call-t1', summary: 'IVR self-service waybill-tracking: answered', source: 'telephony' });
    expect(entries.find((e) => e['kind'] === 'call-completed')).toMatchObject({ source: 'routing', summary: 'Talked 95 s with agent li-na' });

    const card = (await call('GET', '/customers/by-number/%2B8613200000001/card')).body;
    expect(card['recentCalls']).toMatchObject([
      { callId: 'call-t1', callingNumber: '+8613200000001', agentId: 'li-na', outcome: 'completed', recordingUrl: 'https://switch.example/rec/call-t1.wav', endedAt: expect.any(String) },
    ]);
  });

  it('adds nothing for a redelivered event', async () => {
    const customerId = (await call('POST', '/customers', { name: 'Xu Ming', phoneNumbers: ['+8613200000002'] })).body['customerId'] as string;
    const arrived = await arrives('call-t2', '+8613200000002');
    await waitFor(customerId, 'customer-registered', 'call-arrived');
    // The bus delivers at least once: the same event again, then a later one of the same call to know it was read.
    await service.context.bus.publish('telephony.calls', [{ key: 'call-t2', value: arrived }]);
    await publish('telephony.calls', 'call-t2', (m) => encodeEvent(CallEndedSchema, { callId: 'call-t2', endedBy: CallEndedBy.AGENT }, m));
    await waitFor(customerId, 'call-ended');
    expect(await kinds(customerId)).toEqual(['call-ended', 'call-arrived', 'customer-registered']);
  });

  it('keeps a stranger’s calls by number and shows them once the number is registered', async () => {
    await arrives('call-t3', '+8613200000003');
    await publish('telephony.calls', 'call-t3', (m) => encodeEvent(CallEndedSchema, { callId: 'call-t3', endedBy: CallEndedBy.CALLER }, m));
    await eventually('the stranger’s call was read', async () => {
      const rows = await service.context.prisma.$queryRaw<{ n: bigint }[]>`select count(*) as n from timeline_entries where call_id = 'call-t3'`;
      return Number(rows[0]?.n) === 2;
    });
    expect((await call('GET', '/customers/by-number/%2B8613200000003')).status).toBe(404);

    const customerId = (await call('POST', '/customers', { name: 'Guo Hua', phoneNumbers: ['+8613200000003'] })).body['customerId'] as string;
    await waitFor(customerId, 'customer-registered', 'call-arrived', 'call-ended');
    expect(await kinds(customerId)).toEqual(['customer-registered', 'call-ended', 'call-arrived']);
    expect((await call('GET', '/customers/by-number/%2B8613200000003/card')).body['recentCalls']).toMatchObject([{ callId: 'call-t3' }]);
  });

  it('pages back through a long history with the cursor', async () => {
    const customerId = (await call('POST', '/customers', { name: 'Tang Yu', phoneNumbers: ['+8613200000004'] })).body['customerId'] as string;
    for (let i = 1; i <= 5; i++) await arrives(`call-p${i}`, '+8613200000004');
    await waitFor(customerId, 'customer-registered');
    await eventually('five calls arrived', async () => (await kinds(customerId)).filter((k) => k === 'call-arrived').length === 5);
    const first = await timeline(customerId, '?limit=4');
    expect(first['entries']).toHaveLength(4);
    const second = await timeline(customerId, `?limit=4&before=${encodeURIComponent(first['nextBefore'] as string)}`);
    const all = [...(first['entries'] as Json[]), ...(second['entries'] as Json[])].map((e) => e['eventId']);
    expect(all).toHaveLength(6);
    expect(new Set(all).size).toBe(6);
    expect(second['nextBefore']).toBeNull();
    expect((await call('GET', `/customers/${customerId}/timeline?before=yesterday`)).body).toMatchObject({ status: 400, errors: [{ path: 'querystring/before' }] });
  });
});
