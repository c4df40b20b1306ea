// HTTP API of customer records: register (or capture a caller during a call), read, change, numbers, merge, link a call;
// each record only for callers who may see its home site (access.ts).
import { randomUUID } from 'node:crypto';
import { ProblemError, Type, type ServiceRoutes } from '@switchboard/service-kit';
import type { CustomerCommand } from '../../domain/customer/commands.ts';
import { kinds, tiers } from '../../domain/customer/names.ts';
import type { CustomerRecords } from '../../application/customer-records.ts';
import { actorOf, mayOpenCustomerOf, READ, requireCustomerSite, requireSiteMove, siteOfNewCustomer } from './access.ts';
import { Customer, CustomerId, customerRejection, customerView, Kind, MergedCustomer, PersonId, PhoneNumber, sendMerged, SiteId, Tier } from './schemas.ts';

type Request = Parameters<typeof actorOf>[0];

export function customerRoutes(records: CustomerRecords): ServiceRoutes {
  const run = async (request: Request, customerId: string, command: CustomerCommand) => {
    const result = await records.execute(customerId, command);
    if (!result.ok) return customerRejection(result.rejected, mayOpenCustomerOf(request));
    return customerView(result.state, result.version);
  };
  /** The record as its events leave it, once the caller may see it: 403 for another site's customer (a merged one's too, before its 410). */
  const visible = async (request: Request, customerId: string) => {
    const loaded = await records.load(customerId);
    if (loaded.state.status !== 'unknown') requireCustomerSite(request, loaded.state.siteId);
    return loaded;
  };

  return async (app) => {
    app.setErrorHandler((error, request, reply) => {
      if (error instanceof MergedCustomer) return sendMerged(reply, request, error);
      throw error;
    });

    app.post(
      '/customers',
      {
        schema: {
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 200 }),
              kind: Type.Optional(Kind),
              tier: Type.Optional(Tier),
              phoneNumbers: Type.Optional(Type.Array(PhoneNumber, { maxItems: 20 })),
              region: Type.Optional(Type.String({ maxLength: 20 })),
              segment: Type.Optional(Type.String({ maxLength: 50 })),
              preferredAgentId: Type.Optional(Type.String({ maxLength: 100 })),
              // One of the caller's sites; by default a person's only site (services and headquarters: national).
              siteId: Type.Optional(SiteId),
              // Capture during a call: the number the caller called from, and the call to link.
              callingNumber: Type.Optional(PhoneNumber),
              callId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
              capturedBy: Type.Optional(PersonId),
            },
            { additionalProperties: false },
          ),
          response: { 201: Customer },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const phoneNumbers = [...(body.callingNumber ? [body.callingNumber] : []), ...(body.phoneNumbers ?? [])];
        if (phoneNumbers.length === 0) {
          throw new ProblemError({
            status: 400,
            code: 'validation-failed',
            title: 'The request is not valid',
            detail: 'body/phoneNumbers a customer needs at least one phone number (or the callingNumber of the call)',
            errors: [{ path: 'body/phoneNumbers', message: 'a customer needs at least one phone number (or the callingNumber of the call)' }],
          });
        }
        const siteId = siteOfNewCustomer(request, body.siteId);
        const customerId = randomUUID();
        const customer = await run(request, customerId, {
          type: 'RegisterCustomer',
          customerId,
          name: body.name,
          kind: kinds[body.kind ?? 'person'],
          tier: tiers[body.tier ?? 'normal'],
          phoneNumbers,
          region: body.region ?? '',
          segment: body.segment ?? '',
          preferredAgentId: body.preferredAgentId ?? '',
          siteId,
          ...(body.callId ? { capturedOnCall: { callId: body.callId, callingNumber: body.callingNumber ?? '', by: actorOf(request, body.capturedBy) } } : {}),
        });
        return reply.code(201).header('location', `/customers/${customerId}`).send(customer);
      },
    );

    app.get('/customers/:customerId', { config: READ, schema: { params: CustomerId, response: { 200: Customer } } }, async (request) => {
      const { state, version } = await visible(request, request.params.customerId);
      return customerView(state, version);
    });

    app.patch(
      '/customers/:customerId',
      {
        schema: {
          params: CustomerId,
          body: Type.Object(
            {
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
              kind: Type.Optional(Kind),
              tier: Type.Optional(Tier),
              segment: Type.Optional(Type.String({ maxLength: 50 })),
              region: Type.Optional(Type.String({ maxLength: 20 })),
              preferredAgentId: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
              // Another site looks after the customer (supervisors and admins, to one of their sites); null: national (headquarters).
              siteId: Type.Optional(Type.Union([SiteId, Type.Null()])),
            },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: Customer },
        },
      },
      async (request) => {
        const id = request.params.customerId;
        const { name, kind, tier, segment, region, preferredAgentId, siteId } = request.body;
        const current = (await visible(request, id)).state;
        let view = customerView(current, 0);
        if (siteId !== undefined && current.status === 'registered') requireSiteMove(request, current.siteId, siteId ?? '');
        if (name !== undefined || kind !== undefined || segment !== undefined || region !== undefined || siteId !== undefined) {
          view = await run(request, id, {
            type: 'ChangeProfile',
            ...(name !== undefined ? { name } : {}),
            ...(kind !== undefined ? { kind: kinds[kind] } : {}),
            ...(segment !== undefined ? { segment } : {}),
            ...(region !== undefined ? { region } : {}),
            ...(siteId !== undefined ? { siteId: siteId ?? '' } : {}),
          });
        }
        if (tier !== undefined) view = await run(request, id, { type: 'ChangeTier', tier: tiers[tier] });
        if (preferredAgentId !== undefined) view = await run(request, id, { type: 'ChangePreferredAgent', agentId: preferredAgentId ?? '' });
        const { state, version } = await records.load(id);
        return view.version === version ? view : customerView(state, version);
      },
    );

    app.put(
      '/customers/:customerId/tier',
      { schema: { params: CustomerId, body: Type.Object({ tier: Tier }, { additionalProperties: false }), response: { 200: Customer } } },
      async (request) => {
        await visible(request, request.params.customerId);
        return run(request, request.params.customerId, { type: 'ChangeTier', tier: tiers[request.body.tier] });
      },
    );

    app.post(
      '/customers/:customerId/phone-numbers',
      { schema: { params: CustomerId, body: Type.Object({ phoneNumber: PhoneNumber }, { additionalProperties: false }), response: { 200: Customer } } },
      async (request) => {
        await visible(request, request.params.customerId);
        return run(request, request.params.customerId, { type: 'AddPhoneNumber', phoneNumber: request.body.phoneNumber });
      },
    );

    app.delete(
      '/customers/:customerId/phone-numbers/:phoneNumber',
      { schema: { params: Type.Object({ customerId: Type.String({ format: 'uuid' }), phoneNumber: PhoneNumber }), response: { 200: Customer } } },
      async (request) => {
        await visible(request, request.params.customerId);
        return run(request, request.params.customerId, { type: 'RemovePhoneNumber', phoneNumber: request.params.phoneNumber });
      },
    );

    app.post(
      '/customers/:customerId/calls',
      {
        schema: {
          params: CustomerId,
          body: Type.Object({ callId: Type.String({ minLength: 1, maxLength: 100 }), callingNumber: Type.Optional(PhoneNumber), linkedBy: Type.Optional(PersonId) }, { additionalProperties: false }),
          response: { 200: Customer },
        },
      },
      async (request) => {
        await visible(request, request.params.customerId);
        return run(request, request.params.customerId, { type: 'LinkCall', callId: request.body.callId, callingNumber: request.body.callingNumber ?? '', by: actorOf(request, request.body.linkedBy) });
      },
    );

    app.post(
      '/customers/:customerId/merge',
      {
        schema: {
          params: CustomerId,
          body: Type.Object({ from: Type.String({ format: 'uuid', description: 'the duplicate record, merged into this one' }), mergedBy: Type.Optional(PersonId) }, { additionalProperties: false }),
          response: { 200: Customer },
        },
      },
      async (request) => {
        const survivorId = request.params.customerId;
        const { from, mergedBy } = request.body;
        if (from === survivorId) throw new ProblemError({ status: 409, code: 'customer-conflict', title: 'Customer change refused', detail: 'a customer cannot be merged into itself' });
        // The survivor must stand on its own before the duplicate is pointed at it; the caller must see both.
        customerView((await visible(request, survivorId)).state, 0);
        await visible(request, from);
        const merged = await records.execute(from, { type: 'MergeInto', survivorId, by: actorOf(request, mergedBy) });
        if (!merged.ok) {
          if (merged.rejected.code === 'not-found') throw new ProblemError({ status: 404, code: 'customer-not-found', title: 'Customer not found', detail: `no customer ${from} to merge` });
          if (merged.rejected.code === 'merged') {
            throw new ProblemError({ status: 409, code: 'customer-already-merged', title: 'Customer change refused', detail: `customer ${from} was already merged into customer ${merged.rejected.survivorId}` });
          }
          return customerRejection(merged.rejected, mayOpenCustomerOf(request));
        }
        const handedOver = merged.events.flatMap((e) => (e.$typeName === 'switchboard.customers.v1.CustomerMerged' ? e.phoneNumbers : []));
        return run(request, survivorId, { type: 'TakeOverNumbers', phoneNumbers: handedOver });
      },
    );
  };
}

