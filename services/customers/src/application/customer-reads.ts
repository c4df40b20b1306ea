// Queries of the read models: the screen-pop card by calling number, the timeline page, the ticket list.
import type { PrismaClient, Sql } from '@switchboard/event-store';

const CALLS_ON_CARD = 5;

/**
 * The customers' home sites a caller sees: `null` for every site (services, headquarters), else these sites —
 * and national customers (no site) always. A list or an export holds only those.
 */
export type VisibleSites = readonly string[] | null;
const sitesParam = (sites: VisibleSites) => (sites === null ? null : [...sites]);

export interface CustomerRow {
  customer_id: string;
  name: string;
  kind: string;
  tier: string;
  segment: string;
  region: string;
  preferred_agent_id: string;
  /** '' for a national customer. */
  site_id: string;
  phone_numbers: string[];
}

export interface TicketSummary {
  ticketId: string;
  customerId: string;
  callId: string | null;
  category: string;
  department: string;
  status: string;
  openedBy: string;
  openedAt: string;
  dueAt: string;
  overdue: boolean;
  escalationLevel: number;
}

export interface CallSummary {
  callId: string;
  callingNumber: string;
  arrivedAt: string | null;
  agentId: string | null;
  outcome: string | null;
  endedAt: string | null;
  recordingUrl: string | null;
}

