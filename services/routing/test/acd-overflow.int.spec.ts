// A call nobody at its site answers in time overflows to headquarters, is offered there with its path, and the hang-up follows it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentRequestedSchema, CallArrivedSchema, CallEndedSchema, encodeEvent } from '@switchboard/contracts';
import { startEventSourcedService } from '@switchboard/service-kit';
import { freshDatabase, jsonClient, type Json } from '@switchboard/testing';
import { routingService } from '../src/service.ts';
import { asService, authConfig } from './fixtures/people.ts';

// The tests' own calls are another service's: the roles have their own test (auth.int.spec.ts).
const serviceHeaders = await asService();

type Running = Awaited<ReturnType<typeof startEventSourcedService>>;

describe('overflow between sites', () => {
  let service: Running;

  const call = jsonClient(() => service.url, serviceHeaders);
  const telephony = (streamVersion: number, value: (meta: { eventId: string; streamId: string; streamVersion: number; occurredAt: Date }) => Uint8Array) =>
    service.context.bus.publish('telephony.calls', [{ key: 'c-1', value: value({ eventId: randomUUID(), streamId: 'c-1', streamVersion, occurredAt: new Date() }) }]);
  const eventually = async (path: string, done: (body: Json) => boolean): Promise<Json> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const read = await call('GET', path);
      if (read.status === 200 && done(read.body)) return read.body;
      if (Date.now() > deadline) throw new Error(`${path} never got there: ${JSON.stringify(read.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const site = (name: string) => ({ name, city: name, timezone: 'Asia/Shanghai' });

  beforeAll(async () => {
    const env = { PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: await freshDatabase('routing'), EVENTBUS_DATABASE_URL: await freshDatabase('bus') };
    service = await startEventSourcedService(routingService(authConfig), { env, handleSignals: false });
    const general = { name: 'General', requiredSkills: [{ skill: 'general', minLevel: 1 }] };
    expect((await call('PUT', '/acd/sites/beijing-hq', { ...site('Beijing'), headquarters: true })).status).toBe(200);
    expect((await call('PUT', '/acd/sites/beijing-hq/queues/general', general)).status).toBe(200);
    expect((await call('PUT', '/acd/sites/beijing-hq/agents/wang-fang', { name: 'Wang Fang', skills: [{ skill: 'general', level: 4 }] })).status).toBe(200);
    expect((await call('POST', '/acd/sites/beijing-hq/agents/wang-fang/state', { state: 'logged-in' })).status).toBe(200);
    expect((await call('POST', '/acd/sites/beijing-hq/agents/wang-fang/state', { state: 'ready' })).status).toBe(200);
    expect((await call('PUT', '/acd/sites/shenzhen', site('Shenzhen'))).status).toBe(200);
    expect((await call('PUT', '/acd/sites/shenzhen/queues/general', { ...general, overflowThresholdMs: 1000, overflowChain: [{ siteId: 'beijing-hq', queueId: 'general' }] })).status).toBe(200);
    // Logged in but not ready: the caller waits at Shenzhen until the threshold rather than leaving at once.
    expect((await call('PUT', '/acd/sites/shenzhen/agents/li-na', { name: 'Li Na', skills: [{ skill: 'general', level: 5 }] })).status).toBe(200);
    expect((await call('POST', '/acd/sites/shenzhen/agents/li-na/state', { state: 'logged-in' })).status).toBe(200);
  });
  afterAll(() => service?.close());

  it('queues the call at headquarters after the threshold, offers it there with its path, and abandons it there on hang-up', async () => {
    // The switch of the Shenzhen center took the call: no dial plan needed.
    await telephony(1, (meta) => encodeEvent(CallArrivedSchema, { callId: 'c-1', callingNumber: '+8675512345678', dialledNumber: '+8675588880000', siteId: 'shenzhen' }, meta));
    await telephony(2, (meta) => encodeEvent(AgentRequestedSchema, { callId: 'c-1', nodeId: 'to-agent', queue: 'general', businessType: 'general' }, meta));
    await eventually('/acd/sites/shenzhen', (s) => ((s['queues'] as Json[])[0]?.['waiting'] as Json[]).length === 1);

    const agent = await eventually('/acd/sites/beijing-hq/agents/wang-fang', (a) => a['state'] === 'reserved');
    expect(agent).toMatchObject({ callId: 'c-1', offer: { callId: 'c-1', queueId: 'general', decision: { overflowPath: ['shenzhen/general'] } } });
    expect(((agent['offer'] as Json)['decision'] as Json)['waitedMs']).toBeGreaterThanOrEqual(1000);
    expect(((await call('GET', '/acd/sites/shenzhen')).body['queues'] as Json[])[0]?.['waiting']).toEqual([]);

    await telephony(3, (meta) => encodeEvent(CallEndedSchema, { callId: 'c-1' }, meta));
    await eventually('/acd/sites/beijing-hq/agents/wang-fang', (a) => a['state'] === 'ready');
  });
});
