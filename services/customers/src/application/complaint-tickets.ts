// The complaint-ticket read model behind the lists, the filters and the escalation clock: the domain's own
// evolve keeps each row, so the row and the ticket's stream never disagree on stage, department or due time.
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Projection, ProjectionTx } from '@switchboard/event-store';
import { evolve, nextEscalationAt, type LoopStage, type Ticket } from '../domain/complaint/state.ts';
import { occurredAt } from './directory.ts';

interface TicketRow {
  ticket_id: string;
  customer_id: string;
  category: string;
  department: string;
  status: LoopStage;
  due_at: Date;
  sla_seconds: number;
  escalation_level: number;
}

const toTicket = (row: TicketRow): Ticket => ({
  status: row.status,
  ticketId: row.ticket_id,
  customerId: row.customer_id,
  category: row.category,
  department: row.department,
  dueAtMs: row.due_at.getTime(),
  slaSeconds: row.sla_seconds,
  escalationLevel: row.escalation_level,
});

const dateOrNull = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));

export const complaintTickets: Projection = {
  name: 'customers.complaint-tickets',
  topics: ['customers.events'],
  handles: (event) => event.type === 'CustomerMerged' || event.type.startsWith('Complaint'),
  async apply(tx, event, envelope) {
    const at = occurredAt(envelope);
    if (event.type === 'ComplaintOpened') {
      const m = event.message;
      const ticket = evolve({ status: 'none' }, event);
      if (ticket.status === 'none') return;
      await tx.$executeRaw`insert into complaint_tickets (ticket_id, customer_id, call_id, category, description, department, status, opened_by, opened_at,
          due_at, sla_seconds, escalation_level, next_escalation_at, updated_at)
        values (${m.ticketId}, ${m.customerId}, ${m.callId}, ${m.category}, ${m.description}, ${m.department}, 'open', ${m.openedBy},
          ${m.openedAt ? timestampDate(m.openedAt) : at}, ${new Date(ticket.dueAtMs)}, ${m.slaSeconds}, 0, ${dateOrNull(nextEscalationAt(ticket))}, ${at})
        on conflict (ticket_id) do nothing`;
      return;
    }
    if (event.type === 'CustomerMerged') {
      await tx.$executeRaw`update complaint_tickets set customer_id = ${event.message.survivorId} where customer_id = ${event.message.customerId}`;
      return;
    }
    if (!event.type.startsWith('Complaint') || !('ticketId' in event.message)) return;
    await updateTicket(tx, event.message.ticketId, (ticket) => evolve(ticket, event), at);
  },
  async reset(tx) {
    await tx.$executeRaw`delete from complaint_tickets`;
  },
};

async function updateTicket(tx: ProjectionTx, ticketId: string, change: (ticket: Ticket) => ReturnType<typeof evolve>, at: Date): Promise<void> {
  const rows = await tx.$queryRaw<TicketRow[]>`select ticket_id, customer_id, category, department, status, due_at, sla_seconds, escalation_level
    from complaint_tickets where ticket_id = ${ticketId} for update`;
  const row = rows[0];
  if (row === undefined) throw new Error(`complaint ticket ${ticketId} has an event before its ComplaintOpened`);
  const ticket = change(toTicket(row));
  if (ticket.status === 'none') return;
  await tx.$executeRaw`update complaint_tickets set department = ${ticket.department}, status = ${ticket.status}, escalation_level = ${ticket.escalationLevel},
      next_escalation_at = ${dateOrNull(nextEscalationAt(ticket))}, updated_at = ${at}
    where ticket_id = ${ticketId}`;
}
