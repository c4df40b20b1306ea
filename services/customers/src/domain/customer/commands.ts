// What an agent, a supervisor or an import can ask of a customer record.
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
      readonly preferredAgentId?: string;
      /** The site whose agents look after this customer; empty or absent: national. */
      readonly siteId?: string;
      /** The call during which an agent captured this new caller: linked to the new record. */
      readonly capturedOnCall?: { readonly callId: string; readonly callingNumber: string; readonly by: string };
    }
  | { readonly type: 'ChangeTier'; readonly tier: CustomerTier }
  | {
      readonly type: 'ChangeProfile';
      readonly name?: string;
      readonly kind?: CustomerKind;
      readonly segment?: string;
      readonly region?: string;
      /** Another site looks after the customer from now on; empty: national. */
      readonly siteId?: string;
    }
  | { readonly type: 'ChangePreferredAgent'; readonly agentId: string }
  | { readonly type: 'AddPhoneNumber'; readonly phoneNumber: string }
  | { readonly type: 'RemovePhoneNumber'; readonly phoneNumber: string }
  | { readonly type: 'LinkCall'; readonly callId: string; readonly callingNumber: string; readonly by: string }
  /** This record is a duplicate of `survivorId`: it hands its numbers over and only points there from now on. */
  | { readonly type: 'MergeInto'; readonly survivorId: string; readonly by: string }
  /** The survivor of a merge takes the duplicate's numbers. */
  | { readonly type: 'TakeOverNumbers'; readonly phoneNumbers: readonly string[] };

export type CustomerRejection =
  | { readonly code: 'already-registered'; readonly message: string }
  | { readonly code: 'not-found'; readonly message: string }
  | { readonly code: 'invalid'; readonly message: string }
  | { readonly code: 'conflict'; readonly message: string }
  | { readonly code: 'merged'; readonly message: string; readonly survivorId: string };