export interface Card extends CustomerRow {
  open_complaints: TicketSummary[];
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** The customer who has this number now, with all their numbers; undefined for a new caller. */
export async function customerByNumber(sql: Sql, number: string): Promise<CustomerRow | undefined> {
  const rows = await sql.$queryRaw<CustomerRow[]>`
    select c.customer_id, c.name, c.kind, c.tier, c.segment, c.region, c.preferred_agent_id, c.site_id,
      array(select p.phone_number from customer_phone_numbers p where p.customer_id = c.customer_id order by p.phone_number) as phone_numbers
    from customer_phone_numbers n join customers c on c.customer_id = n.customer_id
    where n.phone_number = ${number}`;
  return rows[0];
}

/** The desk's customer search: names starting with `q` (any case), or numbers starting with it; merged duplicates left out. */
export async function searchCustomers(prisma: PrismaClient, q: string, limit: number, sites: VisibleSites): Promise<CustomerRow[]> {
  const prefix = `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const visible = sitesParam(sites);
  return prisma.$queryRaw<CustomerRow[]>`
    select c.customer_id, c.name, c.kind, c.tier, c.segment, c.region, c.preferred_agent_id, c.site_id,
      array(select p.phone_number from customer_phone_numbers p where p.customer_id = c.customer_id order by p.phone_number) as phone_numbers
    from customers c
    where c.merged_into is null
      and (${visible}::text[] is null or c.site_id = '' or c.site_id = any(${visible}::text[]))
      and (lower(c.name) like lower(${prefix})
        or exists (select 1 from customer_phone_numbers p where p.customer_id = c.customer_id and p.phone_number like ${prefix}))
    order by c.name, c.customer_id
    limit ${limit}`;
}

/** The screen pop: the caller's record and open tickets in one query, their last calls in a second. */
export async function cardByNumber(sql: Sql, number: string, now: Date): Promise<{ customer: Card; calls: CallSummary[] } | undefined> {
  const rows = await sql.$queryRaw<Card[]>`
    select c.customer_id, c.name, c.kind, c.tier, c.segment, c.region, c.preferred_agent_id, c.site_id,
      array(select p.phone_number from customer_phone_numbers p where p.customer_id = c.customer_id order by p.phone_number) as phone_numbers,
      coalesce((select json_agg(json_build_object(
          'ticketId', t.ticket_id, 'customerId', t.customer_id, 'callId', nullif(t.call_id, ''), 'category', t.category, 'department', t.department,
          'status', t.status, 'openedBy', t.opened_by,
          'openedAt', to_char(t.opened_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'dueAt', to_char(t.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'overdue', t.status in ('open', 'awaiting-callback') and t.due_at < ${now}, 'escalationLevel', t.escalation_level)
        order by t.due_at)
        from complaint_tickets t where t.customer_id = c.customer_id and t.status <> 'closed'), '[]'::json) as open_complaints
    from customer_phone_numbers n join customers c on c.customer_id = n.customer_id
    where n.phone_number = ${number}`;
  const customer = rows[0];
  if (customer === undefined) return undefined;
  return { customer, calls: await recentCalls(sql, customer.customer_id, CALLS_ON_CARD) };
}

/** A customer's last calls: those linked to them, and those from their numbers that nobody else was given. */
export async function recentCalls(sql: Sql, customerId: string, limit: number): Promise<CallSummary[]> {
  const rows = await sql.$queryRaw<
    { call_id: string; calling_number: string; arrived_at: Date | null; agent_id: string; outcome: string; ended_at: Date | null; recording_url: string }[]
  >`
    select call_id, calling_number, arrived_at, agent_id, outcome, ended_at, recording_url from (
      select * from timeline_calls where customer_id = ${customerId}
      union all
      select * from timeline_calls where customer_id is null
        and calling_number in (select phone_number from customer_phone_numbers where customer_id = ${customerId})
    ) calls
    order by arrived_at desc nulls last limit ${limit}`;
  return rows.map((r) => ({
    callId: r.call_id,
    callingNumber: r.calling_number,
    arrivedAt: iso(r.arrived_at),
    agentId: r.agent_id || null,
    outcome: r.outcome || null,
    endedAt: iso(r.ended_at),
    recordingUrl: r.recording_url || null,
  }));
}

export interface TimelineEntry {
  eventId: string;
  occurredAt: string;
  source: string;
  kind: string;
  summary: string;
  callId: string | null;
  ticketId: string | null;
  details: Record<string, unknown>;
}

/** Newest first, strictly before the cursor `(at, eventId)`. */
export async function timelinePage(prisma: PrismaClient, customerId: string, before: { at: Date; eventId: string }, limit: number): Promise<TimelineEntry[]> {
  const rows = await prisma.$queryRaw<
    { event_id: string; occurred_at: Date; source: string; kind: string; summary: string; call_id: string | null; ticket_id: string | null; details: Record<string, unknown> }[]
  >`
    with calls as (
      select call_id from timeline_calls where customer_id = ${customerId}
      union
      select call_id from timeline_calls where customer_id is null
        and calling_number in (select phone_number from customer_phone_numbers where customer_id = ${customerId})
    )
    select event_id::text, occurred_at, source, kind, summary, call_id, ticket_id, details from timeline_entries
    where (customer_id = ${customerId} or call_id in (select call_id from calls))
      and (occurred_at, event_id) < (${before.at}, ${before.eventId}::uuid)
    order by occurred_at desc, event_id desc
    limit ${limit}`;
  return rows.map((r) => ({
    eventId: r.event_id,
    occurredAt: r.occurred_at.toISOString(),
    source: r.source,
    kind: r.kind,
    summary: r.summary,
    callId: r.call_id,
    ticketId: r.ticket_id,
    details: r.details,
  }));
}

/** The record's standing in the directory: unknown, its own, or merged into a survivor; and its home site ('' national). */
export async function directoryStanding(prisma: PrismaClient, customerId: string): Promise<{ mergedInto: string | null; siteId: string } | undefined> {
  const rows = await prisma.$queryRaw<{ merged_into: string | null; site_id: string }[]>`select merged_into, site_id from customers where customer_id = ${customerId}`;
  return rows[0] === undefined ? undefined : { mergedInto: rows[0].merged_into, siteId: rows[0].site_id };
}

export interface TicketFilter {
  readonly status?: string;
  readonly department?: string;
  readonly overdue?: boolean;
  readonly customerId?: string;
  readonly limit: number;
  /** Only tickets of customers of these sites (and national ones); a ticket whose customer the directory does not know is left out. */
  readonly sites: VisibleSites;
}

export async function listTickets(prisma: PrismaClient, filter: TicketFilter, now: Date): Promise<TicketSummary[]> {
  const visible = sitesParam(filter.sites);
  const rows = await prisma.$queryRaw<
    { ticket_id: string; customer_id: string; call_id: string; category: string; department: string; status: string; opened_by: string; opened_at: Date; due_at: Date; escalation_level: number; overdue: boolean }[]
  >`
    select t.ticket_id, t.customer_id, t.call_id, t.category, t.department, t.status, t.opened_by, t.opened_at, t.due_at, t.escalation_level,
      (t.status in ('open', 'awaiting-callback') and t.due_at < ${now}) as overdue
    from complaint_tickets t left join customers c on c.customer_id = t.customer_id
    where (${filter.status ?? null}::text is null or t.status = ${filter.status ?? null})
      and (${filter.department ?? null}::text is null or t.department = ${filter.department ?? null})
      and (${filter.customerId ?? null}::text is null or t.customer_id = ${filter.customerId ?? null})
      and (${filter.overdue ?? null}::boolean is null or (t.status in ('open', 'awaiting-callback') and t.due_at < ${now}) = ${filter.overdue ?? null})
      and (${visible}::text[] is null or (c.customer_id is not null and (c.site_id = '' or c.site_id = any(${visible}::text[]))))
    order by t.due_at, t.ticket_id
    limit ${filter.limit}`;
  return rows.map(ticketSummary);
}

export function ticketSummary(r: {
  ticket_id: string;
  customer_id: string;
  call_id: string;
  category: string;
  department: string;
  status: string;
  opened_by: string;
  opened_at: Date;
  due_at: Date;
  escalation_level: number;
  overdue: boolean;
}): TicketSummary {
  return {
    ticketId: r.ticket_id,
    customerId: r.customer_id,
    callId: r.call_id || null,
    category: r.category,
    department: r.department,
    status: r.status,
    openedBy: r.opened_by,
    openedAt: r.opened_at.toISOString(),
    dueAt: r.due_at.toISOString(),
    overdue: r.overdue,
    escalationLevel: r.escalation_level,
  };
}
