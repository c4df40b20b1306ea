// Sign-in, roles and sites on the customers API: no, a forged or an expired token is refused, analysts only read,
// a site's people see only their site's customers (and national ones), and who did it comes from the token.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokens, startEventSourcedService } from '@switchboard/service-kit';
import { freshDatabase, jsonClient, type Json } from '@switchboard/testing';
import { customersService } from '../src/service.ts';
import { asService, authConfig, signedInAs, tokens } from './fixtures/people.ts';

type Running = Awaited<ReturnType<typeof startEventSourcedService>>;
type Caller = 'service' | 'hq' | 'analyst' | 'liNa' | 'shenzhenSupervisor' | 'shanghaiAgent' | 'twoSites';
const path = (number: string) => encodeURIComponent(number);

describe('who may call customers, and whose customers they see', () => {
  let service: Running;
  const call = jsonClient(() => service.url);
  const as = {} as Record<Caller, Record<string, string>>;
  // One customer of each kind of home site, registered by a service.
  const customer = { shanghai: '', shenzhen: '', national: '' };
  const number = { shanghai: '+8602100000001', shenzhen: '+8675500000001', national: '+8640000000001' };
  let shanghaiTicket = '';

  const exported = async (who: Caller) => {
    const response = await fetch(`${service.url}/customers/export`, { headers: as[who] });
    return { status: response.status, rows: response.status === 200 ? (parse(await response.text(), { columns: true }) as Record<string, string>[]) : [] };
  };
  const eventsOf = async (streamId: string) => (await service.context.store.load(streamId)).map((e) => e.event.message as unknown as Json);

  beforeAll(async () => {
    const env = { PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: await freshDatabase('customers'), EVENTBUS_DATABASE_URL: await freshDatabase('bus') };
    service = await startEventSourcedService(customersService(authConfig), { env, handleSignals: false });
    as.service = await asService('simulator');
    as.hq = await signedInAs('admin', ['*'], 'hq-admin');
    as.analyst = await signedInAs('analyst', ['*'], 'analyst-qian');
    as.liNa = await signedInAs('agent', ['shenzhen'], 'li-na');
    as.shenzhenSupervisor = await signedInAs('supervisor', ['shenzhen'], 'sz-supervisor');
    as.shanghaiAgent = await signedInAs('agent', ['shanghai'], 'sh-agent');
    as.twoSites = await signedInAs('supervisor', ['shenzhen', 'shanghai'], 'south-supervisor');
    for (const [site, siteId] of [['shanghai', 'shanghai'], ['shenzhen', 'shenzhen'], ['national', undefined]] as const) {
      const created = await call('POST', '/customers', { name: `Customer of ${site}`, phoneNumbers: [number[site]], ...(siteId ? { siteId } : {}) }, as.service);
      expect(created).toMatchObject({ status: 201, body: { siteId: siteId ?? null } });
      customer[site] = created.body['customerId'] as string;
    }
    const ticket = await call('POST', '/complaints', { customerId: customer.shanghai, category: 'billing', description: 'Charged twice', openedBy: 'sh-agent' }, as.service);
    expect(ticket.status).toBe(201);
    shanghaiTicket = ticket.body['ticketId'] as string;
  });
  afterAll(() => service?.close());

  it('refuses a request with no token, a forged or an expired one (401), and leaves the probes open', async () => {
    expect(await call('GET', `/customers/${customer.national}`)).toMatchObject({ status: 401, body: { code: 'not-signed-in' } });
    expect((await call('POST', '/customers', { name: 'Nobody', phoneNumbers: ['+8613000000001'] })).status).toBe(401);
    expect((await call('GET', `/customers/by-number/${path(number.national)}/card`)).status).toBe(401);
    expect((await call('GET', '/complaints')).status).toBe(401);
    expect((await fetch(`${service.url}/customers/export`)).status).toBe(401);

    const forged = await accessTokens('not-the-secret-customers-checks-tokens-with').issuePerson({ personId: 'mallory', name: 'Mallory', role: 'admin', sites: ['*'] }, 3600);
    const forgedHeaders = { authorization: `Bearer ${forged}` };
    expect(await call('GET', `/customers/${customer.national}`, undefined, forgedHeaders)).toMatchObject({ status: 401, body: { code: 'token-invalid' } });
    expect((await call('POST', '/customers', { name: 'Forged', phoneNumbers: ['+8613000000002'] }, forgedHeaders)).status).toBe(401);
    const forgedService = await accessTokens('not-the-secret-customers-checks-tokens-with').issueService('simulator', 3600);
    expect((await call('GET', '/customers?q=cu', undefined, { authorization: `Bearer ${forgedService}` })).status).toBe(401);

    const expired = await tokens.issuePerson({ personId: 'li-na', name: 'Li Na', role: 'agent', sites: ['shenzhen'] }, 60, new Date(Date.now() - 3600_000));
    expect(await call('GET', `/customers/${customer.shenzhen}`, undefined, { authorization: `Bearer ${expired}` })).toMatchObject({ status: 401, body: { code: 'session-expired' } });

    expect((await call('GET', `/customers/by-number/${path('+8613000000001')}`, undefined, as.hq)).status).toBe(404);
    expect((await call('GET', `/customers/by-number/${path('+8613000000002')}`, undefined, as.hq)).status).toBe(404);
    expect((await call('GET', '/healthz')).status).toBe(200);
  });

  it('lets an analyst read everything and change nothing', async () => {
    expect(await call('GET', `/customers/${customer.shanghai}`, undefined, as.analyst)).toMatchObject({ status: 200, body: { siteId: 'shanghai' } });
    expect((await call('GET', `/customers/by-number/${path(number.shenzhen)}/card`, undefined, as.analyst)).status).toBe(200);
    expect((await call('GET', `/customers/${customer.shanghai}/timeline`, undefined, as.analyst)).status).toBe(200);
    expect((await call('GET', `/complaints/${shanghaiTicket}`, undefined, as.analyst)).status).toBe(200);
    expect((await exported('analyst')).rows).toHaveLength(3);

    const refused = { status: 403, body: { code: 'role-not-allowed' } };
    expect(await call('POST', '/customers', { name: 'Analysed', phoneNumbers: ['+8613000000003'] }, as.analyst)).toMatchObject(refused);
    expect(await call('PATCH', `/customers/${customer.national}`, { name: 'Renamed by an analyst' }, as.analyst)).toMatchObject(refused);
    expect(await call('PUT', `/customers/${customer.national}/tier`, { tier: 'platinum' }, as.analyst)).toMatchObject(refused);
    expect(await call('POST', `/customers/${customer.national}/phone-numbers`, { phoneNumber: '+8613000000004' }, as.analyst)).toMatchObject(refused);
    expect(await call('POST', '/complaints', { customerId: customer.national, category: 'billing', description: 'x' }, as.analyst)).toMatchObject(refused);
    expect(await call('POST', `/complaints/${shanghaiTicket}/notes`, { text: 'an analyst was here' }, as.analyst)).toMatchObject(refused);
    expect(await call('POST', '/customers/import', 'name,phone_numbers\nImported by an analyst,+8613000000005\n', { ...as.analyst, 'content-type': 'text/csv' })).toMatchObject(refused);

    expect(await call('GET', `/customers/${customer.national}`, undefined, as.analyst)).toMatchObject({ body: { name: 'Customer of national', tier: 'normal', phoneNumbers: [number.national], version: 1 } });
    expect((await call('GET', `/customers/by-number/${path('+8613000000003')}`, undefined, as.analyst)).status).toBe(404);
    expect((await call('GET', `/complaints?customerId=${customer.national}`, undefined, as.analyst)).body['tickets']).toEqual([]);
    // Agents neither import nor export lists.
    expect((await exported('liNa')).status).toBe(403);
    expect((await call('POST', '/customers/import', 'name,phone_numbers\nX,+8613000000006\n', { ...as.liNa, 'content-type': 'text/csv' })).status).toBe(403);
  });

  it('keeps a shenzhen agent out of a shanghai customer: by id, by number, card, timeline, complaints, lists and export', async () => {
    const notHers = { status: 403, body: { code: 'site-not-allowed' } };
    expect(await call('GET', `/customers/${customer.shanghai}`, undefined, as.liNa)).toMatchObject(notHers);
    expect(await call('GET', `/customers/by-number/${path(number.shanghai)}`, undefined, as.liNa)).toMatchObject(notHers);
    expect(await call('GET', `/customers/by-number/${path(number.shanghai)}/card`, undefined, as.liNa)).toMatchObject(notHers);
    expect(await call('GET', `/customers/${customer.shanghai}/timeline`, undefined, as.liNa)).toMatchObject(notHers);
    expect(await call('GET', `/complaints/${shanghaiTicket}`, undefined, as.liNa)).toMatchObject(notHers);
    expect(await call('GET', `/complaints?customerId=${customer.shanghai}`, undefined, as.liNa)).toMatchObject(notHers);
    expect(await call('POST', '/complaints', { customerId: customer.shanghai, category: 'billing', description: 'again' }, as.liNa)).toMatchObject(notHers);
    expect(await call('POST', `/complaints/${shanghaiTicket}/notes`, { text: 'not mine' }, as.liNa)).toMatchObject(notHers);
    expect(await call('POST', `/complaints/${shanghaiTicket}/close`, {}, as.liNa)).toMatchObject(notHers);
    expect(await call('PUT', `/customers/${customer.shanghai}/tier`, { tier: 'gold' }, as.liNa)).toMatchObject(notHers);
    expect(await call('POST', `/customers/${customer.shanghai}/phone-numbers`, { phoneNumber: '+8602100000002' }, as.liNa)).toMatchObject(notHers);
    expect(await call('POST', `/customers/${customer.shanghai}/calls`, { callId: 'call-x' }, as.liNa)).toMatchObject(notHers);
    expect(await call('POST', `/customers/${customer.shenzhen}/merge`, { from: customer.shanghai }, as.liNa)).toMatchObject(notHers);
    expect(await call('POST', `/customers/${customer.shanghai}/merge`, { from: customer.national }, as.liNa)).toMatchObject(notHers);
    // Nothing was changed, merged or added.
    expect(await call('GET', `/customers/${customer.shanghai}`, undefined, as.hq)).toMatchObject({ status: 200, body: { tier: 'normal', phoneNumbers: [number.shanghai], version: 1 } });
    expect(await call('GET', `/complaints/${shanghaiTicket}`, undefined, as.hq)).toMatchObject({ body: { status: 'open', history: [{ type: 'ComplaintOpened' }] } });

    // Her own site's and national customers she sees; the shanghai one is not in her search, ticket list or export.
    expect((await call('GET', `/customers/${customer.shenzhen}`, undefined, as.liNa)).status).toBe(200);
    expect(await call('GET', `/customers/by-number/${path(number.national)}/card`, undefined, as.liNa)).toMatchObject({ status: 200, body: { siteId: null } });
    const names = async (who: Caller) => ((await call('GET', '/customers?q=customer%20of', undefined, as[who])).body['customers'] as Json[]).map((c) => c['name']);
    expect(await names('liNa')).toEqual(['Customer of national', 'Customer of shenzhen']);
    expect(await names('shanghaiAgent')).toEqual(['Customer of national', 'Customer of shanghai']);
    expect(((await call('GET', '/complaints', undefined, as.liNa)).body['tickets'] as Json[]).map((t) => t['ticketId'])).not.toContain(shanghaiTicket);
    expect(((await call('GET', '/complaints', undefined, as.shanghaiAgent)).body['tickets'] as Json[]).map((t) => t['ticketId'])).toContain(shanghaiTicket);
    const supervisorsExport = await exported('shenzhenSupervisor');
    expect(supervisorsExport.rows.map((r) => [r['name'], r['site']])).toEqual([
      ['Customer of national', ''],
      ['Customer of shenzhen', 'shenzhen'],
    ]);
    // The shanghai agent handles her own customer's ticket.
    expect((await call('POST', `/complaints/${shanghaiTicket}/notes`, { text: 'called back' }, as.shanghaiAgent)).status).toBe(200);
  });

  it('keeps a shenzhen supervisor from changing a shanghai customer, or moving one of theirs away', async () => {
    expect(await call('PATCH', `/customers/${customer.shanghai}`, { name: 'Renamed from Shenzhen' }, as.shenzhenSupervisor)).toMatchObject({ status: 403, body: { code: 'site-not-allowed' } });
    expect((await call('GET', `/customers/${customer.shanghai}`, undefined, as.hq)).body['name']).toBe('Customer of shanghai');

    const own = await call('POST', '/customers', { name: 'Moving Freight', phoneNumbers: ['+8675500000009'] }, as.shenzhenSupervisor);
    expect(own).toMatchObject({ status: 201, body: { siteId: 'shenzhen' } });
    const id = own.body['customerId'] as string;
    expect(await call('PATCH', `/customers/${id}`, { segment: 'member' }, as.shenzhenSupervisor)).toMatchObject({ status: 200, body: { segment: 'member', siteId: 'shenzhen' } });
    expect(await call('PATCH', `/customers/${id}`, { siteId: 'shanghai' }, as.shenzhenSupervisor)).toMatchObject({ status: 403, body: { code: 'site-not-allowed' } });
    expect(await call('PATCH', `/customers/${id}`, { siteId: null }, as.shenzhenSupervisor)).toMatchObject({ status: 403, body: { code: 'site-not-allowed' } });
    // An agent changes a customer's details, not the site that looks after them; the same site is no move.
    expect(await call('PATCH', `/customers/${id}`, { siteId: 'shanghai' }, as.liNa)).toMatchObject({ status: 403, body: { code: 'role-not-allowed' } });
    expect(await call('PATCH', `/customers/${id}`, { siteId: 'shenzhen', region: '0755' }, as.liNa)).toMatchObject({ status: 200, body: { region: '0755', siteId: 'shenzhen' } });
    // A supervisor of both sites moves the customer; then shenzhen no longer sees them, shanghai does.
    expect(await call('PATCH', `/customers/${id}`, { siteId: 'shanghai' }, as.twoSites)).toMatchObject({ status: 200, body: { siteId: 'shanghai' } });
    expect((await call('GET', `/customers/${id}`, undefined, as.liNa)).status).toBe(403);
    expect((await call('GET', `/customers/by-number/${path('+8675500000009')}`, undefined, as.shanghaiAgent)).body).toMatchObject({ customerId: id, siteId: 'shanghai' });
    // Headquarters makes them national.
    expect(await call('PATCH', `/customers/${id}`, { siteId: null }, as.hq)).toMatchObject({ status: 200, body: { siteId: null } });
    expect((await call('GET', `/customers/${id}`, undefined, as.liNa)).status).toBe(200);
  });

  it('names the owner of a taken number only to someone who may open their record', async () => {
    const taken = { status: 409, body: { code: 'phone-number-taken' } };
    const registering = (who: Caller, phoneNumber: string, siteId?: string) =>
      call('POST', '/customers', { name: 'Second Owner', phoneNumbers: [phoneNumber], ...(siteId ? { siteId } : {}) }, as[who]);
    const hidden = await registering('liNa', number.shanghai);
    expect(hidden).toMatchObject({ ...taken, body: { detail: expect.stringContaining('belongs to a customer of site shanghai, which is not one of yours: ask a supervisor of shanghai') } });
    expect(JSON.stringify(hidden.body)).not.toContain(customer.shanghai);
    const added = await call('POST', `/customers/${customer.shenzhen}/phone-numbers`, { phoneNumber: number.shanghai }, as.liNa);
    expect(added).toMatchObject(taken);
    expect(JSON.stringify(added.body)).not.toContain(customer.shanghai);

    // Headquarters, the owner's own site and anyone for a national customer may open the owner: they get the id.
    expect(await registering('hq', number.shanghai)).toMatchObject({ ...taken, body: { detail: expect.stringContaining(`belongs to customer ${customer.shanghai}`) } });
    expect(await registering('shanghaiAgent', number.shanghai)).toMatchObject({ body: { detail: expect.stringContaining(`belongs to customer ${customer.shanghai}`) } });
    expect(await registering('liNa', number.national)).toMatchObject({ body: { detail: expect.stringContaining(`belongs to customer ${customer.national}`) } });
    // An admin of shenzhen only cannot open a shanghai customer, so is not told who it is either.
    const shenzhenAdmin = await call('POST', '/customers', { name: 'Second Owner', phoneNumbers: [number.shanghai] }, await signedInAs('admin', ['shenzhen'], 'sz-admin'));
    expect(shenzhenAdmin).toMatchObject(taken);
    expect(JSON.stringify(shenzhenAdmin.body)).not.toContain(customer.shanghai);

    // An imported list: the same rule for a row refused for its number.
    const csv = ['name,phone_numbers,site', `Copy of Shanghai,${number.shanghai},shenzhen`, `Copy of National,${number.national},shenzhen`].join('\n');
    const imported = await call('POST', '/customers/import', csv, { ...as.shenzhenSupervisor, 'content-type': 'text/csv' });
    expect(imported).toMatchObject({
      status: 200,
      body: {
        imported: 0,
        refused: [
          { row: 2, column: 'phone_numbers', reason: expect.stringMatching(/^duplicate number \+8602100000001: it belongs to a customer of site shanghai, which is not one of yours/) },
          { row: 3, column: 'phone_numbers', reason: `duplicate number ${number.national}: it belongs to customer ${customer.national}: remove it there first, or merge the two records` },
        ],
      },
    });
    expect(JSON.stringify(imported.body)).not.toContain(customer.shanghai);
    const byBoth = await call('POST', '/customers/import', csv.replaceAll(',shenzhen', ',shanghai'), { ...as.twoSites, 'content-type': 'text/csv' });
    expect((byBoth.body['refused'] as Json[])[0]).toMatchObject({ reason: expect.stringContaining(`belongs to customer ${customer.shanghai}`) });
  });

  it('lets headquarters see every site’s customers', async () => {
    for (const site of ['shanghai', 'shenzhen', 'national'] as const) {
      expect((await call('GET', `/customers/${customer[site]}`, undefined, as.hq)).status).toBe(200);
      expect((await call('GET', `/customers/by-number/${path(number[site])}/card`, undefined, as.hq)).status).toBe(200);
    }
    expect(((await call('GET', '/customers?q=customer%20of', undefined, as.hq)).body['customers'] as Json[]).map((c) => c['name'])).toEqual([
      'Customer of national',
      'Customer of shanghai',
      'Customer of shenzhen',
    ]);
    expect(((await call('GET', '/complaints', undefined, as.hq)).body['tickets'] as Json[]).map((t) => t['ticketId'])).toContain(shanghaiTicket);
    expect((await exported('hq')).rows.map((r) => r['site'])).toEqual(expect.arrayContaining(['shanghai', 'shenzhen', '']));
  });

  it('captures a caller at the agent’s only site, or the one named, and records who from the token', async () => {
    const captured = await call('POST', '/customers', { name: 'Captured Caller', callingNumber: '+8675500000002', callId: 'call-cap-1', capturedBy: 'someone-else' }, as.liNa);
    expect(captured).toMatchObject({ status: 201, body: { siteId: 'shenzhen' } });
    const id = captured.body['customerId'] as string;
    expect(await eventsOf(`customer-${id}`)).toMatchObject([{ siteId: 'shenzhen' }, { callId: 'call-cap-1', linkedBy: 'li-na' }]);

    expect(await call('POST', '/customers', { name: 'Elsewhere', phoneNumbers: ['+8602100000003'], siteId: 'shanghai' }, as.liNa)).toMatchObject({ status: 403, body: { code: 'site-not-allowed' } });
    expect(await call('POST', '/customers', { name: 'Which Site', phoneNumbers: ['+8602100000004'] }, as.twoSites)).toMatchObject({ status: 400, body: { code: 'validation-failed', errors: [{ path: 'body/siteId' }] } });
    expect(await call('POST', '/customers', { name: 'This Site', phoneNumbers: ['+8602100000004'], siteId: 'shanghai' }, as.twoSites)).toMatchObject({ status: 201, body: { siteId: 'shanghai' } });
    expect(await call('POST', '/customers', { name: 'Anywhere', phoneNumbers: ['+8640000000005'] }, as.hq)).toMatchObject({ status: 201, body: { siteId: null } });

    // A service names who did it; a person cannot name someone else.
    const byService = await call('POST', `/customers/${id}/calls`, { callId: 'call-cap-2', linkedBy: 'li-na' }, as.service);
    expect(byService.status).toBe(200);
    expect((await eventsOf(`customer-${id}`)).at(-1)).toMatchObject({ callId: 'call-cap-2', linkedBy: 'li-na' });
    expect((await call('POST', `/customers/${id}/calls`, { callId: 'call-cap-3', linkedBy: 'zhang-wei' }, as.liNa)).status).toBe(200);
    expect((await eventsOf(`customer-${id}`)).at(-1)).toMatchObject({ callId: 'call-cap-3', linkedBy: 'li-na' });
  });

  it('takes openedBy and by of a complaint from the person’s token, and from the body for a service', async () => {
    const opened = await call('POST', '/complaints', { customerId: customer.shenzhen, category: 'damaged-goods', description: 'Crushed', openedBy: 'zhang-wei' }, as.liNa);
    expect(opened).toMatchObject({ status: 201, body: { openedBy: 'li-na' } });
    const ticketId = opened.body['ticketId'] as string;
    const noted = await call('POST', `/complaints/${ticketId}/notes`, { text: 'Photos received', by: 'zhang-wei' }, as.shenzhenSupervisor);
    expect((noted.body['history'] as Json[]).at(-1)).toMatchObject({ type: 'ComplaintNoteAdded', data: { writtenBy: 'sz-supervisor' } });
    expect(await call('POST', '/complaints', { customerId: customer.shenzhen, category: 'billing', description: 'Twice', openedBy: 'li-na' }, as.service)).toMatchObject({ status: 201, body: { openedBy: 'li-na' } });
    expect(await call('POST', '/complaints', { customerId: customer.shenzhen, category: 'billing', description: 'Thrice' }, as.service)).toMatchObject({ status: 201, body: { openedBy: 'service:simulator' } });
  });

  it('imports a supervisor’s list into their site: a row of another site is refused, a row naming none is theirs', async () => {
    const csv = ['name,phone_numbers,site', 'Ours,+8675500000011,shenzhen', 'Theirs,+8602100000011,shanghai', 'Unsaid,+8675500000012,'].join('\n');
    const report = await call('POST', '/customers/import', csv, { ...as.shenzhenSupervisor, 'content-type': 'text/csv' });
    expect(report).toMatchObject({ status: 200, body: { rows: 3, imported: 2, refused: [{ row: 3, column: 'site', reason: expect.stringContaining('"shanghai" is not one of yours') }] } });
    expect((await call('GET', `/customers/by-number/${path('+8675500000012')}`, undefined, as.liNa)).body).toMatchObject({ name: 'Unsaid', siteId: 'shenzhen' });
    expect((await call('GET', `/customers/by-number/${path('+8602100000011')}`, undefined, as.hq)).status).toBe(404);
    // An old file, without the site column, still imports.
    const old = await call('POST', '/customers/import', 'name,phone_numbers\nOld List,+8675500000013\n', { ...as.shenzhenSupervisor, 'content-type': 'text/csv' });
    expect(old).toMatchObject({ status: 200, body: { imported: 1 } });
    expect((await call('GET', `/customers/by-number/${path('+8675500000013')}`, undefined, as.hq)).body).toMatchObject({ siteId: 'shenzhen' });
  });
});
