// The screen pop on the desk: the caller's card from the customers service, asked with the agent's own
// token (so customers applies its role checks), and the capture of a new caller during the call.
import { ProblemError, Type, type ServiceRoutes } from '@switchboard/service-kit';
import type { ServiceClient } from '../services/service-client.ts';
import { tokenOf } from './session.ts';

const Number = Type.String({ pattern: '^\\+[1-9][0-9]{4,14}$', description: "the caller's number in E.164, e.g. +8613800000001" });

export function customerCardRoutes(customers: ServiceClient): ServiceRoutes {
  const deskPeople = { allow: ['agent', 'supervisor'] } as const;
  return async (app) => {
    app.get('/desk/api/customer-card', { config: deskPeople, schema: { querystring: Type.Object({ number: Number }, { additionalProperties: false }) } }, async (request) => {
      try {
        const card = await customers<Record<string, unknown>>({ method: 'GET', path: `/customers/by-number/${encodeURIComponent(request.query.number)}/card`, token: tokenOf(request) });
        return { found: true, card };
      } catch (error) {
        // A stranger: the desk offers to capture them.
        if (error instanceof ProblemError && error.status === 404) return { found: false, callingNumber: request.query.number };
        throw error;
      }
    });

    app.post(
      '/desk/api/customers',
      {
        config: deskPeople,
        schema: {
          body: Type.Object(
            { name: Type.String({ minLength: 1, maxLength: 200 }), callingNumber: Number, callId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const created = await customers<Record<string, unknown>>({ method: 'POST', path: '/customers', body: { name: request.body.name, callingNumber: request.body.callingNumber, ...(request.body.callId ? { callId: request.body.callId } : {}) }, token: tokenOf(request) });
        reply.code(201);
        return created;
      },
    );
  };
}
