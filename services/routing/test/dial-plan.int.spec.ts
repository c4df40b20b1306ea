// The dial plan through the routing service's HTTP API: sites and a plan configured, a dry run, a restart, bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEventSourcedService } from '@switchboard/service-kit';
import { freshDatabase } from '@switchboard/testing';
import { routingService } from '../src/service.ts';
import { asService, authConfig } from './fixtures/people.ts';

// The tests' own calls are another service's: the roles have their own test (auth.int.spec.ts).
const serviceHeaders = await asService();

type Running = Awaited<ReturnType<typeof startEventSourcedService>>;

const officeDay = [
  { opens: '08:00', closes: '12:00' },
  { opens: '13:00', closes: '20:00' },
];
const allDay = [{ opens: '00:00', closes: '24:00' }];
const week = (day: typeof allDay) => ({ mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day });

const beijingHq = { name: 'Beijing headquarters', city: 'Beijing', timezone: 'Asia/Shanghai', headquarters: true, capacity: 50, openingHours: week(allDay) };
const shenzhen = {
  name: 'Shenzhen center',
  city: 'Shenzhen',
  timezone: 'Asia/Shanghai',
  capacity: 20,
  openingHours: { mon: officeDay, tue: officeDay, wed: officeDay, thu: officeDay, fri: officeDay },
  holidays: [{ date: '2025-01-29', name: 'Spring Festival' }],
};
const plan = {
  rules: [{ kind: 'business-type', businessType: 'gps-alarm', siteId: 'beijing-hq' }, { kind: 'region' }, { kind: 'site', siteId: 'beijing-hq' }],
  regions: [
    { prefix: '+86755', siteId: 'shenzhen', region: 'Shenzhen' },
    { prefix: '+8610', siteId: 'beijing-hq', region: 'Beijing' },
  ],
  overflow: [{ siteId: 'shenzhen', then: ['beijing-hq'], maxWaitSeconds: 60 }],
};
const NUMBER = '+8695105555';

