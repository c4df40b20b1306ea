import { describe, expect, it } from 'vitest';
import { CustomerKind, CustomerTier } from '@switchboard/contracts';
import { readRow } from './import-row.ts';

describe('a row of an imported customer list', () => {
  it('registers a company with two numbers, its tier and segment', () => {
    expect(readRow({ name: ' Hangzhou Cold Chain ', type: 'Company', tier: 'GOLD', phone_numbers: '+8657112345678; +8613900000001', segment: 'member', region: '0571' })).toEqual({
      ok: true,
      customer: {
        name: 'Hangzhou Cold Chain',
        kind: CustomerKind.COMPANY,
        tier: CustomerTier.GOLD,
        phoneNumbers: ['+8657112345678', '+8613900000001'],
        segment: 'member',
        region: '0571',
        preferredAgentId: '',
        siteId: '',
      },
    });
  });

  it('belongs to the site of its site cell (any case), or names none', () => {
    expect(readRow({ name: 'A', phone_numbers: '+8613900000002', site: ' Shenzhen ' })).toMatchObject({ ok: true, customer: { siteId: 'shenzhen' } });
    expect(readRow({ name: 'A', phone_numbers: '+8613900000002', site: 'south china/1' })).toMatchObject({ ok: false, column: 'site', reason: expect.stringContaining('invalid site "south china/1"') });
  });

  it('is a normal person when type and tier are left empty', () => {
    expect(readRow({ name: 'Li Lei', phone_numbers: '+8613900000002' })).toMatchObject({ ok: true, customer: { kind: CustomerKind.PERSON, tier: CustomerTier.NORMAL } });
  });

  it('is refused with the column and the reason', () => {
    expect(readRow({ name: '', phone_numbers: '+8613900000002' })).toEqual({ ok: false, column: 'name', reason: 'missing name' });
    expect(readRow({ name: 'A', tier: 'diamond', phone_numbers: '+8613900000002' })).toEqual({ ok: false, column: 'tier', reason: 'unknown tier "diamond" (platinum, gold, normal)' });
    expect(readRow({ name: 'A', phone_numbers: '0571-1234' })).toMatchObject({ ok: false, column: 'phone_numbers', reason: expect.stringContaining('invalid phone number "0571-1234"') });
    expect(readRow({ name: 'A', phone_numbers: '' })).toMatchObject({ ok: false, column: 'phone_numbers', reason: 'missing phone number' });
  });
});
