// The agent desk's call control, each service its own process: an offer rings the agent through the switch, the desk
// answers (telephony sends the switch a signed bridge), the switch confirms, and routing's offer is accepted.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, freePort, freshDatabase, jsonClient, startServiceProcess, type Json, type ServiceProcess } from '@switchboard/testing';
import { asService, E2E_AUTH_SECRET } from './signed-in.ts';

const NATIONAL = '+8695105556';
const CALLER = '+8675588881111';
const SECRET = 'e2e-call-control-secret-of-32-characters-or-more';
const allDay = [{ opens: '00:00', closes: '24:00' }];
const week = { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay };

const running: ServiceProcess[] = [];
const fakeSwitches: Server[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.kill('SIGTERM')));
  await Promise.all(fakeSwitches.map((server) => new Promise((resolve) => server.close(resolve))));
});

const send = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => jsonClient(() => '', asService)(method, url, body, headers);
const sign = (timestamp: string, raw: string) => `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.`).update(raw).digest('hex')}`;

/** A switch that remembers every correctly signed command and takes it (or answers as `answer` says). */
async function startFakeSwitch(answer: (command: Json) => { status: number; body: Json } = () => ({ status: 200, body: {} })): Promise<{ url: string; commands: Json[]; forged: number[] }> {
  const commands: Json[] = [];
  const forged: number[] = [];
  const fakeSwitch = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      const timestamp = String(request.headers['x-switchboard-timestamp'] ?? '');
      if (request.headers['x-switchboard-signature'] !== sign(timestamp, raw)) {
        forged.push(Date.now());
        response.writeHead(401).end();
        return;
      }
      const command = JSON.parse(raw) as Json;
      commands.push(command);
      const { status, body } = answer(command);
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  fakeSwitches.push(fakeSwitch);
  await new Promise<void>((resolve) => fakeSwitch.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(fakeSwitch.address() as AddressInfo).port}/control`, commands, forged };
}

/** Routing and telephony on one log, with one site, queue and ready agent (Li Na), and a flow that hands every call to the queue. */
async function startCallCenter(switchUrl: string, switchCallRef: string) {
  const bus = await freshDatabase('bus');
  const start = async (name: string, extra: Record<string, string> = {}) => {
    const p = await startServiceProcess(name, { DATABASE_URL: await freshDatabase(name), EVENTBUS_DATABASE_URL: bus, AUTH_TOKEN_SECRET: E2E_AUTH_SECRET, ...extra }, await freePort());
    running.push(p);
    return p;
  };
  const [routing, telephony] = await Promise.all([start('routing'), start('telephony', { SWITCH_WEBHOOK_SECRET: SECRET, SWITCH_CONTROL_URL: switchUrl })]);

  expect((await send('PUT', `${routing.url}/sites/shenzhen`, { name: 'Shenzhen center', city: 'Shenzhen', timezone: 'Asia/Shanghai', headquarters: true, capacity: 20, openingHours: week })).status).toBe(200);
  expect((await send('PUT', `${routing.url}/dial-plan/${NATIONAL}`, { rules: [{ kind: 'site', siteId: 'shenzhen' }] })).status).toBe(200);
  expect((await send('PUT', `${routing.url}/acd/sites/shenzhen`, { name: 'Shenzhen center', city: 'Shenzhen', timezone: 'Asia/Shanghai' })).status).toBe(200);
  expect((await send('PUT', `${routing.url}/acd/sites/shenzhen/queues/general`, { name: 'General', requiredSkills: [{ skill: 'general', minLevel: 1 }] })).status).toBe(200);
  expect((await send('PUT', `${routing.url}/acd/sites/shenzhen/agents/li-na`, { name: 'Li Na', skills: [{ skill: 'general', level: 5 }] })).status).toBe(200);
  for (const state of ['logged-in', 'ready']) expect((await send('POST', `${routing.url}/acd/sites/shenzhen/agents/li-na/state`, { state })).status).toBe(200);
  const flow = { language: 'zh-CN', open: { start: 'to-agent', nodes: { 'to-agent': { kind: 'queue', queue: 'general', businessType: 'general' } } } };
  expect((await send('PUT', `${telephony.url}/ivr-flows/${encodeURIComponent(NATIONAL)}`, flow)).status).toBe(200);

  const report = async (body: Json) => {
    const raw = JSON.stringify({ switchEventId: randomUUID(), switchCallRef, at: new Date().toISOString(), ...body });
    const timestamp = String(Math.floor(Date.now() / 1000));
    return send('POST', `${telephony.url}/switch/events`, raw, { 'content-type': 'application/json', 'x-switchboard-signature': sign(timestamp, raw), 'x-switchboard-timestamp': timestamp });
  };
  return { routing, telephony, report };
}

