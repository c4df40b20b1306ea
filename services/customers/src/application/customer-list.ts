// Import of an existing customer list (CSV) row by row — each row registers whole or not at all — and the export.
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { PrismaClient } from '@switchboard/event-store';
import { csvColumns, readRow, requiredColumns } from '../domain/customer/import-row.ts';
import { numberTakenReason, type CustomerRecords, type MayOpenSite } from './customer-records.ts';
import type { VisibleSites } from './customer-reads.ts';

/** The home site of an imported row from its `site` cell ('' when it names none), or why the importer may not put a customer there. */
export type SiteOfRow = (named: string) => { readonly siteId: string } | { readonly refused: string };

export interface ImportReport {
  readonly rows: number;
  readonly imported: number;
  readonly refused: { row: number; column: string; reason: string }[];
  readonly customers: { row: number; customerId: string }[];
}

/** The whole file is refused (nothing imported) only when it cannot be read as the documented columns. */
export class UnreadableList extends Error {}

/** `mayOpen`: whose records the importer may open, so a row refused for a taken number names the owner only to them. */
export async function importCustomerList(records: CustomerRecords, csv: string, siteOfRow: SiteOfRow, mayOpen: MayOpenSite): Promise<ImportReport> {
  let parsed: { record: Record<string, string>; info: { lines: number } }[];
  try {
    parsed = parse(csv, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, relax_column_count: true, trim: true, bom: true, info: true });
  } catch (error) {
    throw new UnreadableList(`the file is not readable CSV: ${error instanceof Error ? error.message : String(error)}`);
  }
  const header = parse(csv, { to_line: 1, bom: true, trim: true })[0] as string[] | undefined;
  const columns = (header ?? []).map((h) => h.toLowerCase());
  const missing = requiredColumns.filter((c) => !columns.includes(c));
  if (missing.length > 0) throw new UnreadableList(`the first line must name the columns; missing ${missing.join(', ')} (columns: ${csvColumns.join(', ')})`);

  const refused: { row: number; column: string; reason: string }[] = [];
  const customers: { row: number; customerId: string }[] = [];
  const numbersOnRow = new Map<string, number>();
  for (const { record, info } of parsed) {
    // The row number is the line of the file the row ends on (the header is line 1).
    const row = info.lines;
    const verdict = readRow(record);
    if (!verdict.ok) {
      refused.push({ row, column: verdict.column, reason: verdict.reason });
      continue;
    }
    const site = siteOfRow(verdict.customer.siteId);
    if ('refused' in site) {
      refused.push({ row, column: 'site', reason: site.refused });
      continue;
    }
    const earlier = verdict.customer.phoneNumbers.find((n) => numbersOnRow.has(n));
    if (earlier !== undefined) {
      refused.push({ row, column: 'phone_numbers', reason: `duplicate number ${earlier}: already on row ${numbersOnRow.get(earlier)}` });
      continue;
    }
    const customerId = randomUUID();
    const result = await records.execute(customerId, { type: 'RegisterCustomer', customerId, ...verdict.customer, siteId: site.siteId });
    if (!result.ok) {
      const reason = result.rejected.code === 'number-taken' ? `duplicate number ${result.rejected.phoneNumber}: ${numberTakenReason(result.rejected, mayOpen)}` : result.rejected.message;
      refused.push({ row, column: result.rejected.code === 'number-taken' ? 'phone_numbers' : '', reason });
      continue;
    }
    for (const n of verdict.customer.phoneNumbers) numbersOnRow.set(n, row);
    customers.push({ row, customerId });
  }
  return { rows: parsed.length, imported: customers.length, refused, customers };
}

/** Every customer standing on their own (merged duplicates left out) the caller sees, in the import's columns plus the id. */
export async function exportCustomerList(prisma: PrismaClient, sites: VisibleSites): Promise<string> {
  const visible = sites === null ? null : [...sites];
  const rows = await prisma.$queryRaw<
    { customer_id: string; name: string; kind: string; tier: string; phone_numbers: string | null; segment: string; region: string; preferred_agent_id: string; site_id: string }[]
  >`
    select c.customer_id, c.name, c.kind, c.tier, c.segment, c.region, c.preferred_agent_id, c.site_id,
      (select string_agg(p.phone_number, ';' order by p.phone_number) from customer_phone_numbers p where p.customer_id = c.customer_id) as phone_numbers
    from customers c
    where c.merged_into is null and (${visible}::text[] is null or c.site_id = '' or c.site_id = any(${visible}::text[]))
    order by c.name, c.customer_id`;
  return stringify(
    rows.map((r) => [r.name, r.kind, r.tier, r.phone_numbers ?? '', r.segment, r.region, r.preferred_agent_id, r.site_id, r.customer_id]),
    { header: true, columns: [...csvColumns, 'customer_id'] },
  );
}
