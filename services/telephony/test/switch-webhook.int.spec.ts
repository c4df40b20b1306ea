// The switch interface through HTTP, against a real database and a real (test) tracking endpoint.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSwitchRequest } from '../src/adapters/http/signature.ts';
import { callIdOf } from '../src/application/call-ids.ts';
import { asService } from './fixtures/people.ts';
import { startTelephony, SWITCH_SECRET, type RunningTelephony } from './fixtures/service.ts';

// The tests' own admin calls are another service's: the roles have their own test (auth.int.spec.ts).
const serviceHeaders = await asService();
import { expressFlow, NATIONAL_NUMBER } from './fixtures/flows.ts';

const SECRET = SWITCH_SECRET;
const OPEN_HOURS = '2026-11-23T03:00:00Z'; // 11:00 in Beijing, a Monday
const AFTER_HOURS = '2026-11-23T14:00:00Z'; // 22:00 in Beijing
const CALLER = '+8613812345678';

let service: RunningTelephony;
let tracking: Server;
const trackingRequests: string[] = [];
let sequence = 0;

beforeAll(async () => {
  tracking = createServer((request, response) => {
    trackingRequests.push(request.url ?? '');
    const waybill = /^\/waybills\/([0-9]+)$/.exec(request.url ?? '')?.[1];
    if (waybill === '123456789012') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ waybill, status: 'out for delivery', location: 'Shenzhen Nanshan' }));
    } else {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such waybill"}');
    }
  });
  await new Promise<void>((resolve) => tracking.listen(0, '127.0.0.1', resolve));
  service = await startTelephony();
  const trackingUrl = `http://127.0.0.1:${(tracking.address() as AddressInfo).port}/waybills/{{waybill}}`;
  const saved = await fetch(`${service.url}/ivr-flows/${encodeURIComponent(NATIONAL_NUMBER)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...serviceHeaders },
    body: JSON.stringify(expressFlow(trackingUrl)),
  });
  expect(saved.status).toBe(200);
});

afterAll(async () => {
  await service?.close();
  await new Promise((resolve) => tracking?.close(resolve));
});

/** Sends a report as the switch does: signed, timestamped now. */
async function report(body: Record<string, unknown>, sign: (raw: string, timestamp: string) => Record<string, string> = signedBy(SECRET)) {
  const raw = JSON.stringify(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const response = await fetch(`${service.url}/switch/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...sign(raw, timestamp) }, body: raw });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

const signedBy = (secret: string) => (raw: string, timestamp: string) => ({ 'x-switchboard-signature': signSwitchRequest(secret, timestamp, raw), 'x-switchboard-timestamp': timestamp });

const newCall = () => `sip-${++sequence}-${Date.now()}@switch.test`;
const eventId = () => `ev-${++sequence}-${Date.now()}`;
const arrival = (switchCallRef: string, at = OPEN_HOURS) => ({ kind: 'call-arrived', switchEventId: eventId(), switchCallRef, at, callingNumber: CALLER, dialledNumber: NATIONAL_NUMBER });
const digits = (switchCallRef: string, keys: string) => ({ kind: 'digits-entered', switchEventId: eventId(), switchCallRef, at: OPEN_HOURS, digits: keys });
const recorded = async (switchCallRef: string) => (await service.context.store.load(`call-${callIdOf(switchCallRef)}`)).map((e) => e.event.type);

