// What agents, departments and the escalation clock can ask of a complaint ticket. Times are epoch milliseconds.
import type { ComplaintCallbackOutcome } from '@switchboard/contracts';

export type ComplaintCommand =
  | {
      readonly type: 'OpenComplaint';
      readonly ticketId: string;
      readonly customerId: string;
      readonly callId: string;
      readonly category: string;
      readonly description: string;
      /** From the category's rule, unless the agent names another department. */
      readonly department: string;
      readonly slaSeconds: number;
      readonly by: string;
      readonly at: number;
    }
  | { readonly type: 'ReassignComplaint'; readonly department: string; readonly reason: string; readonly by: string; readonly at: number }
  | { readonly type: 'AddNote'; readonly text: string; readonly by: string; readonly at: number }
  | { readonly type: 'RecordResult'; readonly result: string; readonly by: string; readonly at: number }
  | { readonly type: 'RecordCallback'; readonly outcome: ComplaintCallbackOutcome; readonly note: string; readonly callId: string; readonly by: string; readonly at: number }
  | { readonly type: 'CloseComplaint'; readonly by: string; readonly at: number }
  /** The escalation clock's tick. */
  | { readonly type: 'Escalate'; readonly at: number };

export type ComplaintRejection =
  | { readonly code: 'not-found'; readonly message: string }
  | { readonly code: 'already-opened'; readonly message: string }
  | { readonly code: 'invalid'; readonly message: string }
  /** The loop forbids it now (closing before the customer was told, calling back before there is a result). */
  | { readonly code: 'loop'; readonly message: string };
