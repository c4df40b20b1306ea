// Commands on complaint tickets: load, decide, append, and the ticket list brought up to date at once.
import { handleCommand, type StoredEvent } from '@switchboard/event-store';
import type { ServiceContext } from '@switchboard/service-kit';
import type { ComplaintCommand, ComplaintRejection } from '../domain/complaint/commands.ts';
import { complaintDecider } from '../domain/complaint/decide.ts';
import type { ComplaintState } from '../domain/complaint/state.ts';
import { complaintTickets } from './complaint-tickets.ts';
import { customerTimeline } from './timeline.ts';
import { applyOwnEvents } from './read-your-writes.ts';

export const complaintStream = (ticketId: string): string => `complaint-${ticketId}`;

export type TicketOutcome = { readonly ok: true; readonly state: ComplaintState } | { readonly ok: false; readonly rejected: ComplaintRejection };

export interface ComplaintDesk {
  execute(ticketId: string, command: ComplaintCommand): Promise<TicketOutcome>;
  history(ticketId: string): Promise<{ state: ComplaintState; events: readonly StoredEvent[] }>;
}

export function complaintDesk(context: ServiceContext): ComplaintDesk {
  return {
    async execute(ticketId, command) {
      const result = await handleCommand(context.store, complaintDecider, complaintStream(ticketId), command, context.commandOptions());
      if (!result.ok) return result;
      if (result.events.length > 0) await applyOwnEvents(context, [complaintTickets, customerTimeline], complaintStream(ticketId));
      return { ok: true, state: result.state };
    },
    async history(ticketId) {
      const events = await context.store.load(complaintStream(ticketId));
      return { state: events.reduce((s, e) => complaintDecider.evolve(s, e.event), complaintDecider.initialState), events };
    },
  };
}
