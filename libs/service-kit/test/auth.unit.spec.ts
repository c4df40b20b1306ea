// Tokens and roles: who gets in, who is refused and why, through a small service's HTTP API.
import { parseConfig, z } from '@switchboard/config';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  accessTokens,
  authConfigFields,
  baseServiceConfig,
  canSee,
  createLogger,
  createService,
  principalOf,
  requireOwnAgent,
  serviceToken,
  requireSignIn,
  requireSite,
  Type,
  type ServiceRoutes,
} from '../src/index.ts';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const tokens = accessTokens(SECRET);
const HOUR = 3600;

const routes: ServiceRoutes = async (app) => {
  requireSignIn(app, { tokens, cookieName: 'sb_session' });
  app.get('/status', { config: { public: true } }, async () => ({ up: true }));
  app.get('/whoami', async (request) => principalOf(request));
  app.put('/sites/:siteId/queues/:queueId', { config: { allow: ['admin', 'service'] }, schema: { params: Type.Object({ siteId: Type.String(), queueId: Type.String() }) } }, async (request) => {
    requireSite(request, request.params.siteId);
    return { saved: request.params.queueId };
  });
  app.get('/sites/:siteId/wallboard', { config: { allow: ['supervisor', 'admin'] }, schema: { params: Type.Object({ siteId: Type.String() }) } }, async (request) => {
    requireSite(request, request.params.siteId);
    return { siteId: request.params.siteId, visible: canSee(request, request.params.siteId) };
  });
  app.post('/sites/:siteId/agents/:agentId/ready', { config: { allow: ['agent', 'supervisor'] }, schema: { params: Type.Object({ siteId: Type.String(), agentId: Type.String() }) } }, async (request) => {
    requireSite(request, request.params.siteId);
    requireOwnAgent(request, request.params.agentId);
    return { ready: request.params.agentId };
  });
};

const service = createService({ name: 'auth-test', config: parseConfig(baseServiceConfig(0), {}), logger: createLogger({ name: 'auth-test', level: 'silent' }), routes });
afterAll(() => service.close());

const agent = { personId: 'p-li-na', name: 'Li Na', role: 'agent', sites: ['shenzhen'], agentId: 'li-na' } as const;
const supervisor = { personId: 'p-zhao', name: 'Zhao Min', role: 'supervisor', sites: ['shenzhen'] } as const;
const hqAdmin = { personId: 'p-admin', name: 'HQ Admin', role: 'admin', sites: ['*'] } as const;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const get = (url: string, headers: Record<string, string> = {}) => service.app.inject({ method: 'GET', url, headers });

describe('access tokens', () => {
  it('carry the person, role, sites and agent id, and expire', async () => {
    const now = new Date('2026-11-23T08:00:00Z');
    const token = await tokens.issuePerson(agent, HOUR, now);
    expect(await tokens.verify(token, now)).toEqual({ kind: 'person', ...agent, expiresAt: new Date('2026-11-23T09:00:00Z') });
    await expect(tokens.verify(token, new Date('2026-11-23T09:00:01Z'))).rejects.toMatchObject({ code: 'session-expired' });
  });

  it('are refused when signed with another secret or altered', async () => {
    const forged = await accessTokens('another-secret-just-as-long-as-the-real-one').issuePerson(hqAdmin, HOUR);
    await expect(tokens.verify(forged)).rejects.toMatchObject({ code: 'token-invalid' });
    // An agent who edits their own token's role to admin breaks the signature.
    const [header, , signature] = (await tokens.issuePerson(agent, HOUR)).split('.');
    const payload = Buffer.from(JSON.stringify({ knd: 'person', sub: 'p-li-na', name: 'Li Na', role: 'admin', sites: ['*'], iss: 'switchboard', aud: 'switchboard', exp: 9_999_999_999 })).toString('base64url');
    await expect(tokens.verify(`${header}.${payload}.${signature}`)).rejects.toMatchObject({ code: 'token-invalid' });
    await expect(tokens.verify('not-a-token')).rejects.toMatchObject({ code: 'token-invalid' });
  });

  it('need a secret of at least 32 characters, named in the configuration error', () => {
    expect(() => accessTokens('short')).toThrow(/at least 32 characters/);
    expect(() => parseConfig(z.object(authConfigFields), { AUTH_TOKEN_SECRET: 'short' })).toThrow(/AUTH_TOKEN_SECRET: is too short.*got a value of 5 characters/);
    expect(() => parseConfig(z.object(authConfigFields), {})).toThrow(/AUTH_TOKEN_SECRET: is required/);
  });
});