describe('the dial plan admin API', () => {
  let env: Record<string, string>;
  let service: Running;

  const start = () => startEventSourcedService(routingService(authConfig), { env, handleSignals: false });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: body === undefined ? { ...serviceHeaders, ...headers } : { 'content-type': 'application/json', ...serviceHeaders, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    env = { PORT: '0', DATABASE_URL: await freshDatabase('routing'), EVENTBUS_DATABASE_URL: await freshDatabase('bus'), LOG_LEVEL: 'silent' };
    service = await start();
  });
  afterAll(() => service?.close());

  it('configures sites and a plan, and a dry run explains where a call goes', async () => {
    expect(await call('PUT', '/sites/beijing-hq', beijingHq)).toMatchObject({ status: 200, body: { siteId: 'beijing-hq', headquarters: true, version: 1 } });
    const configured = await call('PUT', '/sites/shenzhen', shenzhen);
    expect(configured).toMatchObject({ status: 200, body: { siteId: 'shenzhen', openingHours: { sun: [] }, holidays: [{ specialHours: [] }] } });
    expect(configured.headers.get('etag')).toBe('"1"');

    expect(await call('PUT', `/dial-plan/${NUMBER}`, plan)).toMatchObject({ status: 200, body: { nationalNumber: NUMBER, version: 1 } });

    // Tuesday 28 January 2025, 10:00 in Shenzhen.
    const working = await call('POST', `/dial-plan/${NUMBER}/resolve`, { callingNumber: '+8675512345678', at: '2025-01-28T10:00:00+08:00' });
    expect(working).toMatchObject({ status: 200, body: { outcome: 'routed', siteId: 'shenzhen', via: 'first-choice', planVersion: 1 } });

    const holiday = await call('POST', `/dial-plan/${NUMBER}/resolve`, {
      callingNumber: '+8675512345678',
      at: '2025-01-29T10:00:00+08:00',
      siteConditions: { 'beijing-hq': { agentsLoggedIn: 8, activeCalls: 2 }, shenzhen: { agentsLoggedIn: 5, activeCalls: 0 } },
    });
    expect(holiday).toMatchObject({
      status: 200,
      body: {
        siteId: 'beijing-hq',
        via: 'overflow',
        assumed: null,
        explanation: { matched: { rule: 2 }, skipped: [{ siteId: 'shenzhen', reason: { code: 'holiday', holiday: 'Spring Festival' } }] },
      },
    });
    expect((holiday.body['explanation'] as { text: string }).text).toContain('Shenzhen center (shenzhen) is closed for Spring Festival on 2025-01-29');
  });

  it('keeps the plan across a restart on the same databases', async () => {
    await service.close();
    service = await start();
    expect(await call('GET', `/dial-plan/${NUMBER}`)).toMatchObject({ status: 200, body: { ...plan, version: 1 } });
    expect(await call('GET', '/sites')).toMatchObject({ status: 200, body: { sites: [{ siteId: 'beijing-hq' }, { siteId: 'shenzhen' }] } });
    expect(await call('POST', `/dial-plan/${NUMBER}/resolve`, { callingNumber: '+8675512345678', businessType: 'gps-alarm', at: '2025-01-28T10:00:00+08:00' })).toMatchObject({
      body: { siteId: 'beijing-hq', explanation: { matched: { rule: 1 } } },
    });
  });

  it('answers bad input with a 400 naming the field', async () => {
    const badTime = await call('PUT', '/sites/guangzhou', { ...shenzhen, openingHours: { mon: [{ opens: '8am', closes: '18:00' }] } });
    expect(badTime).toMatchObject({ status: 400, body: { code: 'validation-failed', errors: [{ path: 'body/openingHours/mon/0/opens' }] } });
    const noNumber = await call('POST', `/dial-plan/${NUMBER}/resolve`, { businessType: 'gps-alarm' });
    expect(noNumber).toMatchObject({ status: 400, body: { errors: [{ path: 'body/callingNumber' }] } });
    const badTimeOfCall = await call('POST', `/dial-plan/${NUMBER}/resolve`, { callingNumber: '+8675512345678', at: 'tomorrow morning' });
    expect(badTimeOfCall).toMatchObject({ status: 400, body: { errors: [{ path: 'body/at' }] } });
  });

  it('refuses an invalid configuration with a 422 naming the field and the reason', async () => {
    const overlapping = await call('PUT', '/sites/guangzhou', { ...shenzhen, timezone: 'Asia/Canton', openingHours: { mon: [{ opens: '08:00', closes: '12:00' }, { opens: '11:00', closes: '18:00' }] } });
    expect(overlapping).toMatchObject({
      status: 422,
      body: {
        code: 'site-invalid',
        errors: [
          { path: 'body/timezone', message: 'unknown time zone "Asia/Canton"; use an IANA name like "Asia/Shanghai"' },
          { path: 'body/openingHours/mon', message: '08:00–12:00 overlaps 11:00–18:00' },
        ],
      },
    });
    const cycle = await call('PUT', `/dial-plan/${NUMBER}`, { ...plan, overflow: [{ siteId: 'shenzhen', then: ['beijing-hq', 'shenzhen'] }] });
    expect(cycle).toMatchObject({ status: 422, body: { code: 'dial-plan-invalid' } });
    expect(cycle.body['errors']).toContainEqual({ path: 'body/overflow/0/then/1', message: 'the overflow chain of shenzhen loops: shenzhen → beijing-hq → shenzhen' });
    const unknownSite = await call('PUT', `/dial-plan/${NUMBER}`, { ...plan, rules: [{ kind: 'site', siteId: 'hangzhou' }] });
    expect(unknownSite).toMatchObject({ status: 422, body: { errors: [{ path: 'body/rules/0/siteId', message: expect.stringContaining('no site "hangzhou" is configured') }] } });
  });

  it('refuses a change made from an older version with 412, and a plan nobody published is 404', async () => {
    expect(await call('PUT', '/sites/shenzhen', { ...shenzhen, capacity: 30 }, { 'if-match': '"0"' })).toMatchObject({ status: 412, body: { code: 'site-changed' } });
    expect(await call('PUT', '/sites/shenzhen', { ...shenzhen, capacity: 30 }, { 'if-match': '"1"' })).toMatchObject({ status: 200, body: { capacity: 30, version: 2 } });
    expect(await call('GET', '/dial-plan/+864008005555')).toMatchObject({ status: 404, body: { code: 'dial-plan-not-found' } });
  });
});
