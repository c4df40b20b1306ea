// HTTP API of complaint tickets: open during a call, move between departments, notes, the result, the
// call-back that tells the customer, close; lists and filters; a ticket with its whole history. A ticket is seen
// and handled by whoever may see its customer (access.ts); who did it is the signed-in person.
import { randomUUID } from 'node:crypto';
import { ComplaintCallbackOutcome, eventRegistry, eventTypeInfo } from '@switchboard/contracts';
import { toJson } from '@bufbuild/protobuf';
import { ProblemError, Type, type ServiceContext, type ServiceRoutes } from '@switchboard/service-kit';
import type { ComplaintCommand, ComplaintRejection } from '../../domain/complaint/commands.ts';
import { departmentsOf, type ComplaintPolicy } from '../../domain/complaint/policy.ts';
import type { ComplaintDesk } from '../../application/complaint-desk.ts';
import type { CustomerRecords } from '../../application/customer-records.ts';
import { listTickets, ticketSummary } from '../../application/customer-reads.ts';
import { actorOf, READ, requireCustomerSite, visibleSites } from './access.ts';
import { MergedCustomer, PersonId, sendMerged } from './schemas.ts';

type Request = Parameters<typeof actorOf>[0];

const TicketId = Type.Object({ ticketId: Type.String({ format: 'uuid' }) });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Status = Type.Enum(['open', 'awaiting-callback', 'customer-informed', 'closed']);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const TicketSummary = Type.Object({
  ticketId: Type.String(),
  customerId: Type.String(),
  callId: Nullable(Type.String()),
  category: Type.String(),
  department: Type.String(),
  status: Type.String({ description: 'open, awaiting-callback, customer-informed or closed' }),
  openedBy: Type.String(),
  openedAt: Type.String(),
  dueAt: Type.String(),
  overdue: Type.Boolean(),
  escalationLevel: Type.Integer(),
});
const TicketWithHistory = Type.Object({
  ...TicketSummary.properties,
  description: Type.String(),
  history: Type.Array(Type.Object({ type: Type.String(), at: Type.String(), version: Type.Integer(), data: Type.Object({}, { additionalProperties: true }) })),
});

function rejection(rejected: ComplaintRejection): never {
  const status = { 'not-found': 404, 'already-opened': 409, invalid: 422, loop: 409 }[rejected.code];
  const code = rejected.code === 'loop' ? 'complaint-loop-not-closed' : `complaint-${rejected.code}`;
  throw new ProblemError({ status, code, title: 'Complaint ticket change refused', detail: rejected.message });
}

