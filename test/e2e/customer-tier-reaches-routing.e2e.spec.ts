// A customer's tier travels from the customers service, through its outbox and the local log, into
// routing's caller-tier read model: each service its own process, as the launcher runs them.
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, freePort, freshDatabase, startServiceProcess, type ServiceProcess } from '@switchboard/testing';
import { asService, E2E_AUTH_SECRET } from './signed-in.ts';

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...asService }, body: JSON.stringify(body) });
const running: ServiceProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.kill('SIGTERM')));
});

async function startPair() {
  const busUrl = await freshDatabase('bus');
  const env = { customers: { DATABASE_URL: await freshDatabase('customers'), EVENTBUS_DATABASE_URL: busUrl, AUTH_TOKEN_SECRET: E2E_AUTH_SECRET }, routing: { DATABASE_URL: await freshDatabase('routing'), EVENTBUS_DATABASE_URL: busUrl, AUTH_TOKEN_SECRET: E2E_AUTH_SECRET } };
  const ports = { customers: await freePort(), routing: await freePort() };
  const start = async (name: 'customers' | 'routing') => {
    const p = await startServiceProcess(name, env[name], ports[name]);
    running.push(p);
    return p;
  };
  return { start, customers: await start('customers'), routing: await start('routing') };
}

const tierOf = async (routing: ServiceProcess, number: string) => ((await (await fetch(`${routing.url}/caller-tiers/${encodeURIComponent(number)}`, { headers: asService })).json()) as { tier: string }).tier;

describe('a customer tier, end to end', () => {
  it('reaches routing: a gold customer calls as gold, an upgrade to platinum follows, a stranger is normal, a given-up number is a stranger again, a merged duplicate calls as the survivor', async () => {
    const { customers, routing } = await startPair();
    const created = await fetch(`${customers.url}/customers`, json({ name: 'Zhang Min', tier: 'gold', phoneNumbers: ['+8613912345678'] }));
    expect(created.status).toBe(201);
    const { customerId } = (await created.json()) as { customerId: string };
    await eventually('routing sees the gold tier', async () => (await tierOf(routing, '+8613912345678')) === 'gold');

    const upgraded = await fetch(`${customers.url}/customers/${customerId}/tier`, { ...json({ tier: 'platinum' }), method: 'PUT' });
    expect(upgraded.status).toBe(200);
    await eventually('routing sees platinum', async () => (await tierOf(routing, '+8613912345678')) === 'platinum');
    expect(await tierOf(routing, '+8613000000000')).toBe('normal');

    // A second number, then the first one given up: its next caller is a stranger; the customer keeps platinum.
    expect((await fetch(`${customers.url}/customers/${customerId}/phone-numbers`, json({ phoneNumber: '+8613912340000' }))).status).toBe(200);
    expect((await fetch(`${customers.url}/customers/${customerId}/phone-numbers/${encodeURIComponent('+8613912345678')}`, { method: 'DELETE', headers: asService })).status).toBe(200);
    await eventually('the given-up number calls as normal', async () => (await tierOf(routing, '+8613912345678')) === 'normal');
    expect(await tierOf(routing, '+8613912340000')).toBe('platinum');

    // A duplicate record (normal) merged into the platinum customer: its number calls as platinum.
    const duplicate = await fetch(`${customers.url}/customers`, json({ name: 'Zhang Min (dup)', phoneNumbers: ['+8613955550000'] }));
    const duplicateId = ((await duplicate.json()) as { customerId: string }).customerId;
    await eventually('routing sees the duplicate as normal', async () => (await tierOf(routing, '+8613955550000')) === 'normal');
    expect((await fetch(`${customers.url}/customers/${customerId}/merge`, json({ from: duplicateId }))).status).toBe(200);
    await eventually('the merged number calls as platinum', async () => (await tierOf(routing, '+8613955550000')) === 'platinum');
  }, 60_000);

  it('refuses a malformed customer with a problem that names the field, and records nothing', async () => {
    const { customers } = await startPair();
    const response = await fetch(`${customers.url}/customers`, json({ name: 'Bad Number', phoneNumbers: ['12345'] }));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(await response.json())).toContain('phoneNumbers');
  }, 60_000);

  it('loses no accepted event when the relay and the consumer are killed mid-work (SIGKILL)', async () => {
    const pair = await startPair();
    let { customers, routing } = pair;
    const accepted: { number: string; customerId: string }[] = [];
    let killedRouting = false;
    let killedCustomers = false;
    const register = async (i: number) => {
      const number = `+86139${String(10_000_000 + i).slice(-8)}`;
      const response = await fetch(`${customers.url}/customers`, json({ name: `Caller ${i}`, tier: 'gold', phoneNumbers: [number] })).catch(() => undefined);
      if (response?.status === 201) accepted.push({ number, customerId: ((await response.json()) as { customerId: string }).customerId });
      if (accepted.length >= 40 && !killedRouting) {
        killedRouting = true;
        await routing.kill('SIGKILL');
      }
      if (accepted.length >= 120 && !killedCustomers) {
        killedCustomers = true;
        await customers.kill('SIGKILL');
      }
    };
    for (let i = 0; i < 200; i += 10) await Promise.all(Array.from({ length: 10 }, (_, j) => register(i + j)));
    expect(killedRouting && killedCustomers).toBe(true);

    customers = await pair.start('customers');
    routing = await pair.start('routing');
    await eventually(
      `all ${accepted.length} accepted customers known to routing as gold`,
      async () => (await Promise.all(accepted.map((a) => tierOf(routing, a.number)))).every((t) => t === 'gold'),
      45_000,
    );
  }, 120_000);
});
