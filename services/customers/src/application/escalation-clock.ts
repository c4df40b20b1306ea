// The escalation clock: every few seconds, tickets whose next escalation level has fallen due get an
// Escalate command; the decider makes it one event per ticket and level, however often the clock ticks.
import { startRepeating, type ServiceContext } from '@switchboard/service-kit';
import type { ComplaintDesk } from './complaint-desk.ts';

export interface EscalationClock {
  /** Stops ticking and waits for the tick under way. */
  stop(): Promise<void>;
}

export function startEscalationClock(context: ServiceContext, desk: ComplaintDesk, intervalMs: number): EscalationClock {
  const tick = async () => {
    const at = Date.now();
    const due = await context.prisma.$queryRaw<{ ticket_id: string }[]>`
      select ticket_id from complaint_tickets where next_escalation_at <= ${new Date(at)} order by next_escalation_at limit 200`;
    for (const { ticket_id: ticketId } of due) {
      const result = await desk.execute(ticketId, { type: 'Escalate', at });
      if (!result.ok) context.logger.warn({ ticketId, rejected: result.rejected }, 'the escalation clock’s tick was refused');
    }
  };
  // A slow tick is not stacked on: the next one starts after it.
  return startRepeating(intervalMs, tick, (error) => context.logger.error({ err: error }, 'the escalation clock failed; the next tick retries'));
}