describe('a route behind sign-in', () => {
  it('answers a public route without a token, and refuses any other with 401 as problem details', async () => {
    expect((await get('/status')).statusCode).toBe(200);
    const response = await get('/whoami');
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json()).toMatchObject({ code: 'not-signed-in', detail: expect.stringContaining('sign in') });
  });

  it('refuses a forged or expired token with 401 and says which', async () => {
    const forged = await accessTokens('another-secret-just-as-long-as-the-real-one').issuePerson(hqAdmin, HOUR);
    expect((await get('/whoami', bearer(forged))).json()).toMatchObject({ status: 401, code: 'token-invalid' });
    const expired = await tokens.issuePerson(agent, 60, new Date(Date.now() - 3_600_000));
    expect((await get('/whoami', bearer(expired))).json()).toMatchObject({ status: 401, code: 'session-expired', detail: 'your session has expired: sign in again' });
  });

  it('reads the token from the session cookie as well as from the Authorization header', async () => {
    const token = await tokens.issuePerson(agent, HOUR);
    const response = await get('/whoami', { cookie: `theme=dark; sb_session=${token}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ kind: 'person', personId: 'p-li-na', role: 'agent', agentId: 'li-na' });
  });

  it('refuses a role the route does not allow with 403 naming who may', async () => {
    const response = await service.app.inject({ method: 'PUT', url: '/sites/shenzhen/queues/general', headers: bearer(await tokens.issuePerson(agent, HOUR)) });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'role-not-allowed', detail: 'a person with the agent role may not PUT /sites/shenzhen/queues/general; it is for: admin, service' });
  });

  it("keeps a supervisor to their own sites, while headquarters sees every site", async () => {
    const zhao = bearer(await tokens.issuePerson(supervisor, HOUR));
    expect((await get('/sites/shenzhen/wallboard', zhao)).json()).toEqual({ siteId: 'shenzhen', visible: true });
    const elsewhere = await get('/sites/beijing-hq/wallboard', zhao);
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json()).toMatchObject({ code: 'site-not-allowed', detail: expect.stringContaining('site "beijing-hq" is not one of yours (shenzhen)') });
    const hq = bearer(await tokens.issuePerson({ ...hqAdmin, role: 'supervisor' }, HOUR));
    expect((await get('/sites/beijing-hq/wallboard', hq)).statusCode).toBe(200);
  });

  it('lets an agent act only as their own agent', async () => {
    const liNa = bearer(await tokens.issuePerson(agent, HOUR));
    expect((await service.app.inject({ method: 'POST', url: '/sites/shenzhen/agents/li-na/ready', headers: liNa })).statusCode).toBe(200);
    const other = await service.app.inject({ method: 'POST', url: '/sites/shenzhen/agents/wang-wei/ready', headers: liNa });
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ code: 'agent-not-allowed' });
  });

  it('lets a service token through where the route allows services, and only there', async () => {
    const console = bearer(await tokens.issueService('console', 60));
    expect((await service.app.inject({ method: 'PUT', url: '/sites/beijing-hq/queues/general', headers: console })).json()).toEqual({ saved: 'general' });
    expect((await get('/whoami', console)).json()).toMatchObject({ kind: 'service', service: 'console' });
    const wallboard = await get('/sites/shenzhen/wallboard', console);
    expect(wallboard.statusCode).toBe(403);
    expect(wallboard.json()).toMatchObject({ detail: expect.stringContaining('the console service may not GET') });
  });

  it('leaves the probes open', async () => {
    expect((await get('/healthz')).statusCode).toBe(200);
  });
});

describe("a service's own token", () => {
  it('is issued once and reused until half its life has passed, then renewed', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-07T08:00:00Z') });
    try {
      const tokens = accessTokens('a-secret-of-at-least-thirty-two-characters');
      const token = serviceToken(tokens, 'console', 120);
      const first = await token();
      vi.setSystemTime(new Date('2026-12-07T08:00:59Z'));
      expect(await token()).toBe(first);
      vi.setSystemTime(new Date('2026-12-07T08:01:01Z'));
      const renewed = await token();
      expect(renewed).not.toBe(first);
      expect(await tokens.verify(renewed)).toMatchObject({ kind: 'service', service: 'console' });
    } finally {
      vi.useRealTimers();
    }
  });
});
