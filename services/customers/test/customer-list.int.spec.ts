// Import of a customer list with broken rows (each refused with its row and reason, the rest imported whole) and the export.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { startEventSourcedService } from '@switchboard/service-kit';
import { freshDatabase, jsonClient } from '@switchboard/testing';
import { customersService } from '../src/service.ts';
import { asService, authConfig } from './fixtures/people.ts';

// The tests' own calls are another service's: the roles and sites have their own test (auth.int.spec.ts).
const serviceHeaders = await asService();

type Running = Awaited<ReturnType<typeof startEventSourcedService>>;

const list = [
  'name,type,tier,phone_numbers,segment,region,preferred_agent',
  'Hangzhou Cold Chain,company,gold,+8657112345678;+8613900000001,member,0571,zhao-min',
  'Broken Number,person,normal,0571-1234,,,',
  'Shiny Tier,person,diamond,+8613900000002,,,',
  ',person,normal,+8613900000003,,,',
  'Copycat,person,normal,+8613900000001,,,',
  'Already Known,person,normal,+8613900000009,,,',
  '"Li, Wei",person,platinum,+8613900000004 +8613900000005,ordinary,0755,',
].join('\n');

describe('a customer list', () => {
  let service: Running;
  const call = jsonClient(() => service.url, serviceHeaders);
  const importCsv = (csv: string) => call('POST', '/customers/import', csv, { 'content-type': 'text/csv' });
  const owner = async (number: string) => (await call('GET', `/customers/by-number/${encodeURIComponent(number)}`)).body['name'];

  beforeAll(async () => {
    const env = { PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: await freshDatabase('customers'), EVENTBUS_DATABASE_URL: await freshDatabase('bus') };
    service = await startEventSourcedService(customersService(authConfig), { env, handleSignals: false });
    expect((await call('POST', '/customers', { name: 'Known Before', phoneNumbers: ['+8613900000009'] })).status).toBe(201);
  });
  afterAll(() => service?.close());

  it('imports the good rows and reports each broken one with its row number and reason', async () => {
    const report = await importCsv(list);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ rows: 7, imported: 2 });
    expect(report.body['refused']).toEqual([
      { row: 3, column: 'phone_numbers', reason: 'invalid phone number "0571-1234": not in E.164 form (like +8613812345678)' },
      { row: 4, column: 'tier', reason: 'unknown tier "diamond" (platinum, gold, normal)' },
      { row: 5, column: 'name', reason: 'missing name' },
      { row: 6, column: 'phone_numbers', reason: 'duplicate number +8613900000001: already on row 2' },
      { row: 7, column: 'phone_numbers', reason: expect.stringMatching(/^duplicate number \+8613900000009: it belongs to customer /) },
    ]);
    expect(await call('GET', '/customers/by-number/%2B8657112345678')).toMatchObject({ body: { name: 'Hangzhou Cold Chain', kind: 'company', tier: 'gold', segment: 'member', preferredAgentId: 'zhao-min' } });
    expect(await owner('+8613900000005')).toBe('Li, Wei');
    // Nothing of a refused row was kept, and the known customer kept their number.
    expect(await owner('+8613900000002')).toBeUndefined();
    expect(await owner('+8613900000003')).toBeUndefined();
    expect(await owner('+8613900000001')).toBe('Hangzhou Cold Chain');
    expect(await owner('+8613900000009')).toBe('Known Before');
  });

  it('refuses a file without the name and phone_numbers columns, importing nothing', async () => {
    const refused = await importCsv('who,number\nSomeone,+8613900000077\n');
    expect(refused).toMatchObject({ status: 400, body: { code: 'customer-list-unreadable', detail: expect.stringContaining('missing name, phone_numbers') } });
    expect(await owner('+8613900000077')).toBeUndefined();
  });

  it('exports every customer in the import’s columns, ready to import elsewhere', async () => {
    const response = await fetch(`${service.url}/customers/export`, { headers: serviceHeaders });
    expect(response.headers.get('content-type')).toContain('text/csv');
    const rows = parse(await response.text(), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r['name'])).toEqual(['Hangzhou Cold Chain', 'Known Before', 'Li, Wei']);
    expect(rows[0]).toMatchObject({ type: 'company', tier: 'gold', phone_numbers: '+8613900000001;+8657112345678', segment: 'member', region: '0571', preferred_agent: 'zhao-min' });
    expect(rows[2]).toMatchObject({ tier: 'platinum', phone_numbers: '+8613900000004;+8613900000005' });
  });

  it('imports and exports the site that looks after each customer (empty: national)', async () => {
    const report = await importCsv('name,phone_numbers,site\nShanghai Docks,+8602188880001,Shanghai\nNowhere Special,+8602188880002,\nBad Site,+8602188880003,south china\n');
    expect(report.body).toMatchObject({ rows: 3, imported: 2, refused: [{ row: 4, column: 'site', reason: expect.stringContaining('invalid site "south china"') }] });
    const response = await fetch(`${service.url}/customers/export`, { headers: serviceHeaders });
    const text = await response.text();
    expect(text.split('\n')[0]).toBe('name,type,tier,phone_numbers,segment,region,preferred_agent,site,customer_id');
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows.filter((r) => r['name'] !== 'Bad Site').map((r) => [r['name'], r['site']])).toContainEqual(['Shanghai Docks', 'shanghai']);
    expect(rows.find((r) => r['name'] === 'Nowhere Special')).toMatchObject({ site: '' });
    expect(rows.find((r) => r['name'] === 'Hangzhou Cold Chain')).toMatchObject({ site: '' });
  });
});
