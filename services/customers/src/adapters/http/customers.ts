// HTTP API of customer records: register, read, change the tier, add a number.
import { randomUUID } from 'node:crypto';
import { CustomerKind, CustomerTier } from '@switchboard/contracts';
import { handleCommand } from '@switchboard/event-store';
import { ProblemError, Type, type ServiceContext, type ServiceRoutes } from '@switchboard/service-kit';
import type { CustomerCommand, CustomerRejection } from '../../domain/customer/commands.ts';
import { customerDecider } from '../../domain/customer/decide.ts';
import type { CustomerState } from '../../domain/customer/state.ts';

const tiers = { platinum: CustomerTier.PLATINUM, gold: CustomerTier.GOLD, normal: CustomerTier.NORMAL } as const;
const kinds = { person: CustomerKind.PERSON, company: CustomerKind.COMPANY, 'key-account': CustomerKind.KEY_ACCOUNT } as const;
const nameOf = <K extends string>(table: Record<K, number>, value: number) => (Object.keys(table) as K[]).find((k) => table[k] === value);

const PhoneNumber = Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164, like +8613812345678' });
const Tier = Type.Union([Type.Literal('platinum'), Type.Literal('gold'), Type.Literal('normal')]);
const Customer = Type.Object({
  customerId: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  tier: Tier,
  phoneNumbers: Type.Array(Type.String()),
  region: Type.String(),
  segment: Type.String(),
  version: Type.Integer(),
});
const CustomerId = Type.Object({ customerId: Type.String({ format: 'uuid' }) });

const streamOf = (customerId: string) => `customer-${customerId}`;

function view(state: CustomerState, version: number) {
  if (state.status !== 'registered') throw new ProblemError({ status: 404, code: 'customer-not-found', title: 'Customer not found', detail: 'no customer has this id' });
  return {
    customerId: state.customerId,
    name: state.name,
    kind: nameOf(kinds, state.kind) ?? 'person',
    tier: nameOf(tiers, state.tier) ?? 'normal',
    phoneNumbers: [...state.phoneNumbers],
    region: state.region,
    segment: state.segment,
    version,
  };
}

function rejection(rejected: CustomerRejection): never {
  const status = { 'already-registered': 409, 'not-found': 404, invalid: 422, conflict: 409, merged: 410 }[rejected.code];
  throw new ProblemError({ status, code: `customer-${rejected.code}`, title: 'Customer change refused', detail: rejected.message });
}

export function customerRoutes(context: ServiceContext): ServiceRoutes {
  const run = async (customerId: string, command: CustomerCommand) => {
    const result = await handleCommand(context.store, customerDecider, streamOf(customerId), command, context.commandOptions());
    if (!result.ok) return rejection(result.rejected);
    return view(result.state, result.version);
  };

  return async (app) => {
    app.post(
      '/customers',
      {
        schema: {
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 200 }),
              kind: Type.Optional(Type.Union([Type.Literal('person'), Type.Literal('company'), Type.Literal('key-account')])),
              tier: Type.Optional(Tier),
              phoneNumbers: Type.Array(PhoneNumber, { minItems: 1, maxItems: 20 }),
              region: Type.Optional(Type.String({ maxLength: 20 })),
              segment: Type.Optional(Type.String({ maxLength: 50 })),
            },
            { additionalProperties: false },
          ),
          response: { 201: Customer },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const customerId = randomUUID();
        const customer = await run(customerId, {
          type: 'RegisterCustomer',
          customerId,
          name: body.name,
          kind: kinds[body.kind ?? 'person'],
          tier: tiers[body.tier ?? 'normal'],
          phoneNumbers: body.phoneNumbers,
          region: body.region ?? '',
          segment: body.segment ?? '',
        });
        return reply.code(201).header('location', `/customers/${customerId}`).send(customer);
      },
    );

    app.get('/customers/:customerId', { schema: { params: CustomerId, response: { 200: Customer } } }, async (request) => {
      const history = await context.store.load(streamOf(request.params.customerId));
      const state = history.reduce((s, e) => customerDecider.evolve(s, e.event), customerDecider.initialState);
      return view(state, history.length);
    });

    app.put(
      '/customers/:customerId/tier',
      { schema: { params: CustomerId, body: Type.Object({ tier: Tier }, { additionalProperties: false }), response: { 200: Customer } } },
      async (request) => run(request.params.customerId, { type: 'ChangeTier', tier: tiers[request.body.tier] }),
    );

    app.post(
      '/customers/:customerId/phone-numbers',
      { schema: { params: CustomerId, body: Type.Object({ phoneNumber: PhoneNumber }, { additionalProperties: false }), response: { 200: Customer } } },
      async (request) => run(request.params.customerId, { type: 'AddPhoneNumber', phoneNumber: request.body.phoneNumber }),
    );
  };
}
