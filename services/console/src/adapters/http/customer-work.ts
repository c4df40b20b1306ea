// The desk's customer work beyond the screen pop: complaint tickets (open one during a call, the ticket list, a ticket
// with its history, notes, a move to another department with its reason, the department's result, the call-back that
// tells the customer, close) and the customer search. Every route passes the person's own token to the customers
// service, so customers applies its role and site checks (docs/roles.md) and its refusals (a close before the
// customer was told: 409) come back with its message.
import type { Sql } from '@switchboard/event-store';
import { principalOf, ProblemDetailsSchema, ProblemError, Type, type AccessTokens, type ServiceRoutes } from '@switchboard/service-kit';
import type { FastifyRequest } from 'fastify';
import type { ServiceClient } from '../services/service-client.ts';
import { callerOnMyDesk } from './customer-card.ts';
import { tokenOf } from './session.ts';

const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });
const TicketParams = Type.Object({ ticketId: Type.String({ format: 'uuid', description: 'the ticket id the list gave' }) });
const CallId = Type.String({ minLength: 1, maxLength: 100, description: 'the call on the desk' });
const OpenBody = Type.Object(
  {
    customerId: Type.String({ format: 'uuid', description: "the customer on the card (a new caller's card is saved first)" }),
    callId: Type.Optional(CallId),
    category: Type.String({ pattern: '^[a-z][a-z0-9-]{0,49}$', description: 'one of GET /desk/api/complaint-categories' }),
    description: Text(4000, 'what the customer complains about'),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('awaiting-callback'), Type.Literal('customer-informed'), Type.Literal('closed')])),
    overdue: Type.Optional(Type.Boolean({ description: 'true: only tickets past their due time with the customer still waiting' })),
    customerId: Type.Optional(Type.String({ format: 'uuid' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
const SearchQuery = Type.Object(
  { q: Type.String({ minLength: 2, maxLength: 100, description: 'the start of a name, or of a number (+86755…)' }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })) },
  { additionalProperties: false },
);
const NoteBody = Type.Object({ text: Text(4000) }, { additionalProperties: false });
const ReassignBody = Type.Object(
  {
    department: Type.String({ pattern: '^[a-z][a-z0-9-]{0,49}$', description: 'one of the departments of GET /desk/api/complaint-categories' }),
    reason: Text(1000, 'why the ticket moves: kept in its history'),
  },
  { additionalProperties: false },
);
const ResultBody = Type.Object({ result: Text(4000, "the department's answer to the complaint") }, { additionalProperties: false });
const CallbackBody = Type.Object(
  {
    outcome: Type.Union([Type.Literal('customer-informed'), Type.Literal('not-reached')]),
    note: Type.Optional(Type.String({ maxLength: 4000 })),
    callId: Type.Optional(CallId),
  },
  { additionalProperties: false },
);
const CloseBody = Type.Object({}, { additionalProperties: false });
/** What the customers service answered (a ticket with its history, a list), passed through. */
const Passed = Type.Record(Type.String(), Type.Unknown());
const problems = { 400: ProblemDetailsSchema, 401: ProblemDetailsSchema, 403: ProblemDetailsSchema, 404: ProblemDetailsSchema, 409: ProblemDetailsSchema, 410: ProblemDetailsSchema, 422: ProblemDetailsSchema, 502: ProblemDetailsSchema, 503: ProblemDetailsSchema };

interface TicketSummary extends Record<string, unknown> {
  customerId: string;
}

const query = (params: Record<string, string | number | boolean | undefined>): string => {
  const pairs = Object.entries(params).filter((p): p is [string, string | number | boolean] => p[1] !== undefined);
  return pairs.length === 0 ? '' : `?${new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
};

export function customerWorkRoutes(customers: ServiceClient, sql: Sql, consoleToken: () => Promise<string>): ServiceRoutes {
  const deskPeople = { allow: ['agent', 'supervisor'] } as const;
  const asPerson = <T = Record<string, unknown>>(request: FastifyRequest, method: 'GET' | 'POST', path: string, body?: unknown) =>
    customers<T>({ method, path, token: tokenOf(request), ...(body === undefined ? {} : { body }) });
  const ticketPath = (ticketId: string) => `/complaints/${encodeURIComponent(ticketId)}`;

  /** The list names each ticket's customer: one read per customer on the page (one the person may not open keeps its id only). */
  async function withNames(request: FastifyRequest, tickets: TicketSummary[]): Promise<Record<string, unknown>[]> {
    const ids = [...new Set(tickets.map((t) => t.customerId))];
    const names = new Map<string, string>();
    await Promise.all(
      ids.map(async (id) => {
        const record = await asPerson<{ name?: unknown }>(request, 'GET', `/customers/${encodeURIComponent(id)}`).catch((error: unknown) => {
          if (error instanceof ProblemError && error.status < 500) return undefined;
          throw error;
        });
        if (typeof record?.name === 'string') names.set(id, record.name);
      }),
    );
    return tickets.map((t) => ({ ...t, customerName: names.get(t.customerId) ?? null }));
  }

  return async (app) => {
    app.get('/desk/api/complaint-categories', { config: deskPeople, schema: { response: { 200: Passed, ...problems } } }, async (request) => asPerson(request, 'GET', '/complaint-categories'));

    app.post('/desk/api/complaints', { config: deskPeople, schema: { body: OpenBody, response: { 201: Passed, ...problems } } }, async (request, reply) => {
      reply.code(201);
      // The caller on the agent's own desk may be another site's customer (an overflowed call): their complaint is
      // opened with the console's token, in the agent's name, once the console has checked the call and the caller.
      const callerNumber = request.body.callId === undefined ? undefined : await callerOnMyDesk(sql, request, request.body.callId);
      if (callerNumber !== undefined) {
        const service = await consoleToken();
        const caller = await customers<{ customerId?: string }>({ method: 'GET', path: `/customers/by-number/${encodeURIComponent(callerNumber)}`, token: service }).catch(() => undefined);
        if (caller?.customerId === request.body.customerId) {
          const p = principalOf(request);
          return customers({ method: 'POST', path: '/complaints', token: service, body: { ...request.body, openedBy: p.kind === 'person' ? p.personId : p.service } });
        }
      }
      return asPerson(request, 'POST', '/complaints', request.body);
    });

    app.get('/desk/api/complaints', { config: deskPeople, schema: { querystring: ListQuery, response: { 200: Passed, ...problems } } }, async (request) => {
      const q = request.query;
      const list = await asPerson<{ tickets: TicketSummary[] }>(request, 'GET', `/complaints${query({ status: q.status, overdue: q.overdue, customerId: q.customerId, limit: q.limit ?? 50 })}`);
      return { tickets: await withNames(request, list.tickets) };
    });

    app.get('/desk/api/complaints/:ticketId', { config: deskPeople, schema: { params: TicketParams, response: { 200: Passed, ...problems } } }, async (request) => {
      const ticket = await asPerson<TicketSummary>(request, 'GET', ticketPath(request.params.ticketId));
      const [named] = await withNames(request, [ticket]);
      return named!;
    });

    app.post('/desk/api/complaints/:ticketId/notes', { config: deskPeople, schema: { params: TicketParams, body: NoteBody, response: { 200: Passed, ...problems } } }, async (request) =>
      asPerson(request, 'POST', `${ticketPath(request.params.ticketId)}/notes`, request.body),
    );

    app.post('/desk/api/complaints/:ticketId/reassign', { config: deskPeople, schema: { params: TicketParams, body: ReassignBody, response: { 200: Passed, ...problems } } }, async (request) =>
      asPerson(request, 'POST', `${ticketPath(request.params.ticketId)}/reassign`, request.body),
    );

    app.post('/desk/api/complaints/:ticketId/result', { config: deskPeople, schema: { params: TicketParams, body: ResultBody, response: { 200: Passed, ...problems } } }, async (request) =>
      asPerson(request, 'POST', `${ticketPath(request.params.ticketId)}/result`, request.body),
    );

    app.post('/desk/api/complaints/:ticketId/callbacks', { config: deskPeople, schema: { params: TicketParams, body: CallbackBody, response: { 200: Passed, ...problems } } }, async (request) =>
      asPerson(request, 'POST', `${ticketPath(request.params.ticketId)}/callbacks`, request.body),
    );

    app.post('/desk/api/complaints/:ticketId/close', { config: deskPeople, schema: { params: TicketParams, body: CloseBody, response: { 200: Passed, ...problems } } }, async (request) =>
      asPerson(request, 'POST', `${ticketPath(request.params.ticketId)}/close`, {}),
    );

    app.get('/desk/api/customers', { config: deskPeople, schema: { querystring: SearchQuery, response: { 200: Passed, ...problems } } }, async (request) =>
      asPerson(request, 'GET', `/customers${query({ q: request.query.q, limit: request.query.limit ?? 20 })}`),
    );
  };
}
