// Sign-in and roles through the console's HTTP API: who gets a session, who is refused, and that a password is kept nowhere readable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokens, startEventSourcedService } from '@switchboard/service-kit';
import { eventually, freshDatabase, jsonClient } from '@switchboard/testing';
import { parseConfig } from '@switchboard/config';
import { consoleConfigSchema } from '../src/config.ts';
import { consoleService } from '../src/service.ts';

type Running = Awaited<ReturnType<typeof startEventSourcedService>>;

const SECRET = 'console-test-secret-that-is-long-enough';
const ADMIN_PASSWORD = 'first-admin-password-0001';
const AGENT_PASSWORD = 'li-na-desk-password-2026';
const SIGN_IN_FAILED = 'the login or the password is not right (or the account is locked): check them and try again, or ask an admin';

describe('signing in to the console', () => {
  let service: Running;
  const call = jsonClient(() => service.url);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  let adminToken: string;

  beforeAll(async () => {
    const env = {
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATABASE_URL: await freshDatabase('console'),
      EVENTBUS_DATABASE_URL: await freshDatabase('bus'),
      AUTH_TOKEN_SECRET: SECRET,
      CONSOLE_ADMIN_LOGIN: 'admin',
      CONSOLE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      REPORTING_URL: 'http://reporting.center.test:4106',
    };
    service = await startEventSourcedService(consoleService(parseConfig(consoleConfigSchema, env)), { env, handleSignals: false });
  });
  afterAll(() => service?.close());

  it('lets the first admin from the configuration sign in, with an HttpOnly, SameSite=Strict session cookie', async () => {
    const response = await fetch(`${service.url}/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'admin', password: ADMIN_PASSWORD }) });
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sb_session=[\w.-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=36000$/);
    const body = (await response.json()) as { person: { role: string; sites: string[] }; home: string; accessToken: string };
    expect(body.person).toMatchObject({ role: 'admin', sites: ['*'] });
    expect(body.home).toBe('/home');
    adminToken = body.accessToken;
    expect((await call('GET', '/me', undefined, { cookie: cookie.split(';')[0]! })).body).toMatchObject({ kind: 'person', name: 'Administrator', role: 'admin' });
  });

  it("shows a supervisor's or admin's home page with the way to the wallboard and the reports", async () => {
    const signedIn = await fetch(`${service.url}/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'admin', password: ADMIN_PASSWORD }) });
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    const home = await fetch(`${service.url}/home`, { headers: { cookie } });
    expect(home.status).toBe(200);
    const page = await home.text();
    expect(page).toContain('href="http://reporting.center.test:4106/wallboard"');
    expect(page).toContain('href="http://reporting.center.test:4106/reports"');
  });

  it('lets an admin create an agent who then signs in to the desk', async () => {
    const created = await call('POST', '/people', { login: 'li.na', name: 'Li Na', role: 'agent', sites: ['shenzhen'], agentId: 'li-na', password: AGENT_PASSWORD }, bearer(adminToken));
    expect(created).toMatchObject({ status: 201, body: { login: 'li.na', role: 'agent', sites: ['shenzhen'], agentId: 'li-na' } });
    const signedIn = await call('POST', '/sign-in', { login: 'li.na', password: AGENT_PASSWORD });
    expect(signedIn).toMatchObject({ status: 200, body: { home: '/desk', person: { name: 'Li Na', role: 'agent', agentId: 'li-na', sites: ['shenzhen'] } } });
  });

  it('keeps the password out of the events and stores only an argon2id hash', async () => {
    const events = await service.context.prisma.$queryRaw<{ data: unknown }[]>`select data from events`;
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(events)).not.toContain(AGENT_PASSWORD);
    const [stored] = await service.context.prisma.$queryRaw<{ password_hash: string }[]>`select password_hash from person_credentials where login = 'li.na'`;
    expect(stored?.password_hash).toMatch(/^\$argon2id\$/);
    expect(stored?.password_hash).not.toContain(AGENT_PASSWORD);
  });

  it('says the same plain thing for a wrong password, an unknown login and a locked account', async () => {
    const wrong = await call('POST', '/sign-in', { login: 'li.na', password: 'not-her-password' });
    expect(wrong).toMatchObject({ status: 401, body: { code: 'sign-in-failed', detail: SIGN_IN_FAILED } });
    const unknown = await call('POST', '/sign-in', { login: 'nobody', password: AGENT_PASSWORD });
    expect(unknown).toMatchObject({ status: 401, body: { code: 'sign-in-failed', detail: SIGN_IN_FAILED } });

    await call('POST', '/people', { login: 'wang.wei', name: 'Wang Wei', role: 'agent', sites: ['shenzhen'], agentId: 'wang-wei', password: 'wang-wei-password-01' }, bearer(adminToken));
    expect((await call('POST', '/people/wang.wei/lock', { reason: 'left the company' }, bearer(adminToken))).status).toBe(200);
    const locked = await call('POST', '/sign-in', { login: 'wang.wei', password: 'wang-wei-password-01' });
    expect(locked).toMatchObject({ status: 401, body: { code: 'sign-in-failed', detail: SIGN_IN_FAILED } });
    expect((await call('POST', '/people/wang.wei/unlock', undefined, bearer(adminToken))).status).toBe(200);
    expect((await call('POST', '/sign-in', { login: 'wang.wei', password: 'wang-wei-password-01' })).status).toBe(200);
  });

  it('refuses a request with no token, and one with a forged or expired token', async () => {
    expect(await call('GET', '/people')).toMatchObject({ status: 401, body: { code: 'not-signed-in' } });
    const forged = await accessTokens('a-forger-secret-that-is-also-long-enough').issuePerson({ personId: 'x', name: 'Mallory', role: 'admin', sites: ['*'] }, 3600);
    expect(await call('GET', '/people', undefined, bearer(forged))).toMatchObject({ status: 401, body: { code: 'token-invalid' } });
    const expired = await accessTokens(SECRET).issuePerson({ personId: 'x', name: 'Old', role: 'admin', sites: ['*'] }, 60, new Date(Date.now() - 7_200_000));
    expect(await call('GET', '/people', undefined, bearer(expired))).toMatchObject({ status: 401, body: { code: 'session-expired' } });
  });

  it("refuses an agent on an admin's route, and an admin at the agent desk", async () => {
    const agent = (await call('POST', '/sign-in', { login: 'li.na', password: AGENT_PASSWORD })).body['accessToken'] as string;
    const refused = await call('POST', '/people', { login: 'eve', name: 'Eve', role: 'admin', sites: ['*'], password: 'eve-wants-admin-0001' }, bearer(agent));
    expect(refused).toMatchObject({ status: 403, body: { code: 'role-not-allowed', detail: 'a person with the agent role may not POST /people; it is for: admin' } });
    expect((await call('POST', '/sign-in', { login: 'eve', password: 'eve-wants-admin-0001' })).status).toBe(401);
    expect(await call('GET', '/desk/api/me', undefined, bearer(adminToken))).toMatchObject({ status: 403, body: { code: 'role-not-allowed' } });
  });

  it('refuses the desk socket to a browser with no session', async () => {
    const socket = new WebSocket(`${service.url.replace('http', 'ws')}/ws/desk`);
    const outcome = await new Promise<string>((done) => {
      socket.addEventListener('open', () => done('opened'));
      socket.addEventListener('error', () => done('refused'));
    });
    expect(outcome).toBe('refused');
  });

  it('validates a new person and names what to fix', async () => {
    const noAgentId = await call('POST', '/people', { login: 'zhao.min', name: 'Zhao Min', role: 'agent', sites: ['shenzhen'], password: 'zhao-min-password-1' }, bearer(adminToken));
    expect(noAgentId).toMatchObject({ status: 422, body: { code: 'invalid', detail: expect.stringContaining('an agent needs the ACD agent id') } });
    const shortPassword = await call('POST', '/people', { login: 'zhao.min', name: 'Zhao Min', role: 'analyst', sites: ['*'], password: 'short' }, bearer(adminToken));
    expect(shortPassword).toMatchObject({ status: 400, body: { code: 'validation-failed', errors: [{ path: 'body/password' }] } });
    const taken = await call('POST', '/people', { login: 'li.na', name: 'Another', role: 'analyst', sites: ['*'], password: 'another-password-1' }, bearer(adminToken));
    expect(taken).toMatchObject({ status: 409, body: { code: 'login-taken' } });
    expect((await call('POST', '/sign-in', { login: 'li.na' })).status).toBe(400);
  });

  it('sends a visitor without a session from a page to the sign-in page, and an agent to the desk', async () => {
    const anonymous = await fetch(`${service.url}/desk`, { redirect: 'manual' });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('/sign-in?next=%2Fdesk');
    const agent = (await call('POST', '/sign-in', { login: 'li.na', password: AGENT_PASSWORD })).body['accessToken'] as string;
    const desk = await fetch(`${service.url}/desk`, { headers: { cookie: `sb_session=${agent}` } });
    expect(desk.status).toBe(200);
    expect(desk.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await desk.text()).toContain('id="customer-card"');
    // The list is a read model fed from console.events: it follows within moments.
    const logins = async () => ((await call('GET', '/people', undefined, bearer(adminToken))).body as unknown as { login: string }[]).map((p) => p.login).join(',');
    await eventually('the people list shows everyone created', async () => (await logins()) === 'admin,li.na,wang.wei');
  });
});
