// A call, end to end, each service its own process: the switch reports a call to the national number,
// telephony's IVR hands it to a queue, routing picks the site from the dial plan and the tier from the
// customers service, and the agent's desk shows the offer with why it came to her.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, freePort, freshDatabase, jsonClient, startServiceProcess, type ServiceProcess } from '@switchboard/testing';
import { asService, E2E_AUTH_SECRET } from './signed-in.ts';

const NATIONAL = '+8695105555';
const CALLER = '+8675588880000';
const SECRET = 'e2e-switch-secret-of-at-least-32-characters';
const allDay = [{ opens: '00:00', closes: '24:00' }];
const week = { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay };

const running: ServiceProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.kill('SIGTERM')));
});

/** Absolute URLs: this test talks to three services. */
const send = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => jsonClient(() => '', asService)(method, url, body, headers);

/** What a switch does: sign "<timestamp>.<raw body>" with the shared secret. */
function signed(body: unknown) {
  const raw = JSON.stringify(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.`).update(raw).digest('hex')}`;
  return { raw, headers: { 'x-switchboard-signature': signature, 'x-switchboard-timestamp': timestamp } };
}

describe('a call to the national number', () => {
  it("reaches a ready agent at the caller's city center, as platinum, with the reason on her desk", async () => {
    const bus = await freshDatabase('bus');
    const start = async (name: string, extra: Record<string, string> = {}) => {
      const p = await startServiceProcess(name, { DATABASE_URL: await freshDatabase(name), EVENTBUS_DATABASE_URL: bus, AUTH_TOKEN_SECRET: E2E_AUTH_SECRET, ...extra }, await freePort());
      running.push(p);
      return p;
    };
    const [customers, routing, telephony] = await Promise.all([start('customers'), start('routing'), start('telephony', { SWITCH_WEBHOOK_SECRET: SECRET })]);

    // The customer is platinum; routing learns it from customers.events.
    expect((await send('POST', `${customers.url}/customers`, { name: 'Shenzhen Fast Freight', tier: 'platinum', phoneNumbers: [CALLER] })).status).toBe(201);
    await eventually('routing knows the tier', async () => (await send('GET', `${routing.url}/caller-tiers/${encodeURIComponent(CALLER)}`)).body['tier'] === 'platinum');

    // Sites, the dial plan of the national number, the Shenzhen queue and one ready agent.
    for (const [id, site] of Object.entries({
      shenzhen: { name: 'Shenzhen center', city: 'Shenzhen', timezone: 'Asia/Shanghai', capacity: 20, openingHours: week },
      'beijing-hq': { name: 'Beijing HQ', city: 'Beijing', timezone: 'Asia/Shanghai', headquarters: true, capacity: 50, openingHours: week },
    })) {
      expect((await send('PUT', `${routing.url}/sites/${id}`, site)).status).toBe(200);
    }
    const plan = { rules: [{ kind: 'region' }, { kind: 'site', siteId: 'beijing-hq' }], regions: [{ prefix: '+86755', siteId: 'shenzhen', region: 'Shenzhen' }] };
    expect((await send('PUT', `${routing.url}/dial-plan/${NATIONAL}`, plan)).status).toBe(200);
    expect((await send('PUT', `${routing.url}/acd/sites/shenzhen`, { name: 'Shenzhen center', city: 'Shenzhen', timezone: 'Asia/Shanghai' })).status).toBe(200);
    expect((await send('PUT', `${routing.url}/acd/sites/shenzhen/queues/general`, { name: 'General', requiredSkills: [{ skill: 'general', minLevel: 1 }] })).status).toBe(200);
    expect((await send('PUT', `${routing.url}/acd/sites/shenzhen/agents/li-na`, { name: 'Li Na', skills: [{ skill: 'general', level: 5 }] })).status).toBe(200);
    for (const state of ['logged-in', 'ready']) expect((await send('POST', `${routing.url}/acd/sites/shenzhen/agents/li-na/state`, { state })).status).toBe(200);

    // The IVR of the number: a greeting, then the general queue.
    const flow = {
      language: 'zh-CN',
      open: { start: 'greeting', nodes: { greeting: { kind: 'play', say: 'Welcome to Swift Express.', next: 'to-agent' }, 'to-agent': { kind: 'queue', queue: 'general', businessType: 'general' } } },
    };
    expect((await send('PUT', `${telephony.url}/ivr-flows/${encodeURIComponent(NATIONAL)}`, flow)).status).toBe(200);

    // The switch reports the call, signed.
    const arrival = { kind: 'call-arrived', switchEventId: randomUUID(), switchCallRef: 'pbx-0001', at: new Date().toISOString(), callingNumber: CALLER, dialledNumber: NATIONAL };
    const { raw, headers } = signed(arrival);
    const answer = await send('POST', `${telephony.url}/switch/events`, raw, { 'content-type': 'application/json', ...headers });
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.body['instructions'])).toContain('queue:general');
    const callId = answer.body['callId'] as string;

    // Routing queues it at Shenzhen and offers it to Li Na, saying why.
    const desk = async () => (await send('GET', `${routing.url}/acd/sites/shenzhen/agents/li-na`)).body;
    await eventually('the offer on the desk', async () => JSON.stringify(await desk()).includes(callId), 20_000);
    const offered = (await desk()) as { state: string; offer: { callId: string; queueId: string; decision: { rule: string; priority: number; candidates: { agentId: string }[] } } };
    expect(offered.state).toBe('reserved');
    expect(offered.offer).toMatchObject({ callId, queueId: 'general', decision: { rule: 'only-candidate', candidates: [{ agentId: 'li-na' }] } });
    expect(offered.offer.decision.priority).toBe(300); // platinum's weight: the tier came from the customers service

    // A forged report changes nothing.
    const forged = await send('POST', `${telephony.url}/switch/events`, raw, { 'content-type': 'application/json', ...headers, 'x-switchboard-signature': `sha256=${'0'.repeat(64)}` });
    expect(forged.status).toBe(401);
  }, 120_000);
});
