// Sign-in and roles on telephony's API: no or a forged token is refused, agents don't change IVR flows nor act
// for another agent, supervisors read their own sites' flows; the switch's webhook needs its signature only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokens } from '@switchboard/service-kit';
import { jsonClient } from '@switchboard/testing';
import { expressFlow } from './fixtures/flows.ts';
import { asService, signedInAs } from './fixtures/people.ts';
import { startTelephony, type RunningTelephony } from './fixtures/service.ts';

const NUMBER = '%2B8695105777';
let service: RunningTelephony;
const call = jsonClient(() => service.url);

beforeAll(async () => {
  service = await startTelephony();
});
afterAll(() => service?.close());

describe('who may call telephony', () => {
  it('refuses no token and a forged one (401); the webhook answers the switch without one', async () => {
    expect(await call('GET', `/ivr-flows/${NUMBER}`)).toMatchObject({ status: 401, body: { code: 'not-signed-in' } });
    const forged = await accessTokens('not-the-key-telephony-checks-tokens-with').issueService('mallory', 3600);
    expect(await call('PUT', `/ivr-flows/${NUMBER}`, expressFlow(), { authorization: `Bearer ${forged}` })).toMatchObject({ status: 401, body: { code: 'token-invalid' } });
    expect(await call('POST', '/calls/c-1/hangup', { agentId: 'li-na' })).toMatchObject({ status: 401 });
    // Unsigned: refused by the signature check (not by sign-in).
    expect((await call('POST', '/switch/events', { switchEventId: 'e-1', switchCallRef: 'r-1', at: new Date().toISOString(), kind: 'ended', by: 'caller' })).body['code']).not.toBe('not-signed-in');
  });

  it('lets admins and services save flows, supervisors read their sites', async () => {
    const liNa = await signedInAs('agent', ['shenzhen'], 'li-na');
    const supervisor = await signedInAs('supervisor', ['shenzhen']);
    expect(await call('PUT', `/ivr-flows/${NUMBER}`, expressFlow(), liNa)).toMatchObject({ status: 403, body: { code: 'role-not-allowed' } });
    expect((await call('PUT', `/ivr-flows/${NUMBER}`, expressFlow(), supervisor)).status).toBe(403);
    expect((await call('PUT', `/ivr-flows/${NUMBER}`, expressFlow(), await asService())).status).toBe(200);
    expect((await call('PUT', `/ivr-flows/${NUMBER}?siteId=beijing-hq`, expressFlow(), await signedInAs('admin'))).status).toBe(200);
    expect((await call('GET', `/ivr-flows/${NUMBER}`, undefined, supervisor)).status).toBe(200);
    expect(await call('GET', `/ivr-flows/${NUMBER}?siteId=beijing-hq`, undefined, supervisor)).toMatchObject({ status: 403, body: { code: 'site-not-allowed' } });
    expect((await call('GET', `/ivr-flows/${NUMBER}`, undefined, liNa)).status).toBe(403);
  });

  it('lets an agent control only their own calls; analysts none', async () => {
    const liNa = await signedInAs('agent', ['shenzhen'], 'li-na');
    expect(await call('POST', '/calls/c-1/hold', { agentId: 'zhang-wei' }, liNa)).toMatchObject({ status: 403, body: { code: 'agent-not-allowed' } });
    expect((await call('POST', '/calls/c-1/transfer', { agentId: 'li-na', target: 'queue:general' }, await signedInAs('analyst'))).status).toBe(403);
    // Past sign-in: this service has no switch to send the command to.
    expect(await call('POST', '/calls/c-1/hold', { agentId: 'li-na' }, liNa)).toMatchObject({ status: 503, body: { code: 'switch-control-not-configured' } });
  });

  it('lets a supervisor control the calls of their own sites only; a call no site has offered is headquarters’', async () => {
    // Routing offered c-sz at Shenzhen (telephony keeps the site from routing's offer).
    await service.context.prisma.$executeRaw`insert into call_sites (call_id, site_id) values ('c-sz', 'shenzhen')`;
    const beijing = await signedInAs('supervisor', ['beijing-hq']);
    const shenzhen = await signedInAs('supervisor', ['shenzhen']);
    const headquarters = await signedInAs('supervisor', ['*']);
    expect(await call('POST', '/calls/c-sz/hangup', { agentId: 'li-na' }, beijing)).toMatchObject({ status: 403, body: { code: 'site-not-allowed' } });
    expect(await call('POST', '/calls/c-sz/transfer', { agentId: 'li-na', target: 'queue:general' }, beijing)).toMatchObject({ status: 403, body: { code: 'site-not-allowed' } });
    // Past the scope check: this service has no switch to send the command to.
    expect(await call('POST', '/calls/c-sz/hangup', { agentId: 'li-na' }, shenzhen)).toMatchObject({ status: 503 });
    expect(await call('POST', '/calls/c-new/hangup', { agentId: 'li-na' }, shenzhen)).toMatchObject({ status: 403, body: { code: 'site-not-allowed', detail: expect.stringContaining('only headquarters') } });
    expect(await call('POST', '/calls/c-new/hangup', { agentId: 'li-na' }, headquarters)).toMatchObject({ status: 503 });
  });
});
