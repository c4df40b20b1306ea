// One row of a customer list being imported: what it registers, or why it is refused (naming the column).
import type { CustomerKind, CustomerTier } from '@switchboard/contracts';
import { isKindName, isTierName, kinds, tiers } from './names.ts';
import { isE164 } from './phone-number.ts';
import { isSiteId } from './site.ts';

/** The columns of the CSV, in order; `name` and `phone_numbers` are required (a file without `site` still imports). */
export const csvColumns = ['name', 'type', 'tier', 'phone_numbers', 'segment', 'region', 'preferred_agent', 'site'] as const;
export const requiredColumns = ['name', 'phone_numbers'] as const;

export interface ImportedCustomer {
  readonly name: string;
  readonly kind: CustomerKind;
  readonly tier: CustomerTier;
  readonly phoneNumbers: readonly string[];
  readonly segment: string;
  readonly region: string;
  readonly preferredAgentId: string;
  /** The `site` cell: the site whose agents look after the customer; empty when the row names none. */
  readonly siteId: string;
}

export type RowVerdict = { readonly ok: true; readonly customer: ImportedCustomer } | { readonly ok: false; readonly column: string; readonly reason: string };

/** Several numbers in one cell are separated by `;`, `,` or spaces. */
export const splitNumbers = (cell: string): string[] => cell.split(/[;,\s]+/).filter((n) => n !== '');

export function readRow(row: Readonly<Record<string, string | undefined>>): RowVerdict {
  const cell = (column: string) => (row[column] ?? '').trim();
  const name = cell('name');
  if (name === '') return { ok: false, column: 'name', reason: 'missing name' };
  if (name.length > 200) return { ok: false, column: 'name', reason: 'name longer than 200 characters' };
  const type = cell('type').toLowerCase() || 'person';
  if (!isKindName(type)) return { ok: false, column: 'type', reason: `unknown type ${JSON.stringify(cell('type'))} (person, company, key-account)` };
  const tier = cell('tier').toLowerCase() || 'normal';
  if (!isTierName(tier)) return { ok: false, column: 'tier', reason: `unknown tier ${JSON.stringify(cell('tier'))} (platinum, gold, normal)` };
  const phoneNumbers = splitNumbers(cell('phone_numbers'));
  if (phoneNumbers.length === 0) return { ok: false, column: 'phone_numbers', reason: 'missing phone number' };
  const bad = phoneNumbers.find((n) => !isE164(n));
  if (bad !== undefined) return { ok: false, column: 'phone_numbers', reason: `invalid phone number ${JSON.stringify(bad)}: not in E.164 form (like +8613812345678)` };
  const repeated = phoneNumbers.find((n, i) => phoneNumbers.indexOf(n) !== i);
  if (repeated !== undefined) return { ok: false, column: 'phone_numbers', reason: `duplicate number ${repeated} in the same row` };
  const siteId = cell('site').toLowerCase();
  if (siteId !== '' && !isSiteId(siteId)) return { ok: false, column: 'site', reason: `invalid site ${JSON.stringify(cell('site'))}: a site id like shenzhen (letters, digits, dashes)` };
  return {
    ok: true,
    customer: {
      name,
      kind: kinds[type],
      tier: tiers[tier],
      phoneNumbers,
      segment: cell('segment'),
      region: cell('region'),
      preferredAgentId: cell('preferred_agent'),
      siteId,
    },
  };
}
