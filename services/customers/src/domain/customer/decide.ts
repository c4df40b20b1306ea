// The rules of a customer record: registered once, a tier change only when it changes, no number twice.
import { create } from '@bufbuild/protobuf';
import {
  CustomerPhoneNumberAddedSchema,
  CustomerRegisteredSchema,
  CustomerTierChangedSchema,
  type EventMessage,
} from '@switchboard/contracts';
import type { CustomerCommand, CustomerRejection } from './commands.ts';
import { evolve, initialState, type CustomerState } from './state.ts';

const E164 = /^\+[1-9]\d{6,14}$/;

export function decide(command: CustomerCommand, state: CustomerState): readonly EventMessage[] | { readonly rejected: CustomerRejection } {
  switch (command.type) {
    case 'RegisterCustomer': {
      if (state.status !== 'unknown') {
        return { rejected: { code: 'already-registered', message: `customer ${command.customerId} is already registered` } };
      }
      const bad = command.phoneNumbers.find((n) => !E164.test(n));
      if (bad !== undefined) return { rejected: { code: 'invalid', message: `phone number ${JSON.stringify(bad)} is not in E.164 form (like +8613812345678)` } };
      return [
        create(CustomerRegisteredSchema, {
          customerId: command.customerId,
          name: command.name,
          kind: command.kind,
          tier: command.tier,
          phoneNumbers: [...new Set(command.phoneNumbers)],
          region: command.region,
          segment: command.segment,
        }),
      ];
    }
    case 'ChangeTier': {
      if (state.status !== 'registered') return { rejected: { code: 'not-found', message: 'no such customer' } };
      if (state.tier === command.tier) return [];
      return [create(CustomerTierChangedSchema, { customerId: state.customerId, tier: command.tier, previousTier: state.tier })];
    }
    case 'AddPhoneNumber': {
      if (state.status !== 'registered') return { rejected: { code: 'not-found', message: 'no such customer' } };
      if (!E164.test(command.phoneNumber)) {
        return { rejected: { code: 'invalid', message: `phone number ${JSON.stringify(command.phoneNumber)} is not in E.164 form (like +8613812345678)` } };
      }
      if (state.phoneNumbers.includes(command.phoneNumber)) return [];
      return [create(CustomerPhoneNumberAddedSchema, { customerId: state.customerId, phoneNumber: command.phoneNumber })];
    }
    default: {
      const never: never = command;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

export const customerDecider = { initialState, evolve, decide };
