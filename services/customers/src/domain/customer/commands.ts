// What an agent or an import can ask of a customer record.
import type { CustomerKind, CustomerTier } from '@switchboard/contracts';

export type CustomerCommand =
  | {
      readonly type: 'RegisterCustomer';
      readonly customerId: string;
      readonly name: string;
      readonly kind: CustomerKind;
      readonly tier: CustomerTier;
      readonly phoneNumbers: readonly string[];
      readonly region: string;
      readonly segment: string;
    }
  | { readonly type: 'ChangeTier'; readonly tier: CustomerTier }
  | { readonly type: 'AddPhoneNumber'; readonly phoneNumber: string };

export type CustomerRejection =
  | { readonly code: 'already-registered'; readonly message: string }
  | { readonly code: 'not-found'; readonly message: string }
  | { readonly code: 'invalid'; readonly message: string };