describe('the switch webhook', () => {
  it('answers a signed call arrival with the greeting and the main menu, and records the arrival', async () => {
    const call = newCall();
    const answer = await report(arrival(call));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      callId: callIdOf(call),
      instructions: [
        { action: 'say', text: 'Welcome to Swift Express.', language: 'zh-CN' },
        { action: 'collect', minDigits: 1, maxDigits: 1, timeoutSeconds: 5, prompts: [{ action: 'say', text: 'Press 1 to book a pickup, 2 to track a waybill, 0 for an agent.', language: 'zh-CN' }] },
      ],
    });
    expect(await recorded(call)).toEqual(['CallArrived', 'IvrStepEntered', 'IvrStepEntered']);
  });

  it('tracks a waybill: 2, then the number, read back from the tracking endpoint', async () => {
    const call = newCall();
    await report(arrival(call));
    const menu = await report(digits(call, '2'));
    expect(menu.body['instructions']).toEqual([
      { action: 'collect', minDigits: 12, maxDigits: 12, timeoutSeconds: 10, finishOnKey: '#', prompts: [{ action: 'say', text: 'Enter your 12-digit waybill number, then the hash key.', language: 'zh-CN' }] },
    ]);
    const tracked = await report(digits(call, '123456789012#'));
    expect(tracked.status).toBe(200);
    expect(trackingRequests).toContain('/waybills/123456789012');
    expect(tracked.body['instructions']).toEqual([
      { action: 'say', text: 'Waybill 123456789012 is out for delivery, last seen in Shenzhen Nanshan.', language: 'zh-CN' },
      { action: 'collect', minDigits: 1, maxDigits: 1, timeoutSeconds: 5, prompts: [{ action: 'say', text: 'Press 9 for the main menu, 0 for an agent.', language: 'zh-CN' }] },
    ]);
    const events = await service.context.store.load(`call-${callIdOf(call)}`);
    expect(events.map((e) => e.event.message).find((m) => m.$typeName === 'switchboard.telephony.v1.SelfServiceCompleted')).toMatchObject({
      service: 'waybill-tracking',
      fields: { status: 'out for delivery', location: 'Shenzhen Nanshan' },
    });
  });

  it('says sorry when the tracking endpoint knows no such waybill', async () => {
    const call = newCall();
    await report(arrival(call));
    await report(digits(call, '2'));
    const tracked = await report(digits(call, '999999999999'));
    expect(tracked.body['instructions']).toMatchObject([{ action: 'say', text: 'Sorry, we cannot look up waybill 999999999999 right now.' }, { action: 'collect' }]);
  });

  it('refuses a bad or missing signature with 401 and records nothing', async () => {
    const call = newCall();
    const forged = await report(arrival(call), signedBy('another-secret-that-the-switch-does-not-have'));
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ code: 'switch-signature-invalid', status: 401 });
    const unsigned = await report(arrival(call), () => ({}));
    expect(unsigned.status).toBe(401);
    expect(unsigned.body['detail']).toBe('the x-switchboard-signature header is missing');
    const stale = await report(arrival(call), (raw) => {
      const old = String(Math.floor(Date.now() / 1000) - 600);
      return { 'x-switchboard-signature': signSwitchRequest(SECRET, old, raw), 'x-switchboard-timestamp': old };
    });
    expect(stale.status).toBe(401);
    expect(stale.body['detail']).toMatch(/away from this server's clock/);
    expect(await service.context.store.load(`call-${callIdOf(call)}`)).toEqual([]);
  });

  it('answers a repeated switch event id as the first time and records nothing new', async () => {
    const call = newCall();
    const first = arrival(call);
    const answer = await report(first);
    const before = await recorded(call);
    const again = await report(first);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(answer.body);
    expect(again.headers.get('switchboard-replayed')).toBe('true');
    expect(await recorded(call)).toEqual(before);
  });

  it('plays the closed message after hours', async () => {
    const call = newCall();
    const answer = await report(arrival(call, AFTER_HOURS));
    expect(answer.body['instructions']).toEqual([
      { action: 'say', text: 'Our service center is closed. We are open every day from 8 to 20.', language: 'zh-CN' },
      { action: 'hangup' },
    ]);
  });

  it('refuses a malformed body with 400 naming the field, and records nothing', async () => {
    const call = newCall();
    const { dialledNumber: _missing, ...noDialledNumber } = arrival(call);
    const missing = await report(noDialledNumber);
    expect(missing.status).toBe(400);
    expect(missing.body['errors']).toEqual([{ path: 'body/dialledNumber', message: "must have required property 'dialledNumber'" }]);
    const wrongKind = await report({ ...arrival(call), kind: 'exploded' });
    expect(wrongKind.body['errors']).toMatchObject([{ path: 'body/kind' }]);
    expect(wrongKind.body['detail']).toContain('must be one of call-arrived, digits-entered');
    const badNumber = await report({ ...arrival(call), callingNumber: '0755-1234' });
    expect(badNumber.body['errors']).toMatchObject([{ path: 'body/callingNumber' }]);
    const notJson = await fetch(`${service.url}/switch/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...signedBy(SECRET)('{oops', String(Math.floor(Date.now() / 1000))) }, body: '{oops' });
    expect(notJson.status).toBe(400);
    expect(await service.context.store.load(`call-${callIdOf(call)}`)).toEqual([]);
  });

  it('rejects a report out of order with a 409 problem, the same again on a repeat', async () => {
    const call = newCall();
    const answered = { kind: 'answered', switchEventId: eventId(), switchCallRef: call, at: OPEN_HOURS, agentId: 'agent-7' };
    const first = await report(answered);
    expect(first.status).toBe(409);
    expect(first.body).toMatchObject({ code: 'call-not-arrived', detail: 'answered by an agent: the call has not arrived' });
    const again = await report(answered);
    expect(again.status).toBe(409);
    expect(again.body).toEqual(first.body);
    expect(await recorded(call)).toEqual([]);
  });

  it('follows a call to an agent, on hold and back, to its end and its recording', async () => {
    const call = newCall();
    await report(arrival(call));
    const queued = await report(digits(call, '0'));
    expect(queued.body['instructions']).toMatchObject([{ action: 'collect', prompts: [{ text: 'All our agents are busy. Press 1 to be called back, or stay on the line.' }] }]);
    const waiting = await report(digits(call, ''));
    expect(waiting.body['instructions']).toEqual([
      { action: 'say', text: 'Connecting you to an agent.', language: 'zh-CN' },
      { action: 'bridge', target: 'queue:general' },
    ]);
    const at = OPEN_HOURS;
    for (const body of [
      { kind: 'answered', agentId: 'agent-7' },
      { kind: 'held' },
      { kind: 'resumed' },
      { kind: 'ended', by: 'caller' },
      { kind: 'recording-ready', url: 'https://recordings.switch.test/r/1.wav', durationSeconds: 184 },
    ]) {
      const answer = await report({ ...body, switchEventId: eventId(), switchCallRef: call, at });
      expect(answer.status, body.kind).toBe(200);
      expect(answer.body['instructions']).toEqual([]);
    }
    const afterEnd = await report({ kind: 'held', switchEventId: eventId(), switchCallRef: call, at });
    expect(afterEnd.body).toMatchObject({ status: 409, code: 'call-call-ended' });
    expect((await recorded(call)).slice(-6)).toEqual(['AgentRequested', 'CallAnsweredByAgent', 'CallHeld', 'CallResumed', 'CallEnded', 'RecordingReady']);
  });

  it('takes the post-call survey after an answered call, refusing a bad key with 400 and a survey of an unanswered call with 409', async () => {
    const at = OPEN_HOURS;
    const survey = (call: string, body: Record<string, unknown>) => report({ ...body, switchEventId: eventId(), switchCallRef: call, at });
    const call = newCall();
    await report(arrival(call));
    await report(digits(call, '0'));
    await report(digits(call, ''));
    await survey(call, { kind: 'answered', agentId: 'agent-7' });
    const tooEarly = await survey(call, { kind: 'survey-offered' });
    expect(tooEarly.body).toMatchObject({ status: 409, code: 'call-out-of-order', detail: 'survey offered: the call is with agent' });
    await survey(call, { kind: 'ended', by: 'agent' });
    expect((await survey(call, { kind: 'survey-offered' })).status).toBe(200);

    const badKey = await survey(call, { kind: 'survey-answered', key: '7' });
    expect(badKey.status).toBe(400);
    expect(badKey.body['errors']).toEqual([{ path: 'body/key', message: 'must be equal to one of the allowed values (1, 2, 3)' }]);
    const noKey = await survey(call, { kind: 'survey-answered' });
    expect(noKey.body['errors']).toEqual([{ path: 'body/key', message: "must have required property 'key'" }]);
    expect((await recorded(call)).at(-1)).toBe('SurveyOffered');

    const answered = await survey(call, { kind: 'survey-answered', key: '3' });
    expect(answered.status).toBe(200);
    expect(answered.body['instructions']).toEqual([]);
    const events = await service.context.store.load(`call-${callIdOf(call)}`);
    expect(events.slice(-2).map((e) => e.event.message)).toMatchObject([
      { $typeName: 'switchboard.telephony.v1.SurveyOffered', agentId: 'agent-7' },
      { $typeName: 'switchboard.telephony.v1.SurveyAnswered', rating: 3 },
    ]);
    expect((await survey(call, { kind: 'survey-no-answer' })).body).toMatchObject({ status: 409, detail: 'survey not answered: the survey was already answered' });

    const unanswered = newCall();
    await report(arrival(unanswered));
    await survey(unanswered, { kind: 'ended', by: 'caller' });
    const refused = await survey(unanswered, { kind: 'survey-offered' });
    expect(refused.body).toMatchObject({ status: 409, code: 'call-never-answered', detail: 'survey offered: no agent answered the call' });
    expect(await recorded(unanswered)).not.toContain('SurveyOffered');
  });
});
