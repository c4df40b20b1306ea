// The shapes the customers API shares: numbers, tiers, kinds, a customer record, and its refusals as problems.
import { problemDetails, PROBLEM_CONTENT_TYPE, ProblemError, Type, type ProblemInit } from '@switchboard/service-kit';
import type { CustomerRejection } from '../../domain/customer/commands.ts';
import { kindName, tierName } from '../../domain/customer/names.ts';
import { SITE_ID } from '../../domain/customer/site.ts';
import type { CustomerState } from '../../domain/customer/state.ts';
import { numberTakenReason, type MayOpenSite, type NumberTaken } from '../../application/customer-records.ts';

export const PhoneNumber = Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164, like +8613812345678' });
// Enums rather than unions of literals: a wrong value is answered with the allowed ones.
export const Tier = Type.Enum(['platinum', 'gold', 'normal']);
export const Kind = Type.Enum(['person', 'company', 'key-account']);
export const PersonId = Type.String({ minLength: 1, maxLength: 100, description: "who does it, kept from a service's call only: a person's call records the person of their token" });
export const SiteId = Type.String({ pattern: SITE_ID.source, description: 'the site whose agents look after this customer, e.g. shenzhen (one of yours)' });

export const Customer = Type.Object({
  customerId: Type.String(),
  name: Type.String(),
  kind: Kind,
  tier: Tier,
  phoneNumbers: Type.Array(Type.String()),
  region: Type.String(),
  segment: Type.String(),
  preferredAgentId: Type.Union([Type.String(), Type.Null()]),
  siteId: Type.Union([Type.String(), Type.Null()], { description: 'the site whose agents look after this customer; null: national, every site sees them' }),
  version: Type.Integer(),
});
export const CustomerId = Type.Object({ customerId: Type.String({ format: 'uuid' }) });

export function customerView(state: CustomerState, version: number) {
  if (state.status === 'unknown') throw new ProblemError({ status: 404, code: 'customer-not-found', title: 'Customer not found', detail: 'no customer has this id' });
  if (state.status === 'merged') throw new MergedCustomer(state.customerId, state.survivorId);
  return {
    customerId: state.customerId,
    name: state.name,
    kind: kindName(state.kind),
    tier: tierName(state.tier),
    phoneNumbers: [...state.phoneNumbers],
    region: state.region,
    segment: state.segment,
    preferredAgentId: state.preferredAgentId === '' ? null : state.preferredAgentId,
    siteId: state.siteId === '' ? null : state.siteId,
    version,
  };
}

/** A merged record answers 410 Gone with the survivor's id and a Location to it. */
export class MergedCustomer extends Error {
  readonly customerId: string;
  readonly survivorId: string;
  constructor(customerId: string, survivorId: string) {
    super(`customer ${customerId} was merged into customer ${survivorId}`);
    this.customerId = customerId;
    this.survivorId = survivorId;
  }
}

/** The reply of a fastify error handler, as far as a 410 needs it. */
interface Reply<R> {
  code(status: number): R;
  type(contentType: string): R;
  header(name: string, value: string): R;
  send(payload: unknown): R;
}

export function sendMerged<R extends Reply<R>>(reply: R, request: { readonly url: string }, merged: MergedCustomer): R {
  const init: ProblemInit = {
    status: 410,
    code: 'customer-merged',
    title: 'Customer merged into another record',
    detail: `this record was merged into customer ${merged.survivorId}: use that one`,
  };
  return reply
    .code(410)
    .type(PROBLEM_CONTENT_TYPE)
    .header('location', `/customers/${merged.survivorId}`)
    .send({ ...problemDetails(init, request.url.split('?')[0] ?? '/'), survivorId: merged.survivorId });
}

/** A refusal as a problem; `mayOpen` says whose records the caller may open, so a taken number names its owner only to them. */
export function customerRejection(rejected: CustomerRejection | NumberTaken, mayOpen: MayOpenSite): never {
  if (rejected.code === 'merged') throw new MergedCustomer('', rejected.survivorId);
  if (rejected.code === 'number-taken') {
    const detail = `phone number ${rejected.phoneNumber} is taken: ${numberTakenReason(rejected, mayOpen)}`;
    throw new ProblemError({ status: 409, code: 'phone-number-taken', title: 'Customer change refused', detail });
  }
  const status = { 'already-registered': 409, 'not-found': 404, invalid: 422, conflict: 409 }[rejected.code];
  throw new ProblemError({ status, code: `customer-${rejected.code}`, title: 'Customer change refused', detail: rejected.message });
}
