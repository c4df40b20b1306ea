// Sign-in and roles on routing's API: no or a forged token is refused, agents don't configure, and nobody reads another site's ACD.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokens, startEventSourcedService } from '@switchboard/service-kit';
import { freshDatabase, jsonClient } from '@switchboard/testing';
import { routingService } from '../src/service.ts';
import { asService, authConfig, signedInAs } from './fixtures/people.ts';

type Running = Awaited<ReturnType<typeof startEventSourcedService>>;

const allDay = [{ opens: '00:00', closes: '24:00' }];
const week = { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay };

describe('who may call routing', () => {
  let service: Running;
  const call = jsonClient(() => service.url);
  const as = {} as Record<'service' | 'liNa' | 'shenzhenSupervisor' | 'analyst' | 'hqAdmin', Record<string, string>>;

  beforeAll(async () => {
    const env = { PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: await freshDatabase('routing'), EVENTBUS_DATABASE_URL: await freshDatabase('bus') };
    service = await startEventSourcedService(routingService(authConfig), { env, handleSignals: false });
    as.service = await asService('simulator');
    as.liNa = await signedInAs('agent', ['shenzhen'], 'li-na');
    as.shenzhenSupervisor = await signedInAs('supervisor', ['shenzhen']);
    as.analyst = await signedInAs('analyst');
    as.hqAdmin = await signedInAs('admin');
    for (const [siteId, name] of [['shenzhen', 'Shenzhen'], ['beijing-hq', 'Beijing']] as const) {
      expect((await call('PUT', `/sites/${siteId}`, { name, city: name, timezone: 'Asia/Shanghai', capacity: 10, openingHours: week }, as.service)).status).toBe(200);
      expect((await call('PUT', `/acd/sites/${siteId}`, { name, city: name, timezone: 'Asia/Shanghai' }, as.service)).status).toBe(200);
    }
    for (const agentId of ['li-na', 'zhang-wei']) {
      expect((await call('PUT', `/acd/sites/shenzhen/agents/${agentId}`, { name: agentId, skills: [{ skill: 'general', level: 3 }] }, as.hqAdmin)).status).toBe(200);
    }
  });
  afterAll(() => service?.close());

  it('refuses a request with no token or a forged one (401), and leaves the probes open', async () => {
    expect(await call('GET', '/acd/sites/shenzhen')).toMatchObject({ status: 401, body: { code: 'not-signed-in' } });
    expect((await call('PUT', '/sites/shenzhen', { name: 'x' })).status).toBe(401);
    const forged = await accessTokens('not-the-secret-routing-checks-tokens-with').issuePerson({ personId: 'p', name: 'Mallory', role: 'admin', sites: ['*'] }, 3600);
    expect(await call('GET', '/sites', undefined, { authorization: `Bearer ${forged}` })).toMatchObject({ status: 401, body: { code: 'token-invalid' } });
    expect((await call('GET', '/healthz')).status).toBe(200);
  });

  it('lets only admins and services change the configuration', async () => {
    const queue = { name: 'General', requiredSkills: [{ skill: 'general', minLevel: 1 }] };
    expect(await call('PUT', '/acd/sites/shenzhen/queues/general', queue, as.liNa)).toMatchObject({ status: 403, body: { code: 'role-not-allowed' } });
    expect((await call('PUT', '/acd/sites/shenzhen/queues/general', queue, as.shenzhenSupervisor)).status).toBe(403);
    expect((await call('PUT', '/dial-plan/+8695105555', { rules: [{ kind: 'site', siteId: 'shenzhen' }] }, as.analyst)).status).toBe(403);
    expect((await call('PUT', '/acd/sites/shenzhen/queues/general', queue, as.hqAdmin)).status).toBe(200);
  });

  it('scopes supervisors and agents to their sites, and agents to their own desk', async () => {
    expect(await call('GET', '/acd/sites/beijing-hq', undefined, as.shenzhenSupervisor)).toMatchObject({ status: 403, body: { code: 'site-not-allowed' } });
    expect((await call('GET', '/acd/sites/shenzhen', undefined, as.shenzhenSupervisor)).status).toBe(200);
    expect((await call('GET', '/sites', undefined, as.shenzhenSupervisor)).body).toMatchObject({ sites: [{ siteId: 'shenzhen' }] });
    expect(((await call('GET', '/sites', undefined, as.shenzhenSupervisor)).body['sites'] as unknown[]).length).toBe(1);
    expect((await call('GET', '/sites/beijing-hq', undefined, as.shenzhenSupervisor)).status).toBe(403);

    expect(await call('GET', '/acd/sites/beijing-hq/agents/li-na', undefined, as.liNa)).toMatchObject({ status: 403, body: { code: 'site-not-allowed' } });
    expect((await call('GET', '/acd/sites/shenzhen', undefined, as.liNa)).status).toBe(403);
    expect(await call('POST', '/acd/sites/shenzhen/agents/zhang-wei/state', { state: 'logged-in' }, as.liNa)).toMatchObject({ status: 403, body: { code: 'agent-not-allowed' } });
    expect((await call('POST', '/acd/sites/shenzhen/agents/li-na/state', { state: 'logged-in' }, as.liNa)).status).toBe(200);
    expect(await call('GET', '/acd/sites/shenzhen/agents/li-na', undefined, as.liNa)).toMatchObject({ status: 200, body: { agentId: 'li-na' } });
    expect((await call('POST', '/acd/sites/shenzhen/agents/zhang-wei/state', { state: 'logged-in' }, as.shenzhenSupervisor)).status).toBe(200);
    expect((await call('POST', '/acd/sites/shenzhen/calls', { callId: 'c-1', queueId: 'general', tier: 'normal' }, as.liNa)).status).toBe(403);
  });
});
