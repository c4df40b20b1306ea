// Every event of the bus lands in ClickHouse (chDB here) once: a redelivery, a replay of the whole log,
// or a bad message change no figure.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CustomerRegisteredSchema, CustomerTier, encodeEvent } from '@switchboard/contracts';
import { deadLetterTopic, type BusMessage, type EventBus } from '@switchboard/eventbus';
import { eventually } from '@switchboard/testing';
import { callArrived } from './fixtures/arrivals.ts';
import { ingestionBehind, reportingOnLocalLog } from './fixtures/local-log.ts';
import { signedInAs } from './fixtures/people.ts';
import { INGEST_GROUP, ingestedTopics } from '../src/application/ingest.ts';

const day = { from: '2026-11-23T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z' };
const at = new Date('2026-11-23T09:30:00Z');

const customer = (i: number) =>
  encodeEvent(CustomerRegisteredSchema, { customerId: `c${i}`, tier: CustomerTier.GOLD, phoneNumbers: ['+8613812345678'] }, {
    eventId: randomUUID(),
    streamId: `customer-c${i}`,
    streamVersion: 1,
    occurredAt: at,
  });
const call = (i: number) => callArrived(`call-${i}`, at);

describe('ingestion into ClickHouse', () => {
  let bus: EventBus;
  afterAll(() => bus?.close());

  it('counts each event once, dead-letters a bad message, and a replay of the whole log changes no figure', async () => {
    const reportingSetting = await reportingOnLocalLog();
    bus = reportingSetting.bus;
    const start = reportingSetting.start;
    const dead: BusMessage[] = [];
    await bus.subscribe({ groupId: 'test-dlq', topics: [deadLetterTopic(INGEST_GROUP)], fromBeginning: true, handle: async (m) => void dead.push(m) });

    let reporting = await start();
    const customers = Array.from({ length: 30 }, (_, i) => ({ key: `customer-c${i}`, value: customer(i) }));
    const calls = Array.from({ length: 50 }, (_, i) => ({ key: `call-${i}`, value: call(i) }));
    await bus.publish('customers.events', customers);
    await bus.publish('telephony.calls', calls);
    // A relay that restarted mid-batch sends some events again, under new offsets.
    await bus.publish('telephony.calls', calls.slice(0, 10));
    await bus.publish('telephony.calls', [{ key: 'call-x', value: Buffer.from('not an envelope') }]);

    const summary = async (url: string) => (await (await fetch(`${url}/events/summary?from=${day.from}&to=${day.to}`, { headers: await signedInAs('analyst') })).json()) as { types: { type: string; events: number }[] };
    const expected = [
      { type: 'CallArrived', events: 50 },
      { type: 'CustomerRegistered', events: 30 },
    ];
    await eventually('80 events counted', async () => JSON.stringify((await summary(reporting.url)).types) === JSON.stringify(expected), 20_000);
    await eventually('the bad message dead-lettered', () => dead.length === 1);
    expect(Buffer.from(dead[0]!.value).toString()).toBe('not an envelope');
    const ingestion = (await (await fetch(`${reporting.url}/ingestion`, { headers: await signedInAs('supervisor') })).json()) as { lastEventAt: string };
    expect(ingestion.lastEventAt).toBe(at.toISOString());

    await reporting.close();
    for (const topic of ingestedTopics) await bus.resetToEarliest(INGEST_GROUP, topic);
    reporting = await start();
    await eventually('the replay read the whole log again', async () => (await ingestionBehind(reportingSetting.busUrl)) === 0, 20_000);
    expect((await summary(reporting.url)).types).toEqual(expected);
    await reporting.close();
  }, 90_000);

  it('shows no last event before any, and refuses a range that ends before it starts, saying so', async () => {
    const reportingSetting = await reportingOnLocalLog();
    const reporting = await reportingSetting.start();
    // Nothing ingested yet: no last event (not the epoch ClickHouse's max() gives an empty table).
    expect(await (await fetch(`${reporting.url}/ingestion`, { headers: await signedInAs('supervisor') })).json()).toEqual({ lastEventAt: null, lastIngestedAt: null, lagSeconds: null });
    const response = await fetch(`${reporting.url}/events/summary?from=${day.to}&to=${day.from}`, { headers: await signedInAs('supervisor') });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toContain('must be before');
    await reporting.close();
    await reportingSetting.bus.close();
  }, 60_000);

  // chDB keeps a statement's settings for the rest of its session: an analyst's readonly query once made every
  // insert after it fail ("Cannot modify 'insert_deduplication_token' setting in readonly mode"), and each event
  // went to the dead-letter topic.
  it("keeps counting every event after an analyst's read-only query; nothing is dead-lettered", async () => {
    const reportingSetting = await reportingOnLocalLog();
    const reporting = await reportingSetting.start();
    const dead: BusMessage[] = [];
    await reportingSetting.bus.subscribe({ groupId: 'test-dlq-after-sql', topics: [deadLetterTopic(INGEST_GROUP)], fromBeginning: true, handle: async (m) => void dead.push(m) });
    const sql = async (query: string) =>
      fetch(`${reporting.url}/sql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(await signedInAs('analyst')) }, body: JSON.stringify({ query }) });
    const rawEvents = async () => Number(((await (await sql('select count() as n from events_raw_v1')).json()) as { rows: { n: number | string }[] }).rows[0]?.n);

    await reportingSetting.bus.publish('telephony.calls', Array.from({ length: 5 }, (_, i) => ({ key: `call-${i}`, value: call(i) })));
    await eventually('the first 5 calls counted', async () => (await rawEvents()) === 5, 20_000);
    expect((await sql("insert into events_raw_v1 (type) values ('forged')")).status).toBe(403);

    // After the analysts' statements, the ingestion's inserts still go in.
    await reportingSetting.bus.publish('telephony.calls', Array.from({ length: 20 }, (_, i) => ({ key: `call-${i + 5}`, value: call(i + 5) })));
    await eventually('all 25 calls counted', async () => (await rawEvents()) === 25, 20_000);
    await eventually('the log read to its end', async () => (await ingestionBehind(reportingSetting.busUrl)) === 0, 20_000);
    expect(dead).toEqual([]);
    await reporting.close();
    await reportingSetting.bus.close();
  }, 60_000);
});