export function complaintRoutes(context: ServiceContext, desk: ComplaintDesk, records: CustomerRecords, policy: ComplaintPolicy): ServiceRoutes {
  const categories = Object.keys(policy);
  const Department = Type.String({ enum: [...departmentsOf(policy)], description: 'one of the departments of GET /complaint-categories' });

  async function ticketView(ticketId: string) {
    const { events } = await desk.history(ticketId);
    const rows = await context.prisma.$queryRaw<(Parameters<typeof ticketSummary>[0] & { description: string })[]>`
      select ticket_id, customer_id, call_id, category, description, department, status, opened_by, opened_at, due_at, escalation_level,
        (status in ('open', 'awaiting-callback') and due_at < ${new Date()}) as overdue
      from complaint_tickets where ticket_id = ${ticketId}`;
    const row = rows[0];
    if (row === undefined || events.length === 0) throw new ProblemError({ status: 404, code: 'complaint-not-found', title: 'Complaint ticket not found', detail: 'no complaint ticket has this id' });
    return {
      ...ticketSummary(row),
      description: row.description,
      history: events.map((e) => {
        const info = eventTypeInfo(e.event.typeName);
        const data = info ? (toJson(info.schema, e.event.message as never, { registry: eventRegistry }) as Record<string, unknown>) : {};
        return { type: e.event.type, at: e.occurredAt.toISOString(), version: e.version, data };
      }),
    };
  }

  /** 403 unless the caller may see the ticket's customer (the survivor, once merged); an unknown ticket is left to answer 404. */
  async function requireTicketSite(request: Request, ticketId: string): Promise<void> {
    const { state } = await desk.history(ticketId);
    if (state.status === 'none') return;
    await requireCustomerOf(request, state.customerId);
  }

  async function requireCustomerOf(request: Request, customerId: string): Promise<void> {
    const site = await records.homeSite(customerId);
    if (site !== undefined) return requireCustomerSite(request, site);
    // A ticket opens only for a known customer; should its record be missing, only those who see every site see the ticket.
    if (visibleSites(request) !== null) {
      throw new ProblemError({ status: 403, code: 'site-not-allowed', title: 'Not one of your sites', detail: `customer ${customerId} is not known here, so neither is the site that looks after them` });
    }
  }

  const act = async (ticketId: string, command: ComplaintCommand) => {
    const result = await desk.execute(ticketId, command);
    if (!result.ok) return rejection(result.rejected);
    return ticketView(ticketId);
  };

  return async (app) => {
    app.setErrorHandler((error, request, reply) => {
      if (error instanceof MergedCustomer) return sendMerged(reply, request, error);
      throw error;
    });

    app.get('/complaint-categories', { config: READ }, async () => ({
      categories: Object.entries(policy).map(([category, rule]) => ({ category, department: rule.department, slaSeconds: rule.slaSeconds })),
      departments: departmentsOf(policy),
    }));

    app.post(
      '/complaints',
      {
        schema: {
          body: Type.Object(
            {
              customerId: Type.String({ format: 'uuid' }),
              callId: Type.Optional(Text(100)),
              category: Type.String({ enum: categories, description: 'one of GET /complaint-categories' }),
              description: Text(4000),
              department: Type.Optional(Department),
              openedBy: Type.Optional(PersonId),
            },
            { additionalProperties: false },
          ),
          response: { 201: TicketWithHistory },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const customer = (await records.load(body.customerId)).state;
        if (customer.status === 'unknown') throw new ProblemError({ status: 422, code: 'customer-not-found', title: 'Complaint ticket change refused', detail: `no customer ${body.customerId}: register the caller first` });
        requireCustomerSite(request, customer.siteId);
        if (customer.status === 'merged') throw new MergedCustomer(customer.customerId, customer.survivorId);
        const rule = policy[body.category];
        if (rule === undefined) throw new Error(`category ${body.category} passed the schema but has no rule`);
        const ticketId = randomUUID();
        const view = await act(ticketId, {
          type: 'OpenComplaint',
          ticketId,
          customerId: body.customerId,
          callId: body.callId ?? '',
          category: body.category,
          description: body.description,
          department: body.department ?? rule.department,
          slaSeconds: rule.slaSeconds,
          by: actorOf(request, body.openedBy),
          at: Date.now(),
        });
        return reply.code(201).header('location', `/complaints/${ticketId}`).send(view);
      },
    );

    app.get(
      '/complaints',
      {
        config: READ,
        schema: {
          querystring: Type.Object({
            status: Type.Optional(Status),
            department: Type.Optional(Type.String({ maxLength: 100 })),
            overdue: Type.Optional(Type.Boolean()),
            customerId: Type.Optional(Type.String({ format: 'uuid' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          }),
          response: { 200: Type.Object({ tickets: Type.Array(TicketSummary) }) },
        },
      },
      async (request) => {
        const q = request.query;
        if (q.customerId !== undefined) await requireCustomerOf(request, q.customerId);
        const tickets = await listTickets(
          context.prisma,
          {
            limit: q.limit ?? 100,
            sites: visibleSites(request),
            ...(q.status !== undefined ? { status: q.status } : {}),
            ...(q.department !== undefined ? { department: q.department } : {}),
            ...(q.overdue !== undefined ? { overdue: q.overdue } : {}),
            ...(q.customerId !== undefined ? { customerId: q.customerId } : {}),
          },
          new Date(),
        );
        return { tickets };
      },
    );

    app.get('/complaints/:ticketId', { config: READ, schema: { params: TicketId, response: { 200: TicketWithHistory } } }, async (request) => {
      await requireTicketSite(request, request.params.ticketId);
      return ticketView(request.params.ticketId);
    });

    app.post(
      '/complaints/:ticketId/reassign',
      {
        schema: {
          params: TicketId,
          // The due time stays the one the ticket was opened with: a move between desks does not buy the customer a new wait.
          body: Type.Object({ department: Department, reason: Text(1000), by: Type.Optional(PersonId) }, { additionalProperties: false }),
          response: { 200: TicketWithHistory },
        },
      },
      async (request) => {
        await requireTicketSite(request, request.params.ticketId);
        return act(request.params.ticketId, { type: 'ReassignComplaint', department: request.body.department, reason: request.body.reason, by: actorOf(request, request.body.by), at: Date.now() });
      },
    );

    app.post(
      '/complaints/:ticketId/notes',
      { schema: { params: TicketId, body: Type.Object({ text: Text(4000), by: Type.Optional(PersonId) }, { additionalProperties: false }), response: { 200: TicketWithHistory } } },
      async (request) => {
        await requireTicketSite(request, request.params.ticketId);
        return act(request.params.ticketId, { type: 'AddNote', text: request.body.text, by: actorOf(request, request.body.by), at: Date.now() });
      },
    );

    app.post(
      '/complaints/:ticketId/result',
      { schema: { params: TicketId, body: Type.Object({ result: Text(4000), by: Type.Optional(PersonId) }, { additionalProperties: false }), response: { 200: TicketWithHistory } } },
      async (request) => {
        await requireTicketSite(request, request.params.ticketId);
        return act(request.params.ticketId, { type: 'RecordResult', result: request.body.result, by: actorOf(request, request.body.by), at: Date.now() });
      },
    );

    app.post(
      '/complaints/:ticketId/callbacks',
      {
        schema: {
          params: TicketId,
          body: Type.Object(
            {
              outcome: Type.Enum(['customer-informed', 'not-reached']),
              note: Type.Optional(Type.String({ maxLength: 4000 })),
              callId: Type.Optional(Text(100)),
              by: Type.Optional(PersonId),
            },
            { additionalProperties: false },
          ),
          response: { 200: TicketWithHistory },
        },
      },
      async (request) => {
        const b = request.body;
        await requireTicketSite(request, request.params.ticketId);
        const outcome = b.outcome === 'customer-informed' ? ComplaintCallbackOutcome.CUSTOMER_INFORMED : ComplaintCallbackOutcome.NOT_REACHED;
        return act(request.params.ticketId, { type: 'RecordCallback', outcome, note: b.note ?? '', callId: b.callId ?? '', by: actorOf(request, b.by), at: Date.now() });
      },
    );

    app.post(
      '/complaints/:ticketId/close',
      { schema: { params: TicketId, body: Type.Object({ by: Type.Optional(PersonId) }, { additionalProperties: false }), response: { 200: TicketWithHistory } } },
      async (request) => {
        await requireTicketSite(request, request.params.ticketId);
        return act(request.params.ticketId, { type: 'CloseComplaint', by: actorOf(request, request.body.by), at: Date.now() });
      },
    );
  };
}

