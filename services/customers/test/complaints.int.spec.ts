// A complaint around the closed loop through the HTTP API, closing refused before the customer was told, and an overdue ticket escalated by the clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEventSourcedService } from '@switchboard/service-kit';
import { eventually, freshDatabase, jsonClient, type Json } from '@switchboard/testing';
import { defaultComplaintPolicy } from '../src/domain/complaint/policy.ts';
import { createCustomersService } from '../src/service.ts';
import { asService, authConfig, signedInAs } from './fixtures/people.ts';

// The tests' own calls are another service's: the roles and sites have their own test (auth.int.spec.ts).
const serviceHeaders = await asService();

type Running = Awaited<ReturnType<typeof startEventSourcedService>>;

describe('complaint tickets', () => {
  let service: Running;
  let customerId: string;
  const call = jsonClient(() => service.url, serviceHeaders);
  const historyOf = async (ticketId: string) => ((await call('GET', `/complaints/${ticketId}`)).body['history'] as Json[]);

  beforeAll(async () => {
    const env = { PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: await freshDatabase('customers'), EVENTBUS_DATABASE_URL: await freshDatabase('bus') };
    // Lost parcels are due in a second here, so the clock's escalations can be watched.
    const spec = createCustomersService(authConfig, { complaintPolicy: { ...defaultComplaintPolicy, 'lost-shipment': { department: 'claims', slaSeconds: 1 } }, escalationTickMs: 100 });
    service = await startEventSourcedService(spec, { env, handleSignals: false });
    customerId = (await call('POST', '/customers', { name: 'Sun Li', tier: 'gold', phoneNumbers: ['+8613300000001'] })).body['customerId'] as string;
  });
  afterAll(() => service?.close());

  it('goes around the loop: opened on the call, moved with a reason, a result, the customer told, closed', async () => {
    const opened = await call('POST', '/complaints', { customerId, callId: 'call-c1', category: 'damaged-goods', description: 'The parcel arrived crushed', openedBy: 'li-na' });
    expect(opened).toMatchObject({ status: 201, body: { status: 'open', department: 'claims', callId: 'call-c1', overdue: false, openedBy: 'li-na' } });
    const ticketId = opened.body['ticketId'] as string;
    expect(Date.parse(opened.body['dueAt'] as string) - Date.parse(opened.body['openedAt'] as string)).toBe(48 * 3600 * 1000);
    expect((await call('GET', '/customers/by-number/%2B8613300000001/card')).body['openComplaints']).toMatchObject([{ ticketId, status: 'open' }]);

    const moved = await call('POST', `/complaints/${ticketId}/reassign`, { department: 'operations', reason: 'the driver broke it: operations answers', by: 'claims-wu' });
    expect(moved).toMatchObject({ status: 200, body: { department: 'operations' } });
    expect((await call('POST', `/complaints/${ticketId}/reassign`, { department: 'finance', by: 'ops-ma' })).body).toMatchObject({ status: 400, errors: [{ path: 'body/reason' }] });
    expect((await call('POST', `/complaints/${ticketId}/notes`, { text: 'Photos received by e-mail', by: 'ops-ma' })).status).toBe(200);
    expect(await call('GET', '/complaints?department=operations&status=open')).toMatchObject({ body: { tickets: [{ ticketId }] } });

    // The customer cannot be told a result nobody recorded, and the ticket cannot close before they are told.
    expect(await call('POST', `/complaints/${ticketId}/callbacks`, { outcome: 'customer-informed', by: 'li-na' })).toMatchObject({ status: 409 });
    const early = await call('POST', `/complaints/${ticketId}/close`, { by: 'li-na' });
    expect(early).toMatchObject({ status: 409, body: { code: 'complaint-loop-not-closed', detail: expect.stringContaining('the customer has not been told the result') } });

    expect((await call('POST', `/complaints/${ticketId}/result`, { result: 'Refund of 300 CNY approved', by: 'ops-ma' })).body).toMatchObject({ status: 'awaiting-callback' });
    expect((await call('POST', `/complaints/${ticketId}/callbacks`, { outcome: 'not-reached', note: 'no answer', by: 'li-na' })).body).toMatchObject({ status: 'awaiting-callback' });
    const stillOpen = await call('POST', `/complaints/${ticketId}/close`, { by: 'li-na' });
    expect(stillOpen).toMatchObject({ status: 409, body: { detail: expect.stringContaining('customer-informed') } });

    expect((await call('POST', `/complaints/${ticketId}/callbacks`, { outcome: 'customer-informed', callId: 'call-c2', note: 'accepted the refund', by: 'li-na' })).body).toMatchObject({ status: 'customer-informed' });
    const closed = await call('POST', `/complaints/${ticketId}/close`, { by: 'li-na' });
    expect(closed).toMatchObject({ status: 200, body: { status: 'closed' } });
    expect((closed.body['history'] as Json[]).map((h) => h['type'])).toEqual([
      'ComplaintOpened',
      'ComplaintReassigned',
      'ComplaintNoteAdded',
      'ComplaintResolved',
      'ComplaintCallbackMade',
      'ComplaintCallbackMade',
      'ComplaintClosed',
    ]);
    expect((closed.body['history'] as Json[])[1]).toMatchObject({ data: { fromDepartment: 'claims', toDepartment: 'operations', reassignedBy: 'claims-wu', reason: 'the driver broke it: operations answers' } });
    expect((await call('GET', '/customers/by-number/%2B8613300000001/card')).body['openComplaints']).toEqual([]);
    expect(await call('GET', '/complaints?status=closed')).toMatchObject({ body: { tickets: [{ ticketId, status: 'closed' }] } });
    await eventually('the loop is on the customer’s timeline', async () => {
      const entries = ((await call('GET', `/customers/${customerId}/timeline`)).body['entries'] as Json[]).map((e) => e['kind']);
      return ['complaint-opened', 'complaint-reassigned', 'complaint-resolved', 'complaint-callback', 'complaint-closed'].every((k) => entries.includes(k));
    });
  });

  it('moves a ticket to another department with who, when, from, to and why, keeping its due time; a wrong move changes nothing', async () => {
    const supervisor = await signedInAs('supervisor', ['shenzhen'], 'claims-wu');
    const customerId = (await call('POST', '/customers', { name: 'Zhou Min', phoneNumbers: ['+8613300000002'] })).body['customerId'] as string;
    const opened = await call('POST', '/complaints', { customerId, category: 'damaged-goods', description: 'The lid was torn off' }, supervisor);
    const ticketId = opened.body['ticketId'] as string;
    const reassign = (body: Json, headers = supervisor) => call('POST', `/complaints/${ticketId}/reassign`, body, headers);

    expect(await call('GET', '/complaint-categories')).toMatchObject({ body: { departments: ['operations', 'claims', 'dispatch', 'quality', 'finance', 'customer-service'] } });
    const unknown = await reassign({ department: 'legal', reason: 'a lawyer wrote to us' });
    expect(unknown).toMatchObject({ status: 400, body: { errors: [{ path: 'body/department', message: expect.stringContaining('operations') }] } });
    expect(await reassign({ department: 'operations' })).toMatchObject({ status: 400, body: { errors: [{ path: 'body/reason' }] } });
    expect(await reassign({ department: 'operations', reason: '   ' })).toMatchObject({ status: 422, body: { detail: expect.stringContaining('say why the ticket moves') } });
    const analyst = await reassign({ department: 'operations', reason: 'I think so' }, await signedInAs('analyst', ['*'], 'analyst-qian'));
    expect(analyst).toMatchObject({ status: 403, body: { code: 'role-not-allowed' } });
    expect(await call('GET', `/complaints/${ticketId}`)).toMatchObject({ body: { department: 'claims', history: [{ type: 'ComplaintOpened' }] } });
    expect(await historyOf(ticketId)).toHaveLength(1);

    const moved = await reassign({ department: 'operations', reason: 'the driver dropped it: operations answers', by: 'someone-else' });
    expect(moved).toMatchObject({ status: 200, body: { department: 'operations', dueAt: opened.body['dueAt'] } });
    const [, move] = moved.body['history'] as Json[];
    expect(move).toMatchObject({ type: 'ComplaintReassigned', data: { fromDepartment: 'claims', toDepartment: 'operations', reassignedBy: 'claims-wu', reason: 'the driver dropped it: operations answers' } });
    expect(Date.parse(move!['at'] as string)).toBeGreaterThanOrEqual(Date.parse(opened.body['openedAt'] as string));
    expect((await call('GET', `/complaints?department=operations&customerId=${customerId}`)).body['tickets']).toContainEqual(expect.objectContaining({ ticketId, dueAt: opened.body['dueAt'] }));
    await eventually('the move is on the customer’s timeline', async () => {
      const entries = (await call('GET', `/customers/${customerId}/timeline`)).body['entries'] as Json[];
      return entries.some((e) => e['ticketId'] === ticketId && e['kind'] === 'complaint-reassigned' && String(e['summary']).includes('from claims to operations by claims-wu'));
    });
  });

  it('escalates an overdue ticket once per level, and lists it as overdue', async () => {
    const opened = await call('POST', '/complaints', { customerId, category: 'lost-shipment', description: 'Waybill SF1234 never arrived', openedBy: 'li-na' });
    const ticketId = opened.body['ticketId'] as string;
    expect(opened.body).toMatchObject({ overdue: false, escalationLevel: 0 });
    const escalations = async () => (await historyOf(ticketId)).filter((h) => h['type'] === 'ComplaintEscalated').map((h) => (h['data'] as Json)['level']);

    await eventually('escalated to the department lead', async () => (await escalations()).length >= 1, 5000);
    expect(await call('GET', '/complaints?overdue=true')).toMatchObject({ body: { tickets: [{ ticketId, overdue: true, escalationLevel: expect.any(Number) }] } });
    await eventually('escalated up the whole ladder', async () => (await escalations()).length >= 3, 8000);
    // The clock keeps ticking every 100 ms: still one event per level.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await escalations()).toEqual([1, 2, 3]);
    expect((await historyOf(ticketId)).at(-1)).toMatchObject({ data: { escalatedTo: 'head-of-customer-service', department: 'claims' } });
    expect((await call('GET', '/complaints?overdue=false')).body['tickets']).not.toContainEqual(expect.objectContaining({ ticketId }));
  });

  it('refuses an unknown category, naming the field, and opens nothing', async () => {
    const refused = await call('POST', '/complaints', { customerId, category: 'weather', description: 'It rained', openedBy: 'li-na' });
    expect(refused).toMatchObject({ status: 400, body: { errors: [{ path: 'body/category', message: expect.stringContaining('damaged-goods') }] } });
    expect(((await call('GET', `/complaints?customerId=${customerId}`)).body['tickets'] as Json[]).map((t) => t['category']).sort()).toEqual(['damaged-goods', 'lost-shipment']);
  });
});
