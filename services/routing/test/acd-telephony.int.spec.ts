// Telephony's calls on the bus drive the ACD: queued at the dial plan's site with the caller's tier, a hang-up leaves the queue.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentRequestedSchema,
  CallAnsweredByAgentSchema,
  CallArrivedSchema,
  CallbackRequestedSchema,
  CallEndedSchema,
  CallNotAnsweredByAgentSchema,
  CallTransferredSchema,
  CustomerRegisteredSchema,
  CustomerTier,
  encodeEvent,
} from '@switchboard/contracts';
import { startEventSourcedService } from '@switchboard/service-kit';
import { freshDatabase, jsonClient, type Json } from '@switchboard/testing';
import { routingService } from '../src/service.ts';
import { asService, authConfig } from './fixtures/people.ts';

// The tests' own calls are another service's: the roles have their own test (auth.int.spec.ts).
const serviceHeaders = await asService();

type Running = Awaited<ReturnType<typeof startEventSourcedService>>;

const NATIONAL = '+8695105555';
const PLATINUM_CALLER = '+8675500000001';
const NORMAL_CALLER = '+8675512345678';
const allDay = [{ opens: '00:00', closes: '24:00' }];
const week = { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay };

describe('the ACD fed by telephony.calls', () => {
  let service: Running;
  const versions = new Map<string, number>();

  const call = jsonClient(() => service.url, serviceHeaders);
  /** Publishes like telephony does: keyed by call, each call's events numbered in order. */
  const publish = async (topic: string, streamId: string, value: (meta: { eventId: string; streamId: string; streamVersion: number; occurredAt: Date }) => Uint8Array) => {
    const streamVersion = (versions.get(streamId) ?? 0) + 1;
    versions.set(streamId, streamVersion);
    await service.context.bus.publish(topic, [{ key: streamId, value: value({ eventId: randomUUID(), streamId, streamVersion, occurredAt: new Date() }) }]);
  };
  const arrives = (callId: string, callingNumber: string) =>
    publish('telephony.calls', callId, (meta) => encodeEvent(CallArrivedSchema, { callId, callingNumber, dialledNumber: NATIONAL }, meta));
  const asksForAgent = (callId: string, businessType = 'general') =>
    publish('telephony.calls', callId, (meta) => encodeEvent(AgentRequestedSchema, { callId, nodeId: 'to-agent', queue: 'general', businessType, language: 'zh-CN' }, meta));
  const hangsUp = (callId: string) => publish('telephony.calls', callId, (meta) => encodeEvent(CallEndedSchema, { callId }, meta));

  /** Reads the site until `done` holds (the reactor works behind the bus), or fails after 10 s. */
  const eventually = async (done: (site: Json) => boolean): Promise<Json> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const site = await call('GET', '/acd/sites/shenzhen');
      if (site.status === 200 && done(site.body)) return site.body;
      if (Date.now() > deadline) throw new Error(`the site never got there: ${JSON.stringify(site.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const waiting = (site: Json) => ((site['queues'] as Json[])[0]?.['waiting'] as Json[]).map((c) => ({ callId: c['callId'], tier: c['tier'], position: c['position'] }));
  const callbacks = (site: Json) => ((site['queues'] as Json[])[0]?.['waiting'] as Json[]).filter((c) => c['callback'] === true).map((c) => c['callId']);

  beforeAll(async () => {
    const env = { PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: await freshDatabase('routing'), EVENTBUS_DATABASE_URL: await freshDatabase('bus') };
    service = await startEventSourcedService(routingService(authConfig), { env, handleSignals: false });
    expect((await call('PUT', '/sites/shenzhen', { name: 'Shenzhen center', city: 'Shenzhen', timezone: 'Asia/Shanghai', capacity: 20, openingHours: week })).status).toBe(200);
    expect((await call('PUT', '/sites/beijing-hq', { name: 'Beijing HQ', city: 'Beijing', timezone: 'Asia/Shanghai', headquarters: true, capacity: 50, openingHours: week })).status).toBe(200);
    const plan = { rules: [{ kind: 'region' }, { kind: 'site', siteId: 'beijing-hq' }], regions: [{ prefix: '+86755', siteId: 'shenzhen', region: 'Shenzhen' }] };
    expect((await call('PUT', `/dial-plan/${NATIONAL}`, plan)).status).toBe(200);
    expect((await call('PUT', '/acd/sites/shenzhen', { name: 'Shenzhen center', city: 'Shenzhen', timezone: 'Asia/Shanghai' })).status).toBe(200);
    expect((await call('PUT', '/acd/sites/shenzhen/queues/general', { name: 'General', requiredSkills: [{ skill: 'general', minLevel: 1 }] })).status).toBe(200);
    expect((await call('PUT', '/acd/sites/shenzhen/agents/li-na', { name: 'Li Na', skills: [{ skill: 'general', level: 5 }] })).status).toBe(200);
    // Logged in but not ready: the dial plan counts the site as staffed, and the callers wait in line.
    expect((await call('POST', '/acd/sites/shenzhen/agents/li-na/state', { state: 'logged-in' })).status).toBe(200);

    await publish('customers.events', 'customer-vip', (meta) =>
      encodeEvent(CustomerRegisteredSchema, { customerId: 'vip', tier: CustomerTier.PLATINUM, phoneNumbers: [PLATINUM_CALLER] }, meta),
    );
    const deadline = Date.now() + 10_000;
    while ((await call('GET', `/caller-tiers/${encodeURIComponent(PLATINUM_CALLER)}`)).body['tier'] !== 'platinum') {
      if (Date.now() > deadline) throw new Error('the caller tier never arrived');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(() => service?.close());

  it('queues callers asking for an agent at the dial plan’s site, the platinum caller first', async () => {
    await arrives('c-normal', NORMAL_CALLER);
    await asksForAgent('c-normal');
    await eventually((site) => waiting(site).length === 1);
    await arrives('c-platinum', PLATINUM_CALLER);
    await asksForAgent('c-platinum');
    const site = await eventually((s) => waiting(s).length === 2);
    expect(waiting(site)).toEqual([
      { callId: 'c-platinum', tier: 'platinum', position: 1 },
      { callId: 'c-normal', tier: 'normal', position: 2 },
    ]);
  });

  it('answers an urgent business type (the dial plan’s urgency) before earlier callers of the same tier, never before a higher tier', async () => {
    const plan = (await call('GET', `/dial-plan/${NATIONAL}`)).body;
    const urgent = {
      rules: plan['rules'],
      regions: plan['regions'],
      overflow: plan['overflow'],
      urgencies: [{ businessType: 'gps-alarm', urgency: 50 }],
    };
    const published = await call('PUT', `/dial-plan/${NATIONAL}`, urgent);
    expect(published.status).toBe(200);
    expect(published.body['urgencies']).toEqual([{ businessType: 'gps-alarm', urgency: 50 }]);
    const dryRun = await call('POST', `/dial-plan/${NATIONAL}/resolve`, { callingNumber: NORMAL_CALLER, businessType: 'gps-alarm' });
    expect(dryRun.body).toMatchObject({ siteId: 'shenzhen', urgency: 50 });

    await arrives('c-alarm', '+8675512340000');
    await asksForAgent('c-alarm', 'gps-alarm');
    const site = await eventually((s) => waiting(s).length === 3);
    expect(waiting(site).map((c) => c.callId)).toEqual(['c-platinum', 'c-alarm', 'c-normal']);
    const alarm = ((site['queues'] as Json[])[0]!['waiting'] as Json[]).find((c) => c['callId'] === 'c-alarm')!;
    const normal = ((site['queues'] as Json[])[0]!['waiting'] as Json[]).find((c) => c['callId'] === 'c-normal')!;
    expect(Number(alarm['priority']) - Number(normal['priority'])).toBe(50);

    await hangsUp('c-alarm');
    await eventually((s) => waiting(s).length === 2);
  });

  it('refuses an urgency outside 0–99 or a business type given two, saying which', async () => {
    const plan = (await call('GET', `/dial-plan/${NATIONAL}`)).body;
    const base = { rules: plan['rules'], regions: plan['regions'], overflow: plan['overflow'] };
    const tooHigh = await call('PUT', `/dial-plan/${NATIONAL}`, { ...base, urgencies: [{ businessType: 'gps-alarm', urgency: 100 }] });
    expect(tooHigh.status).toBe(400);
    expect(JSON.stringify(tooHigh.body)).toMatch(/urgenc/);
    const twice = await call('PUT', `/dial-plan/${NATIONAL}`, { ...base, urgencies: [{ businessType: 'gps-alarm', urgency: 10 }, { businessType: 'gps-alarm', urgency: 20 }] });
    expect(twice.status).toBe(422);
    expect(twice.body['detail']).toContain('business type "gps-alarm" already has an urgency');
    expect((await call('GET', `/dial-plan/${NATIONAL}`)).body['urgencies']).toEqual([{ businessType: 'gps-alarm', urgency: 50 }]);
  });

  it('takes a caller who hangs up while waiting out of the line, and ends a connected call', async () => {
    await hangsUp('c-normal');
    await eventually((site) => waiting(site).length === 1);

    expect(await call('POST', '/acd/sites/shenzhen/agents/li-na/state', { state: 'ready' })).toMatchObject({ body: { events: ['AgentStateChanged', 'CallOffered', 'AgentStateChanged'] } });
    expect((await call('POST', '/acd/sites/shenzhen/calls/c-platinum/accept', { agentId: 'li-na' })).status).toBe(200);
    await hangsUp('c-platinum');
    const site = await eventually((s) => (s['agents'] as Json[])[0]?.['state'] === 'ready');
    expect(waiting(site)).toEqual([]);
  });

  it('keeps a callback caller in line after they hang up, and offers the dial-back when the agent is free', async () => {
    expect((await call('POST', '/acd/sites/shenzhen/agents/li-na/state', { state: 'not-ready', reason: 'break' })).status).toBe(200);
    await arrives('c-callback', NORMAL_CALLER);
    await publish('telephony.calls', 'c-callback', (meta) =>
      encodeEvent(CallbackRequestedSchema, { callId: 'c-callback', nodeId: 'offer-callback', queue: 'general', businessType: 'general', callbackNumber: NORMAL_CALLER }, meta),
    );
    await eventually((site) => callbacks(site).length === 1);
    await hangsUp('c-callback');
    // Wait until the reactor has applied the hang-up (version 3 of the call's stream), then the line must still hold the call.
    const deadline = Date.now() + 10_000;
    const applied = () => service.context.prisma.projectionStream.findUnique({ where: { projection_streamId: { projection: 'routing.telephony-calls', streamId: 'c-callback' } } });
    while (((await applied())?.version ?? 0) < 3) {
      if (Date.now() > deadline) throw new Error('the hang-up was never applied');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const site = (await call('GET', '/acd/sites/shenzhen')).body;
    expect(callbacks(site)).toEqual(['c-callback']);

    expect(await call('POST', '/acd/sites/shenzhen/agents/li-na/state', { state: 'ready' })).toMatchObject({ body: { events: ['AgentStateChanged', 'CallbackOffered', 'AgentStateChanged'] } });
    expect(await call('GET', '/acd/sites/shenzhen/agents/li-na')).toMatchObject({ body: { state: 'reserved', callId: 'c-callback', offer: { callId: 'c-callback', callback: true } } });
  });

  it('follows the switch: a ring-out re-queues at the head, an answer accepts the offer once, a transfer re-queues at the target keeping the tier', async () => {
    expect((await call('PUT', '/acd/sites/shenzhen/queues/complaints', { name: 'Complaints', requiredSkills: [{ skill: 'complaints', minLevel: 1 }] })).status).toBe(200);
    expect((await call('PUT', '/acd/sites/shenzhen/agents/wang-wei', { name: 'Wang Wei', skills: [{ skill: 'general', level: 5 }] })).status).toBe(200);
    for (const state of ['logged-in', 'ready']) expect((await call('POST', '/acd/sites/shenzhen/agents/wang-wei/state', { state })).status).toBe(200);
    const agent = async (id: string) => (await call('GET', `/acd/sites/shenzhen/agents/${id}`)).body;
    const until = async (what: string, check: () => Promise<boolean>) => {
      const deadline = Date.now() + 10_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`never: ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    await arrives('c-switch', PLATINUM_CALLER);
    await asksForAgent('c-switch');
    await until('offered to Wang Wei', async () => (await agent('wang-wei'))['state'] === 'reserved');

    await publish('telephony.calls', 'c-switch', (meta) => encodeEvent(CallNotAnsweredByAgentSchema, { callId: 'c-switch', agentId: 'wang-wei' }, meta));
    await until('one no-answer counted', async () => (await agent('wang-wei'))['consecutiveNoAnswers'] === 1);
    // Back at the head of the line, and the only ready agent is offered it again.
    await until('offered again', async () => (await agent('wang-wei'))['state'] === 'reserved');

    const answered = (meta: { eventId: string; streamId: string; streamVersion: number; occurredAt: Date }) => encodeEvent(CallAnsweredByAgentSchema, { callId: 'c-switch', agentId: 'wang-wei' }, meta);
    await publish('telephony.calls', 'c-switch', answered);
    await until('on the call', async () => (await agent('wang-wei'))['state'] === 'on-call');
    // The switch reporting the answer twice (a new report of the same fact) changes nothing.
    await publish('telephony.calls', 'c-switch', answered);

    await publish('telephony.calls', 'c-switch', (meta) => encodeEvent(CallTransferredSchema, { callId: 'c-switch', fromAgentId: 'wang-wei', target: 'queue:complaints' }, meta));
    const site = await eventually((s) => ((s['queues'] as Json[]).find((q) => q['queueId'] === 'complaints')?.['waiting'] as Json[] | undefined)?.length === 1);
    const complaints = (site['queues'] as Json[]).find((q) => q['queueId'] === 'complaints')!;
    expect((complaints['waiting'] as Json[])[0]).toMatchObject({ callId: 'c-switch', tier: 'platinum' });
    expect(await agent('wang-wei')).toMatchObject({ state: 'ready', consecutiveNoAnswers: 0 });
  });

  it('keeps a callback asked for while an agent is free: the free agent is offered the dial-back, and the caller’s hang-up does not abandon it', async () => {
    // Wang Wei is ready (the test above left him so): the call is queued and offered in one decision.
    await arrives('c-callback-free', NORMAL_CALLER);
    await publish('telephony.calls', 'c-callback-free', (meta) =>
      encodeEvent(CallbackRequestedSchema, { callId: 'c-callback-free', nodeId: 'offer-callback', queue: 'general', businessType: 'general', callbackNumber: NORMAL_CALLER }, meta),
    );
    await hangsUp('c-callback-free');
    const deadline = Date.now() + 10_000;
    const applied = () => service.context.prisma.projectionStream.findUnique({ where: { projection_streamId: { projection: 'routing.telephony-calls', streamId: 'c-callback-free' } } });
    while (((await applied())?.version ?? 0) < 3) {
      if (Date.now() > deadline) throw new Error('the hang-up was never applied');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Offered as a dial-back (not rung as a live call to a caller who hung up), and still his after the hang-up.
    expect(await call('GET', '/acd/sites/shenzhen/agents/wang-wei')).toMatchObject({ body: { state: 'reserved', callId: 'c-callback-free', offer: { callId: 'c-callback-free', callback: true } } });
  });
});
