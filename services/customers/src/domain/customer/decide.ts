// The rules of a customer record: registered once, numbers in E.164 and never twice, no event for a
// change that changes nothing, and a merged record accepts nothing but points to its survivor.
import { create } from '@bufbuild/protobuf';
import {
  CallLinkedToCustomerSchema,
  CustomerKind,
  CustomerMergedSchema,
  CustomerPhoneNumberAddedSchema,
  CustomerPhoneNumberRemovedSchema,
  CustomerPreferredAgentChangedSchema,
  CustomerProfileChangedSchema,
  CustomerRegisteredSchema,
  CustomerTierChangedSchema,
  type EventMessage,
} from '@switchboard/contracts';
import type { CustomerCommand, CustomerRejection } from './commands.ts';
import { isE164, notE164 } from './phone-number.ts';
import { evolve, initialState, type CustomerState, type RegisteredCustomer } from './state.ts';

type Decision = readonly EventMessage[] | { readonly rejected: CustomerRejection };

const invalid = (message: string): Decision => ({ rejected: { code: 'invalid', message } });

export function decide(command: CustomerCommand, state: CustomerState): Decision {
  if (command.type === 'RegisterCustomer') return register(command, state);
  if (state.status === 'unknown') return { rejected: { code: 'not-found', message: 'no customer has this id' } };
  if (state.status === 'merged') {
    return { rejected: { code: 'merged', message: `customer ${state.customerId} was merged into customer ${state.survivorId}; use that record`, survivorId: state.survivorId } };
  }
  return change(command, state);
}

function register(command: Extract<CustomerCommand, { type: 'RegisterCustomer' }>, state: CustomerState): Decision {
  if (state.status !== 'unknown') return { rejected: { code: 'already-registered', message: `customer ${command.customerId} is already registered` } };
  if (command.name.trim() === '') return invalid('a customer needs a name');
  const bad = command.phoneNumbers.find((n) => !isE164(n));
  if (bad !== undefined) return invalid(notE164(bad));
  if (command.phoneNumbers.length === 0) return invalid('a customer needs at least one phone number');
  const registered = create(CustomerRegisteredSchema, {
    customerId: command.customerId,
    name: command.name.trim(),
    kind: command.kind,
    tier: command.tier,
    phoneNumbers: [...new Set(command.phoneNumbers)],
    region: command.region,
    segment: command.segment,
    preferredAgentId: command.preferredAgentId ?? '',
    siteId: command.siteId ?? '',
  });
  const call = command.capturedOnCall;
  if (call === undefined) return [registered];
  return [registered, create(CallLinkedToCustomerSchema, { customerId: command.customerId, callId: call.callId, callingNumber: call.callingNumber, linkedBy: call.by })];
}

function change(command: Exclude<CustomerCommand, { type: 'RegisterCustomer' }>, state: RegisteredCustomer): Decision {
  const customerId = state.customerId;
  switch (command.type) {
    case 'ChangeTier':
      if (state.tier === command.tier) return [];
      return [create(CustomerTierChangedSchema, { customerId, tier: command.tier, previousTier: state.tier })];
    case 'ChangeProfile': {
      const next = {
        name: command.name?.trim() ?? state.name,
        kind: command.kind ?? state.kind,
        segment: command.segment ?? state.segment,
        region: command.region ?? state.region,
        siteId: command.siteId ?? state.siteId,
      };
      if (next.name === '') return invalid('a customer needs a name');
      if (next.kind === CustomerKind.UNSPECIFIED) return invalid('a customer is a person, a company or a key account');
      const same = next.name === state.name && next.kind === state.kind && next.segment === state.segment && next.region === state.region && next.siteId === state.siteId;
      return same ? [] : [create(CustomerProfileChangedSchema, { customerId, ...next })];
    }
    case 'ChangePreferredAgent':
      if (state.preferredAgentId === command.agentId) return [];
      return [create(CustomerPreferredAgentChangedSchema, { customerId, agentId: command.agentId, previousAgentId: state.preferredAgentId })];
    case 'AddPhoneNumber':
      if (!isE164(command.phoneNumber)) return invalid(notE164(command.phoneNumber));
      if (state.phoneNumbers.includes(command.phoneNumber)) return [];
      return [create(CustomerPhoneNumberAddedSchema, { customerId, phoneNumber: command.phoneNumber })];
    case 'RemovePhoneNumber':
      if (!state.phoneNumbers.includes(command.phoneNumber)) return [];
      if (state.phoneNumbers.length === 1) {
        return { rejected: { code: 'conflict', message: 'this is the customer’s only phone number: add another one before removing it' } };
      }
      return [create(CustomerPhoneNumberRemovedSchema, { customerId, phoneNumber: command.phoneNumber })];
    case 'LinkCall':
      return [create(CallLinkedToCustomerSchema, { customerId, callId: command.callId, callingNumber: command.callingNumber, linkedBy: command.by })];
    case 'MergeInto':
      if (command.survivorId === customerId) return { rejected: { code: 'conflict', message: 'a customer cannot be merged into itself' } };
      return [create(CustomerMergedSchema, { customerId, survivorId: command.survivorId, phoneNumbers: [...state.phoneNumbers], mergedBy: command.by })];
    case 'TakeOverNumbers':
      return [...new Set(command.phoneNumbers)]
        .filter((n) => !state.phoneNumbers.includes(n))
        .map((phoneNumber) => create(CustomerPhoneNumberAddedSchema, { customerId, phoneNumber }));
    default: {
      const never: never = command;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

export const customerDecider = { initialState, evolve, decide };
