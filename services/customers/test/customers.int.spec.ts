// Customer records through the HTTP API: the screen pop of a known caller, capture of a new one, one owner per number, merge, bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEventSourcedService } from '@switchboard/service-kit';
import { eventually, freshDatabase, jsonClient, type Json } from '@switchboard/testing';
import { customersService } from '../src/service.ts';
import { asService, authConfig } from './fixtures/people.ts';

// The tests' own calls are another service's: the roles and sites have their own test (auth.int.spec.ts).
const serviceHeaders = await asService();

type Running = Awaited<ReturnType<typeof startEventSourcedService>>;
const path = (number: string) => encodeURIComponent(number);

describe('customer records', () => {
  let service: Running;
  const call = jsonClient(() => service.url, serviceHeaders);

  beforeAll(async () => {
    const env = { PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: await freshDatabase('customers'), EVENTBUS_DATABASE_URL: await freshDatabase('bus') };
    service = await startEventSourcedService(customersService(authConfig), { env, handleSignals: false });
  });
  afterAll(() => service?.close());

  it('finds a known caller by any of their numbers, and pops their card', async () => {
    const created = await call('POST', '/customers', {
      name: 'Shenzhen Fast Freight',
      kind: 'key-account',
      tier: 'platinum',
      phoneNumbers: ['+8675588880001', '+8613800000001'],
      segment: 'key-account',
      region: '0755',
      preferredAgentId: 'li-na',
    });
    expect(created.status).toBe(201);
    const found = await call('GET', `/customers/by-number/${path('+8613800000001')}`);
    expect(found).toMatchObject({ status: 200, body: { customerId: created.body['customerId'], name: 'Shenzhen Fast Freight', tier: 'platinum', kind: 'key-account', preferredAgentId: 'li-na' } });
    const card = await call('GET', `/customers/by-number/${path('+8675588880001')}/card`);
    expect(card).toMatchObject({
      status: 200,
      body: {
        name: 'Shenzhen Fast Freight',
        tier: 'platinum',
        callingNumber: '+8675588880001',
        phoneNumbers: ['+8613800000001', '+8675588880001'],
        openComplaints: [],
        recentCalls: [],
        recentOrders: [],
      },
    });
  });

  it('answers 404 for a new caller, then finds them once the agent captured them during the call', async () => {
    const number = '+8613911112222';
    const unknown = await call('GET', `/customers/by-number/${path(number)}/card`);
    expect(unknown).toMatchObject({ status: 404, body: { code: 'new-caller', detail: expect.stringContaining('a new caller') } });

    const captured = await call('POST', '/customers', { name: 'Chen Jie', callingNumber: number, callId: 'call-new-1', capturedBy: 'li-na' });
    expect(captured).toMatchObject({ status: 201, body: { name: 'Chen Jie', tier: 'normal', kind: 'person', phoneNumbers: [number] } });
    expect(await call('GET', `/customers/by-number/${path(number)}`)).toMatchObject({ status: 200, body: { customerId: captured.body['customerId'] } });
    // The call during which she was captured is hers: it shows on her card.
    await eventually('the captured call is on the card', async () => {
      const card = await call('GET', `/customers/by-number/${path(number)}/card`);
      return (card.body['recentCalls'] as Json[]).some((c) => c['callId'] === 'call-new-1');
    });
  });

  it('gives a number to one customer at a time', async () => {
    const first = await call('POST', '/customers', { name: 'Wang Fang', phoneNumbers: ['+8613700001111'] });
    const second = await call('POST', '/customers', { name: 'Wang Fang (again)', phoneNumbers: ['+8613700001111', '+8613700002222'] });
    expect(second).toMatchObject({ status: 409, body: { code: 'phone-number-taken', detail: expect.stringContaining(`belongs to customer ${first.body['customerId']}`) } });
    expect((await call('GET', `/customers/by-number/${path('+8613700002222')}`)).status).toBe(404);

    const other = await call('POST', '/customers', { name: 'Wang Lei', phoneNumbers: ['+8613700003333'] });
    const otherId = other.body['customerId'] as string;
    expect((await call('POST', `/customers/${otherId}/phone-numbers`, { phoneNumber: '+8613700001111' })).status).toBe(409);
    // Removed from the first customer, the number can go to the other one.
    expect((await call('POST', `/customers/${first.body['customerId']}/phone-numbers`, { phoneNumber: '+8613700004444' })).status).toBe(200);
    expect((await call('DELETE', `/customers/${first.body['customerId']}/phone-numbers/${path('+8613700001111')}`)).body['phoneNumbers']).toEqual(['+8613700004444']);
    expect((await call('POST', `/customers/${otherId}/phone-numbers`, { phoneNumber: '+8613700001111' })).status).toBe(200);
    expect(await call('GET', `/customers/by-number/${path('+8613700001111')}`)).toMatchObject({ body: { customerId: otherId } });
  });

  it('finds customers for the desk’s search by the start of a name or a number', async () => {
    expect((await call('GET', '/customers?q=shenzhen')).body['customers']).toMatchObject([{ name: 'Shenzhen Fast Freight' }]);
    expect((await call('GET', `/customers?q=${path('+86755888')}`)).body['customers']).toMatchObject([{ name: 'Shenzhen Fast Freight' }]);
    expect((await call('GET', '/customers?q=nobody-like-this')).body['customers']).toEqual([]);
  });

  it('changes the profile, tier and preferred agent, each an event', async () => {
    const created = await call('POST', '/customers', { name: 'Liu Yang', phoneNumbers: ['+8613600006666'] });
    const id = created.body['customerId'] as string;
    const changed = await call('PATCH', `/customers/${id}`, { kind: 'company', segment: 'member', region: '0571', tier: 'gold', preferredAgentId: 'zhao-min' });
    expect(changed).toMatchObject({ status: 200, body: { kind: 'company', segment: 'member', region: '0571', tier: 'gold', preferredAgentId: 'zhao-min', version: 4 } });
    expect(await call('GET', `/customers/by-number/${path('+8613600006666')}`)).toMatchObject({ body: { kind: 'company', tier: 'gold', preferredAgentId: 'zhao-min' } });
  });

  it('merges a duplicate: its numbers move to the survivor, and the duplicate answers 410 pointing there', async () => {
    const survivor = await call('POST', '/customers', { name: 'Zhou Xin', tier: 'gold', phoneNumbers: ['+8613500000001'] });
    const duplicate = await call('POST', '/customers', { name: 'Zhou Xin', phoneNumbers: ['+8613500000002'] });
    const [survivorId, duplicateId] = [survivor.body['customerId'] as string, duplicate.body['customerId'] as string];
    const ticket = await call('POST', '/complaints', { customerId: duplicateId, category: 'billing', description: 'Charged twice', openedBy: 'li-na' });
    expect(ticket.status).toBe(201);

    const merged = await call('POST', `/customers/${survivorId}/merge`, { from: duplicateId, mergedBy: 'supervisor-wang' });
    expect(merged).toMatchObject({ status: 200, body: { customerId: survivorId, phoneNumbers: ['+8613500000001', '+8613500000002'] } });

    const gone = await fetch(`${service.url}/customers/${duplicateId}`, { headers: serviceHeaders });
    expect(gone.status).toBe(410);
    expect(gone.headers.get('location')).toBe(`/customers/${survivorId}`);
    expect(await gone.json()).toMatchObject({ code: 'customer-merged', survivorId });
    expect(await call('GET', `/customers/by-number/${path('+8613500000002')}`)).toMatchObject({ body: { customerId: survivorId, tier: 'gold' } });
    expect((await call('GET', `/customers/by-number/${path('+8613500000002')}/card`)).body['openComplaints']).toMatchObject([{ ticketId: ticket.body['ticketId'], category: 'billing' }]);
    expect((await call('GET', `/customers/${duplicateId}/timeline`)).status).toBe(410);
    await eventually('the duplicate’s timeline moved to the survivor', async () => {
      const entries = (await call('GET', `/customers/${survivorId}/timeline`)).body['entries'] as Json[] | undefined;
      return (entries ?? []).some((e) => e['kind'] === 'complaint-opened') && (entries ?? []).some((e) => e['kind'] === 'customer-merged');
    });
    expect((await call('POST', `/customers/${survivorId}/merge`, { from: duplicateId })).status).toBe(409);
    expect((await call('PUT', `/customers/${duplicateId}/tier`, { tier: 'platinum' })).status).toBe(410);
    expect(await call('POST', '/complaints', { customerId: duplicateId, category: 'billing', description: 'Again', openedBy: 'li-na' })).toMatchObject({ status: 410, body: { survivorId } });
    expect((await call('GET', '/customers?q=zhou')).body['customers']).toMatchObject([{ customerId: survivorId }]);
  });

  it('refuses an invalid phone number or an unknown tier with 400 naming the field, and records nothing', async () => {
    const badNumber = await call('POST', '/customers', { name: 'Bad Number', phoneNumbers: ['0755-1234'] });
    expect(badNumber).toMatchObject({ status: 400, body: { code: 'validation-failed', errors: [{ path: 'body/phoneNumbers/0' }] } });
    const badTier = await call('POST', '/customers', { name: 'Bad Tier', tier: 'diamond', phoneNumbers: ['+8613400000001'] });
    expect(badTier).toMatchObject({ status: 400, body: { errors: [{ path: 'body/tier', message: expect.stringContaining('(platinum, gold, normal)') }] } });
    expect((await call('GET', `/customers/by-number/${path('+8613400000001')}`)).status).toBe(404);
    expect((await call('GET', `/customers/by-number/${path('0755-1234')}`)).status).toBe(400);
    const rows = await service.context.prisma.$queryRaw<{ n: bigint }[]>`select count(*) as n from events where data->>'name' in ('Bad Number', 'Bad Tier')`;
    expect(Number(rows[0]?.n)).toBe(0);
  });
});
