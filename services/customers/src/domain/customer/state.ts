// A customer record as its events leave it: unknown, registered, or merged into a survivor.
import type { CustomerKind, CustomerTier, DecodedEvent } from '@switchboard/contracts';

export interface RegisteredCustomer {
  readonly status: 'registered';
  readonly customerId: string;
  readonly name: string;
  readonly kind: CustomerKind;
  readonly tier: CustomerTier;
  readonly phoneNumbers: readonly string[];
  readonly region: string;
  readonly segment: string;
  readonly preferredAgentId: string;
  /** The site whose agents look after this customer; empty: national (every site sees it). */
  readonly siteId: string;
}

export type CustomerState =
  | { readonly status: 'unknown' }
  | RegisteredCustomer
  | { readonly status: 'merged'; readonly customerId: string; readonly name: string; readonly survivorId: string; readonly siteId: string };

export const initialState: CustomerState = { status: 'unknown' };

export function evolve(state: CustomerState, event: DecodedEvent): CustomerState {
  if (event.type === 'CustomerRegistered') {
    const m = event.message;
    return {
      status: 'registered',
      customerId: m.customerId,
      name: m.name,
      kind: m.kind,
      tier: m.tier,
      phoneNumbers: m.phoneNumbers,
      region: m.region,
      segment: m.segment,
      preferredAgentId: m.preferredAgentId,
      siteId: m.siteId,
    };
  }
  if (state.status !== 'registered') return state;
  switch (event.type) {
    case 'CustomerTierChanged':
      return { ...state, tier: event.message.tier };
    case 'CustomerPhoneNumberAdded':
      return { ...state, phoneNumbers: [...state.phoneNumbers, event.message.phoneNumber] };
    case 'CustomerPhoneNumberRemoved':
      return { ...state, phoneNumbers: state.phoneNumbers.filter((n) => n !== event.message.phoneNumber) };
    case 'CustomerProfileChanged': {
      const { name, kind, segment, region, siteId } = event.message;
      return { ...state, name, kind, segment, region, siteId };
    }
    case 'CustomerPreferredAgentChanged':
      return { ...state, preferredAgentId: event.message.agentId };
    case 'CustomerMerged':
      return { status: 'merged', customerId: state.customerId, name: state.name, survivorId: event.message.survivorId, siteId: state.siteId };
    default:
      // Call links change nothing the rules look at; events of other aggregates never reach a customer stream.
      return state;
  }
}
