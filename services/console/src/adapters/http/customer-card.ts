// The screen pop on the desk: the caller's card from the customers service, and the capture of a new caller
// during the call. The card is asked with the agent's own token (customers applies its role and site checks),
// except for the caller of the call on the agent's desk: a call overflowed from another site shows its caller's
// card too, so that one is asked with the console's service token once the console has checked the call.
import type { Sql } from '@switchboard/event-store';
import { principalOf, Type, type ServiceRoutes } from '@switchboard/service-kit';
import type { FastifyRequest } from 'fastify';
import { deskCall } from '../../application/desk-feed.ts';
import { cardOf } from '../../application/screen-pop.ts';
import type { ServiceClient } from '../services/service-client.ts';
import { tokenOf } from './session.ts';

const Number = Type.String({ pattern: '^\\+[1-9][0-9]{4,14}$', description: "the caller's number in E.164, e.g. +8613800000001" });

/** The caller's number of `callId` when that call is on the asking agent's own desk; undefined otherwise. */
export async function callerOnMyDesk(sql: Sql, request: FastifyRequest, callId: string): Promise<string | undefined> {
  const p = principalOf(request);
  if (p.kind !== 'person' || p.agentId === undefined) return undefined;
  const call = await deskCall(sql, callId);
  return call !== undefined && call.agent_id === p.agentId && call.calling_number !== '' ? call.calling_number : undefined;
}

export function customerCardRoutes(customers: ServiceClient, sql: Sql, consoleToken: () => Promise<string>): ServiceRoutes {
  const deskPeople = { allow: ['agent', 'supervisor'] } as const;
  /** The console's own token when `number` is the caller of `callId` and that call is on the asking agent's desk. */
  async function tokenFor(request: FastifyRequest, number: string, callId: string | undefined): Promise<string> {
    if (callId === undefined || (await callerOnMyDesk(sql, request, callId)) !== number) return tokenOf(request);
    return consoleToken();
  }
  return async (app) => {
    const CardQuery = Type.Object({ number: Number, callId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'the call on your desk this caller is on' })) }, { additionalProperties: false });
    app.get('/desk/api/customer-card', { config: deskPeople, schema: { querystring: CardQuery } }, async (request) => {
      // A stranger is found: false, and the desk offers to capture them.
      return cardOf(customers, request.query.number, await tokenFor(request, request.query.number, request.query.callId));
    });

    app.post(
      '/desk/api/customers',
      {
        config: deskPeople,
        schema: {
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 200 }),
              callingNumber: Number,
              callId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
              siteId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$', description: 'the site whose agents look after the new customer: the desk sends the one it works at' })),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const created = await customers<Record<string, unknown>>({ method: 'POST', path: '/customers', body: { name: request.body.name, callingNumber: request.body.callingNumber, ...(request.body.callId ? { callId: request.body.callId } : {}), ...(request.body.siteId ? { siteId: request.body.siteId } : {}) }, token: tokenOf(request) });
        reply.code(201);
        return created;
      },
    );
  };
}