describe('call control from the agent desk', () => {
  it('answer sends a signed bridge, the switch confirms, routing accepts the offer; a hold before the answer is refused', async () => {
    const fake = await startFakeSwitch();
    const { routing, telephony, report } = await startCallCenter(fake.url, 'pbx-cc-1');
    const arrived = await report({ kind: 'call-arrived', callingNumber: CALLER, dialledNumber: NATIONAL });
    expect(arrived.status).toBe(200);
    const callId = arrived.body['callId'] as string;

    // The offer rings Li Na's phone: the switch gets a signed bridge, ringing, with the call's own reference.
    await eventually('the ringing bridge', () => fake.commands.some((c) => c['kind'] === 'bridge' && c['ring'] === true), 20_000);
    expect(fake.commands[0]).toMatchObject({ kind: 'bridge', callId, switchCallRef: 'pbx-cc-1', agentId: 'li-na', siteId: 'shenzhen', queueId: 'general', ring: true });

    // Hold before the answer: refused, saying why. A body without an agent: 400. An unknown call: 404.
    const early = await send('POST', `${telephony.url}/calls/${callId}/hold`, { agentId: 'li-na' });
    expect(early.status).toBe(409);
    expect(early.body['detail']).toBe('cannot hold the call: it is waiting for an agent; answer it first');
    expect((await send('POST', `${telephony.url}/calls/${callId}/hold`, {})).status).toBe(400);
    expect((await send('POST', `${telephony.url}/calls/${callId}/transfer`, { agentId: 'li-na', target: '+8613800000000' })).status).toBe(400);
    expect((await send('POST', `${telephony.url}/calls/${randomUUID()}/hangup`, { agentId: 'li-na' })).status).toBe(404);
    expect((await send('POST', `${telephony.url}/calls/${callId}/answer`, { agentId: 'wang-wei' })).status).toBe(409);

    // Li Na answers at the desk: telephony sends the switch a bridge to connect now.
    const answer = await send('POST', `${telephony.url}/calls/${callId}/answer`, { agentId: 'li-na' });
    expect(answer.status).toBe(202);
    const commandId = answer.body['commandId'] as string;
    await eventually('the answering bridge', () => fake.commands.some((c) => c['commandId'] === commandId));
    expect(fake.commands.find((c) => c['commandId'] === commandId)).toMatchObject({ kind: 'bridge', ring: false, agentId: 'li-na' });

    // The switch confirms; routing's offer is accepted.
    expect((await report({ kind: 'answered', agentId: 'li-na' })).status).toBe(200);
    const desk = async () => (await send('GET', `${routing.url}/acd/sites/shenzhen/agents/li-na`)).body;
    await eventually('Li Na on the call', async () => (await desk())['state'] === 'on-call', 20_000);

    // Now hold works, and the switch's hang-up report ends the call in routing.
    const hold = await send('POST', `${telephony.url}/calls/${callId}/hold`, { agentId: 'li-na' });
    expect(hold.status).toBe(202);
    await eventually('the hold command', () => fake.commands.some((c) => c['commandId'] === hold.body['commandId'] && c['kind'] === 'hold'));
    expect((await report({ kind: 'held' })).status).toBe(200);
    expect((await send('POST', `${telephony.url}/calls/${callId}/hold`, { agentId: 'li-na' })).status).toBe(409);
    const hangup = await send('POST', `${telephony.url}/calls/${callId}/hangup`, { agentId: 'li-na' });
    expect(hangup.status).toBe(202);
    await eventually('the hang-up command', () => fake.commands.some((c) => c['kind'] === 'hangup'));
    expect((await report({ kind: 'ended', by: 'agent' })).status).toBe(200);
    await eventually('Li Na free again', async () => (await desk())['state'] === 'ready', 20_000);
    expect(fake.forged).toEqual([]);
  }, 90_000);

  it('a call the switch no longer has (404 call-not-found), and of which it reports no end, is ended after a grace; routing lets its agent go', async () => {
    const gone = { status: 404, body: { reason: 'no call pbx-gone-1 at this switch', code: 'call-not-found' } };
    const fake = await startFakeSwitch((command) => (command['kind'] === 'bridge' ? gone : { status: 200, body: {} }));
    const { routing, report } = await startCallCenter(fake.url, 'pbx-gone-1');
    const arrived = await report({ kind: 'call-arrived', callingNumber: CALLER, dialledNumber: NATIONAL });
    expect(arrived.status).toBe(200);

    // Routing offers the call to Li Na; the switch says it has no such call.
    await eventually('the ringing bridge', () => fake.commands.some((c) => c['kind'] === 'bridge' && c['ring'] === true), 20_000);
    const desk = async () => (await send('GET', `${routing.url}/acd/sites/shenzhen/agents/li-na`)).body;
    await eventually('Li Na free again, holding no call', async () => {
      const now = await desk();
      return now['state'] === 'ready' && !now['callId'];
    }, 20_000);
    // Ended in telephony: a late report of the call is out of order.
    expect((await report({ kind: 'answered', agentId: 'li-na' })).status).toBe(409);
  }, 60_000);

  it("a ring the switch cannot carry out (agent-unreachable) puts the caller back in line at once; the agent's repeated misses set her not ready", async () => {
    const noPhone = { status: 404, body: { reason: 'no phone for agent li-na at this switch', code: 'agent-unreachable' } };
    const fake = await startFakeSwitch((command) => (command['kind'] === 'bridge' ? noPhone : { status: 200, body: {} }));
    const { routing, report } = await startCallCenter(fake.url, 'pbx-nophone-1');
    const started = Date.now();
    expect((await report({ kind: 'call-arrived', callingNumber: CALLER, dialledNumber: NATIONAL })).status).toBe(200);

    // Each refused ring is a no-answer: re-offered to Li Na (the only agent) until the no-answer limit sets her not ready.
    const desk = async () => (await send('GET', `${routing.url}/acd/sites/shenzhen/agents/li-na`)).body;
    await eventually('Li Na set not ready after her phone could not ring', async () => {
      const now = await desk();
      return now['state'] === 'not-ready' && now['reason'] === 'no-answer';
    }, 20_000);
    // One ring per miss, all refused at once (no ring-out was waited for), and the caller still waits in the queue.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(fake.commands.filter((c) => c['kind'] === 'bridge').length).toBeGreaterThanOrEqual(2);
    const site = (await send('GET', `${routing.url}/acd/sites/shenzhen`)).body;
    expect((site['queues'] as Json[]).flatMap((q) => q['waiting'] as Json[]).length).toBe(1);
  }, 60_000);

  it("a callback's dial the switch cannot carry out (agent-unreachable) goes back to the line; the agent's misses set her not ready", async () => {
    const noPhone = { status: 404, body: { reason: 'no phone for agent li-na at this switch', code: 'agent-unreachable' } };
    const fake = await startFakeSwitch((command) => (command['kind'] === 'dial' ? noPhone : { status: 200, body: {} }));
    const { routing, telephony, report } = await startCallCenter(fake.url, 'pbx-dial-1');
    // This number offers a callback first: 1 books it.
    const flow = {
      language: 'zh-CN',
      open: {
        start: 'offer',
        nodes: {
          offer: { kind: 'callback-offer', say: 'Press 1 to be called back.', key: '1', queue: 'general', businessType: 'general', confirmSay: 'We will call you back.', next: 'to-agent' },
          'to-agent': { kind: 'queue', queue: 'general', businessType: 'general' },
        },
      },
    };
    expect((await send('PUT', `${telephony.url}/ivr-flows/${encodeURIComponent(NATIONAL)}`, flow)).status).toBe(200);
    expect((await report({ kind: 'call-arrived', callingNumber: CALLER, dialledNumber: NATIONAL })).status).toBe(200);
    expect((await report({ kind: 'digits-entered', digits: '1' })).status).toBe(200);
    expect((await report({ kind: 'ended', by: 'system' })).status).toBe(200);

    // Each refused dial is a no-answer: offered again to Li Na (the only agent) until the no-answer limit sets her
    // not ready; before, she stayed reserved for a callback that never rang.
    const desk = async () => (await send('GET', `${routing.url}/acd/sites/shenzhen/agents/li-na`)).body;
    await eventually('Li Na set not ready after her phone could not be dialled', async () => {
      const now = await desk();
      return now['state'] === 'not-ready' && now['reason'] === 'no-answer';
    }, 20_000);
    expect(fake.commands.filter((c) => c['kind'] === 'dial').length).toBeGreaterThanOrEqual(2);
    // The callback waits in the line for the next agent.
    const site = (await send('GET', `${routing.url}/acd/sites/shenzhen`)).body;
    expect((site['queues'] as Json[]).flatMap((q) => q['waiting'] as Json[])).toMatchObject([{ callback: true }]);
  }, 60_000);
});
