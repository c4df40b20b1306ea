// A customer record as its events leave it.
import type { CustomerKind, CustomerTier, DecodedEvent } from '@switchboard/contracts';

export type CustomerState =
  | { readonly status: 'unknown' }
  | {
      readonly status: 'registered';
      readonly customerId: string;
      readonly name: string;
      readonly kind: CustomerKind;
      readonly tier: CustomerTier;
      readonly phoneNumbers: readonly string[];
      readonly region: string;
      readonly segment: string;
    };

export const initialState: CustomerState = { status: 'unknown' };

export function evolve(state: CustomerState, event: DecodedEvent): CustomerState {
  switch (event.type) {
    case 'CustomerRegistered': {
      const m = event.message;
      return { status: 'registered', customerId: m.customerId, name: m.name, kind: m.kind, tier: m.tier, phoneNumbers: m.phoneNumbers, region: m.region, segment: m.segment };
    }
    case 'CustomerTierChanged':
      return state.status === 'registered' ? { ...state, tier: event.message.tier } : state;
    case 'CustomerPhoneNumberAdded':
      return state.status === 'registered' ? { ...state, phoneNumbers: [...state.phoneNumbers, event.message.phoneNumber] } : state;
    default:
      // Events of other contexts never reach a customer stream.
      return state;
  }
}
