// The ACD through the routing service's HTTP API: a platinum caller first, the why of an offer, no-answers, a restart, bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEventSourcedService } from '@switchboard/service-kit';
import { freshDatabase, jsonClient, type Json } from '@switchboard/testing';
import { SiteDesk } from '../src/application/site-desk.ts';
import { routingService } from '../src/service.ts';
import { asService, authConfig } from './fixtures/people.ts';

// The tests' own calls are another service's: the roles have their own test (auth.int.spec.ts).
const serviceHeaders = await asService();

type Running = Awaited<ReturnType<typeof startEventSourcedService>>;

describe('the ACD API', () => {
  let env: Record<string, string>;
  let service: Running;

  const start = () => startEventSourcedService(routingService(authConfig), { env, handleSignals: false });
  const call = jsonClient(() => service.url, serviceHeaders);
  const waitingIn = (site: Json, queueId: string) =>
    ((site['queues'] as Json[]).find((q) => q['queueId'] === queueId)?.['waiting'] as Json[]).map((c) => ({ callId: c['callId'], position: c['position'], tier: c['tier'] }));
  const agentsOf = (site: Json) => (site['agents'] as Json[]).map((a) => ({ agentId: a['agentId'], state: a['state'], reason: a['reason'] }));

  beforeAll(async () => {
    env = { PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: await freshDatabase('routing'), EVENTBUS_DATABASE_URL: await freshDatabase('bus') };
    service = await start();
    expect(await call('PUT', '/acd/sites/shenzhen', { name: 'Shenzhen center', city: 'Shenzhen', timezone: 'Asia/Shanghai', noAnswerLimit: 2 })).toMatchObject({
      status: 200,
      body: { events: ['SiteRegistered'], version: 1 },
    });
    expect(await call('PUT', '/acd/sites/shenzhen/queues/waybills', { name: 'Waybill enquiries', requiredSkills: [{ skill: 'waybill', minLevel: 1 }], wrapUpMs: 1000 })).toMatchObject({
      status: 200,
      body: { events: ['QueueDefined'] },
    });
    expect(await call('PUT', '/acd/sites/shenzhen/agents/li-na', { name: 'Li Na', skills: [{ skill: 'waybill', level: 5 }] })).toMatchObject({ status: 200, body: { events: ['AgentRegistered'] } });
  });
  afterAll(() => service?.close());

  it('offers a platinum caller before a normal one who came first, and the offer says why', async () => {
    expect(await call('POST', '/acd/sites/shenzhen/agents/li-na/state', { state: 'logged-in' })).toMatchObject({ status: 200, body: { events: ['AgentStateChanged'] } });
    expect(await call('POST', '/acd/sites/shenzhen/calls', { callId: 'c-normal', queueId: 'waybills', tier: 'normal' })).toMatchObject({ status: 200, body: { events: ['CallQueued'] } });
    expect(await call('POST', '/acd/sites/shenzhen/calls', { callId: 'c-platinum', queueId: 'waybills', tier: 'platinum' })).toMatchObject({ status: 200, body: { events: ['CallQueued'] } });

    const waiting = await call('GET', '/acd/sites/shenzhen');
    expect(waitingIn(waiting.body, 'waybills')).toEqual([
      { callId: 'c-platinum', position: 1, tier: 'platinum' },
      { callId: 'c-normal', position: 2, tier: 'normal' },
    ]);

    const ready = await call('POST', '/acd/sites/shenzhen/agents/li-na/state', { state: 'ready' });
    expect(ready).toMatchObject({ status: 200, body: { events: ['AgentStateChanged', 'CallOffered', 'AgentStateChanged'] } });

    const agent = await call('GET', '/acd/sites/shenzhen/agents/li-na');
    expect(agent).toMatchObject({
      status: 200,
      body: {
        state: 'reserved',
        callId: 'c-platinum',
        offer: { callId: 'c-platinum', queueId: 'waybills', callback: false, decision: { rule: 'only-candidate', callChoice: 'highest-priority', candidatesConsidered: 1, callsWaiting: 1 } },
      },
    });
    expect((agent.body['offer'] as Json)['decision']).toMatchObject({ candidates: [{ agentId: 'li-na', score: expect.any(Number) }] });
  });

  it('re-queues an unanswered call at the head, and sets the agent not ready after the second no-answer', async () => {
    const first = await call('POST', '/acd/sites/shenzhen/calls/c-platinum/no-answer', { agentId: 'li-na' });
    expect(first.status).toBe(200);
    // Back to ready, so the call at the head of the line rings the same agent again.
    expect(first.body['events']).toEqual(['OfferNotAnswered', 'CallRequeued', 'AgentStateChanged', 'CallOffered', 'AgentStateChanged']);
    expect(await call('GET', '/acd/sites/shenzhen/agents/li-na')).toMatchObject({ body: { state: 'reserved', callId: 'c-platinum', offer: { decision: { noAnswers: 1 } } } });

    const second = await call('POST', '/acd/sites/shenzhen/calls/c-platinum/no-answer', { agentId: 'li-na' });
    expect(second.body['events']).toEqual(['OfferNotAnswered', 'CallRequeued', 'AgentStateChanged']);
    const site = await call('GET', '/acd/sites/shenzhen');
    expect(waitingIn(site.body, 'waybills')).toEqual([
      { callId: 'c-platinum', position: 1, tier: 'platinum' },
      { callId: 'c-normal', position: 2, tier: 'normal' },
    ]);
    expect(agentsOf(site.body)).toEqual([{ agentId: 'li-na', state: 'not-ready', reason: 'no-answer' }]);
    expect(await call('GET', '/acd/sites/shenzhen/agents/li-na')).toMatchObject({ body: { state: 'not-ready', offer: null } });
  });

  it('rebuilds the same waiting calls and agent states from the log after a restart', async () => {
    const before = await call('GET', '/acd/sites/shenzhen');
    await service.close();
    service = await start();
    const after = await call('GET', '/acd/sites/shenzhen');
    expect(after.status).toBe(200);
    expect(waitingIn(after.body, 'waybills')).toEqual(waitingIn(before.body, 'waybills'));
    expect(agentsOf(after.body)).toEqual(agentsOf(before.body));
    expect(after.body['version']).toBe(before.body['version']);

    // And it goes on from there: the agent comes back, takes the platinum caller, ends, and the normal caller is next.
    expect(await call('POST', '/acd/sites/shenzhen/agents/li-na/state', { state: 'ready' })).toMatchObject({ body: { events: ['AgentStateChanged', 'CallOffered', 'AgentStateChanged'] } });
    expect(await call('POST', '/acd/sites/shenzhen/calls/c-platinum/accept', { agentId: 'li-na' })).toMatchObject({ status: 200, body: { events: ['OfferAccepted', 'AgentStateChanged'] } });
    const ended = await call('POST', '/acd/sites/shenzhen/calls/c-platinum/end');
    expect(ended.status).toBe(200);
    expect(ended.body['events']).toContain('CallCompleted');
    expect(await call('GET', '/acd/sites/shenzhen/agents/li-na')).toMatchObject({ body: { state: 'wrap-up', callId: 'c-platinum' } });
  });

  it('ends a wrap-up on the clock and offers the next caller without anyone asking', async () => {
    const deadline = Date.now() + 5000;
    let agent = await call('GET', '/acd/sites/shenzhen/agents/li-na');
    while (agent.body['state'] !== 'reserved' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      agent = await call('GET', '/acd/sites/shenzhen/agents/li-na');
    }
    expect(agent.body).toMatchObject({ state: 'reserved', callId: 'c-normal', offer: { callId: 'c-normal', decision: { callChoice: 'first-in-line' } } });
  });

  it('retries on a stale copy when another writer appended to the site meanwhile', async () => {
    // A second desk over the same store plays another replica that took the site during a rebalance.
    const replica = new SiteDesk({ store: service.context.store, appendOptions: (siteId) => ({ occurredAt: new Date(), siteId }) });
    expect(await replica.execute('shenzhen', { type: 'RegisterAgent', agentId: 'wang-fang', name: 'Wang Fang', skills: [{ skill: 'waybill', level: 3 }] })).toMatchObject({ ok: true });

    // This service's copy does not know wang-fang: its append conflicts, it folds the log again and succeeds.
    expect(await call('POST', '/acd/sites/shenzhen/agents/wang-fang/state', { state: 'logged-in' })).toMatchObject({ status: 200, body: { events: ['AgentStateChanged'] } });
    const site = await call('GET', '/acd/sites/shenzhen');
    expect(agentsOf(site.body)).toContainEqual({ agentId: 'wang-fang', state: 'not-ready', reason: 'logged-in' });

    // A command the stale copy accepts too: the append is refused on its version, and the retry records it after the other writer's event.
    expect(await replica.execute('shenzhen', { type: 'GoReady', agentId: 'wang-fang', at: Date.now() })).toMatchObject({ ok: true });
    const accepted = await call('POST', '/acd/sites/shenzhen/calls/c-normal/accept', { agentId: 'li-na' });
    expect(accepted).toMatchObject({ status: 200, body: { events: ['OfferAccepted', 'AgentStateChanged'] } });
    const after = await call('GET', '/acd/sites/shenzhen');
    expect(after.body['version']).toBe((site.body['version'] as number) + 3);
    expect(agentsOf(after.body)).toEqual([
      { agentId: 'li-na', state: 'on-call', reason: null },
      { agentId: 'wang-fang', state: 'ready', reason: null },
    ]);
  });

  it('schedules a callback that keeps its place, offers the dial-back and records whether the caller was reached', async () => {
    expect((await call('POST', '/acd/sites/shenzhen/agents/wang-fang/state', { state: 'not-ready', reason: 'training' })).status).toBe(200);
    expect(await call('POST', '/acd/sites/shenzhen/calls', { callId: 'c-callback', queueId: 'waybills', tier: 'gold' })).toMatchObject({ body: { events: ['CallQueued'] } });
    const badNumber = await call('POST', '/acd/sites/shenzhen/calls/c-callback/callback', { callbackNumber: '12345' });
    expect(badNumber).toMatchObject({ status: 400, body: { errors: [{ path: 'body/callbackNumber' }] } });
    expect(await call('POST', '/acd/sites/shenzhen/calls/c-callback/callback', { callbackNumber: '+8613812345678' })).toMatchObject({ status: 200, body: { events: ['CallbackScheduled'] } });
    const site = await call('GET', '/acd/sites/shenzhen');
    expect(((site.body['queues'] as Json[])[0]?.['waiting'] as Json[])[0]).toMatchObject({ callId: 'c-callback', callback: true, position: 1 });

    expect(await call('POST', '/acd/sites/shenzhen/agents/wang-fang/state', { state: 'ready' })).toMatchObject({ body: { events: ['AgentStateChanged', 'CallbackOffered', 'AgentStateChanged'] } });
    expect((await call('POST', '/acd/sites/shenzhen/calls/c-callback/accept', { agentId: 'wang-fang' })).status).toBe(200);
    expect(await call('POST', '/acd/sites/shenzhen/calls/c-normal/callback-outcome', { outcome: 'reached' })).toMatchObject({ status: 409, body: { code: 'not-a-callback' } });
    const done = await call('POST', '/acd/sites/shenzhen/calls/c-callback/callback-outcome', { outcome: 'not-reached' });
    expect(done.status).toBe(200);
    expect(done.body['events']).toContain('CallCompleted');
  });

  it('refuses bad input naming the field, and an unknown agent or site with 404', async () => {
    const bad = await call('POST', '/acd/sites/shenzhen/calls', { callId: 'c-bad', queueId: 'waybills', tier: 'diamond' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body['errors'])).toContain('body/tier');
    const noReason = await call('POST', '/acd/sites/shenzhen/agents/li-na/state', { state: 'not-ready' });
    expect(noReason).toMatchObject({ status: 400, body: { errors: [{ path: 'body/reason' }] } });

    expect(await call('GET', '/acd/sites/shenzhen/agents/nobody')).toMatchObject({ status: 404, body: { code: 'agent-not-found' } });
    expect(await call('POST', '/acd/sites/shenzhen/agents/nobody/state', { state: 'logged-in' })).toMatchObject({ status: 404, body: { code: 'unknown-agent' } });
    expect(await call('GET', '/acd/sites/atlantis')).toMatchObject({ status: 404, body: { code: 'site-not-found' } });
    expect(await call('POST', '/acd/sites/shenzhen/calls', { callId: 'c-normal', queueId: 'waybills', tier: 'gold' })).toMatchObject({ status: 409, body: { code: 'duplicate-call' } });
  });
});
