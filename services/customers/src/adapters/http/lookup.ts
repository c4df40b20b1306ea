// The screen pop's API: who is calling, by the calling number (an index lookup), and their card; the desk's
// search; a customer's timeline — each only of the customers the caller's sites see (access.ts).
import { ProblemError, Type, type ServiceContext, type ServiceRoutes } from '@switchboard/service-kit';
import { cardByNumber, customerByNumber, directoryStanding, searchCustomers, timelinePage, type CustomerRow } from '../../application/customer-reads.ts';
import { READ, requireCustomerSite, visibleSites } from './access.ts';
import { Customer, CustomerId, MergedCustomer, PhoneNumber, sendMerged } from './schemas.ts';

const ByNumber = Type.Object({ number: PhoneNumber });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** A customer as the lookups answer it: the record without its stream version. */
const Found = Type.Omit(Customer, ['version']);

const Card = Type.Object({
  ...Found.properties,
  callingNumber: Type.String(),
  openComplaints: Type.Array(
    Type.Object({
      ticketId: Type.String(),
      callId: Nullable(Type.String()),
      category: Type.String(),
      department: Type.String(),
      status: Type.String(),
      openedAt: Type.String(),
      dueAt: Type.String(),
      overdue: Type.Boolean(),
      escalationLevel: Type.Integer(),
    }),
  ),
  recentCalls: Type.Array(
    Type.Object({
      callId: Type.String(),
      callingNumber: Type.String(),
      arrivedAt: Nullable(Type.String()),
      agentId: Nullable(Type.String()),
      outcome: Nullable(Type.String()),
      endedAt: Nullable(Type.String()),
      recordingUrl: Nullable(Type.String()),
    }),
  ),
  recentOrders: Type.Array(Type.Object({}, { additionalProperties: true }), { description: 'empty until the orders service publishes orders' }),
});

const TimelineEntry = Type.Object({
  eventId: Type.String(),
  occurredAt: Type.String(),
  source: Type.String(),
  kind: Type.String(),
  summary: Type.String(),
  callId: Nullable(Type.String()),
  ticketId: Nullable(Type.String()),
  details: Type.Object({}, { additionalProperties: true }),
});

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

const newCaller = () =>
  new ProblemError({
    status: 404,
    code: 'new-caller',
    title: 'New caller',
    detail: 'no customer has this number: a new caller — capture their details with POST /customers (callingNumber and callId)',
  });

function found(row: CustomerRow) {
  return {
    customerId: row.customer_id,
    name: row.name,
    kind: row.kind as 'person',
    tier: row.tier as 'normal',
    phoneNumbers: row.phone_numbers,
    region: row.region,
    segment: row.segment,
    preferredAgentId: row.preferred_agent_id || null,
    siteId: row.site_id || null,
  };
}

/** `before` is a cursor from `nextBefore`, or a time: entries strictly older are returned. */
function cursor(before: string | undefined): { at: Date; eventId: string } {
  if (before === undefined) return { at: new Date('9999-12-31T00:00:00Z'), eventId: MAX_UUID };
  const [time, eventId] = before.split('~');
  const at = new Date(time ?? '');
  if (Number.isNaN(at.getTime()) || (eventId !== undefined && !/^[0-9a-f-]{36}$/i.test(eventId))) {
    throw new ProblemError({
      status: 400,
      code: 'validation-failed',
      title: 'The request is not valid',
      detail: 'querystring/before must be a time (2026-11-24T09:00:00Z) or the nextBefore of the previous page',
      errors: [{ path: 'querystring/before', message: 'must be a time (2026-11-24T09:00:00Z) or the nextBefore of the previous page' }],
    });
  }
  return { at, eventId: eventId ?? NIL_UUID };
}

export function lookupRoutes(context: ServiceContext): ServiceRoutes {
  return async (app) => {
    app.setErrorHandler((error, request, reply) => {
      if (error instanceof MergedCustomer) return sendMerged(reply, request, error);
      throw error;
    });

    app.get(
      '/customers',
      {
        config: READ,
        schema: {
          querystring: Type.Object({ q: Type.String({ minLength: 2, maxLength: 100, description: 'the start of a name, or of a number (+86755…)' }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })) }),
          response: { 200: Type.Object({ customers: Type.Array(Found) }) },
        },
      },
      async (request) => ({ customers: (await searchCustomers(context.prisma, request.query.q, request.query.limit ?? 20, visibleSites(request))).map(found) }),
    );

    app.get('/customers/by-number/:number', { config: READ, schema: { params: ByNumber, response: { 200: Found } } }, async (request) => {
      const row = await customerByNumber(context.sql, request.params.number);
      if (row === undefined) throw newCaller();
      requireCustomerSite(request, row.site_id);
      return found(row);
    });

    app.get('/customers/by-number/:number/card', { config: READ, schema: { params: ByNumber, response: { 200: Card } } }, async (request) => {
      const card = await cardByNumber(context.sql, request.params.number, new Date());
      if (card === undefined) throw newCaller();
      requireCustomerSite(request, card.customer.site_id);
      return {
        ...found(card.customer),
        callingNumber: request.params.number,
        openComplaints: card.customer.open_complaints,
        recentCalls: card.calls,
        recentOrders: [],
      };
    });

    app.get(
      '/customers/:customerId/timeline',
      {
        config: READ,
        schema: {
          params: CustomerId,
          querystring: Type.Object({ before: Type.Optional(Type.String({ maxLength: 80 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) }),
          response: { 200: Type.Object({ customerId: Type.String(), entries: Type.Array(TimelineEntry), nextBefore: Nullable(Type.String()) }) },
        },
      },
      async (request) => {
        const { customerId } = request.params;
        const standing = await directoryStanding(context.prisma, customerId);
        if (standing === undefined) throw new ProblemError({ status: 404, code: 'customer-not-found', title: 'Customer not found', detail: 'no customer has this id' });
        requireCustomerSite(request, standing.siteId);
        if (standing.mergedInto !== null) throw new MergedCustomer(customerId, standing.mergedInto);
        const limit = request.query.limit ?? 50;
        const entries = await timelinePage(context.prisma, customerId, cursor(request.query.before), limit);
        const last = entries.at(-1);
        return { customerId, entries, nextBefore: entries.length === limit && last ? `${last.occurredAt}~${last.eventId}` : null };
      },
    );
  };
}
