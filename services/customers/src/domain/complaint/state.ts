// A complaint ticket as its events leave it: where it stands in the loop, who has it, when it is due.
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { ComplaintCallbackOutcome, type DecodedEvent } from '@switchboard/contracts';
import { escalationLadder } from './policy.ts';

/** open: with a department; awaiting-callback: the result is known, the customer must be told; then customer-informed, closed. */
export type LoopStage = 'open' | 'awaiting-callback' | 'customer-informed' | 'closed';

export interface Ticket {
  readonly status: LoopStage;
  readonly ticketId: string;
  readonly customerId: string;
  readonly category: string;
  readonly department: string;
  readonly dueAtMs: number;
  readonly slaSeconds: number;
  readonly escalationLevel: number;
}

export type ComplaintState = { readonly status: 'none' } | Ticket;

export const initialState: ComplaintState = { status: 'none' };

const ms = (t: Parameters<typeof timestampMs>[0] | undefined) => (t === undefined ? 0 : timestampMs(t));

export function evolve(state: ComplaintState, event: DecodedEvent): ComplaintState {
  if (event.type === 'ComplaintOpened') {
    const m = event.message;
    return {
      status: 'open',
      ticketId: m.ticketId,
      customerId: m.customerId,
      category: m.category,
      department: m.department,
      dueAtMs: ms(m.dueAt),
      slaSeconds: m.slaSeconds,
      escalationLevel: 0,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ComplaintReassigned':
      return { ...state, department: event.message.toDepartment };
    case 'ComplaintResolved':
      return { ...state, status: 'awaiting-callback' };
    case 'ComplaintCallbackMade':
      return event.message.outcome === ComplaintCallbackOutcome.CUSTOMER_INFORMED ? { ...state, status: 'customer-informed' } : state;
    case 'ComplaintClosed':
      return { ...state, status: 'closed' };
    case 'ComplaintEscalated':
      return { ...state, escalationLevel: event.message.level };
    default:
      return state;
  }
}

/** The customer still waits for the result: the SLA clock runs. */
export const clockRuns = (ticket: Ticket): boolean => ticket.status === 'open' || ticket.status === 'awaiting-callback';

/** When the next escalation level falls due; undefined when there is none (told, closed, or the top level reached). */
export function nextEscalationAt(ticket: Ticket): number | undefined {
  if (!clockRuns(ticket) || ticket.escalationLevel >= escalationLadder.length) return undefined;
  return ticket.dueAtMs + ticket.escalationLevel * ticket.slaSeconds * 1000;
}
