// The interaction timeline: every context's events about a customer, one entry per event id. Calls are kept
// by call and number, so a number nobody owns yet keeps its calls until someone registers it.
import { toJson } from '@bufbuild/protobuf';
import { ComplaintCallbackOutcome, eventRegistry, eventTypeInfo, SelfServiceOutcome, SurveyRating, type DecodedEvent, type Envelope } from '@switchboard/contracts';
import type { Projection, ProjectionTx } from '@switchboard/event-store';
import { CallEndedBy } from '@switchboard/contracts';
import { kindName, tierName } from '../domain/customer/names.ts';
import { occurredAt } from './directory.ts';

/** Topics that feed the timeline; orders, tracking and qa are read as they come (see `otherContext`). */
export const timelineTopics = ['customers.events', 'telephony.calls', 'routing.events', 'orders.events', 'tracking.events', 'qa.events'] as const;

// How a call went, from least to most telling: a later, weaker word never overwrites a stronger one.
const OUTCOMES = ['', 'self-service', 'callback', 'abandoned', 'answered', 'completed'];

interface Entry {
  readonly customerId?: string;
  readonly callId?: string;
  readonly ticketId?: string;
  readonly kind: string;
  readonly summary: string;
  readonly details?: Record<string, unknown>;
}

const kebab = (type: string) => type.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** The call events that make or change a step of a customer's history; the rest (menus, digits, holds, offers) are passed over. */
const CALL_STEPS: ReadonlySet<string> = new Set([
  'CallArrived', 'SelfServiceCompleted', 'CallbackRequested', 'CallAnsweredByAgent', 'CallTransferred', 'CallEnded', 'RecordingReady',
  'SurveyAnswered', 'SurveyNotAnswered', 'OfferAccepted', 'CallAbandoned', 'CallbackScheduled', 'CallCompleted',
]);

export const customerTimeline: Projection = {
  name: 'customers.timeline',
  topics: timelineTopics,
  handles: (event) => {
    const context = event.typeName.split('.')[1];
    return context === 'telephony' || context === 'routing' ? CALL_STEPS.has(event.type) : true;
  },
  async apply(tx, event, envelope) {
    const at = occurredAt(envelope);
    const context = event.typeName.split('.')[1] ?? '';
    const entry = await (context === 'telephony'
      ? telephony(tx, event, at)
      : context === 'routing'
        ? routing(tx, event)
        : context === 'customers'
          ? customers(tx, event)
          : otherContext(event));
    if (entry === undefined) return;
    const ticketCustomer = entry.customerId === undefined && entry.ticketId !== undefined ? await customerOfTicket(tx, entry.ticketId) : undefined;
    await tx.$executeRaw`insert into timeline_entries (event_id, customer_id, call_id, ticket_id, occurred_at, source, kind, summary, details)
      values (${envelope.eventId}::uuid, ${entry.customerId ?? ticketCustomer ?? null}, ${entry.callId ?? null}, ${entry.ticketId ?? null}, ${at}, ${context},
        ${entry.kind}, ${entry.summary}, ${JSON.stringify(entry.details ?? {})}::jsonb)
      on conflict (event_id) do nothing`;
  },
  async reset(tx) {
    await tx.$executeRaw`delete from timeline_entries`;
    await tx.$executeRaw`delete from timeline_calls`;
  },
};

/** Makes sure the call has its row, then lets a stronger outcome (or an agent) replace what it had. */
async function callOutcome(tx: ProjectionTx, callId: string, outcome: string, agentId = ''): Promise<void> {
  await tx.$executeRaw`insert into timeline_calls (call_id, outcome, agent_id) values (${callId}, ${outcome}, ${agentId})
    on conflict (call_id) do update set
      outcome = case when array_position(${OUTCOMES}::text[], excluded.outcome) >= array_position(${OUTCOMES}::text[], timeline_calls.outcome)
        then excluded.outcome else timeline_calls.outcome end,
      agent_id = case when excluded.agent_id <> '' then excluded.agent_id else timeline_calls.agent_id end`;
}

async function telephony(tx: ProjectionTx, event: DecodedEvent, at: Date): Promise<Entry | undefined> {
  switch (event.type) {
    case 'CallArrived': {
      const { callId, callingNumber, dialledNumber } = event.message;
      // The call belongs to whoever has the number now (or keeps the customer an agent already linked).
      await tx.$executeRaw`insert into timeline_calls (call_id, calling_number, dialled_number, arrived_at, customer_id)
        values (${callId}, ${callingNumber}, ${dialledNumber}, ${at}, (select customer_id from customer_phone_numbers where phone_number = ${callingNumber}))
        on conflict (call_id) do update set calling_number = excluded.calling_number, dialled_number = excluded.dialled_number,
          arrived_at = excluded.arrived_at, customer_id = coalesce(timeline_calls.customer_id, excluded.customer_id)`;
      return { callId, kind: 'call-arrived', summary: `Called ${dialledNumber}`, details: { callingNumber, dialledNumber } };
    }
    case 'SelfServiceCompleted': {
      const { callId, service, outcome, spokenText, failureReason } = event.message;
      await callOutcome(tx, callId, 'self-service');
      const answered = outcome === SelfServiceOutcome.ANSWERED;
      return {
        callId,
        kind: 'ivr-self-service',
        summary: `IVR self-service ${service}: ${answered ? 'answered' : 'failed'}`,
        details: { service, outcome: answered ? 'answered' : 'failed', spokenText, failureReason },
      };
    }
    case 'CallbackRequested':
      await callOutcome(tx, event.message.callId, 'callback');
      return { callId: event.message.callId, kind: 'callback-requested', summary: 'Asked to be called back', details: { queue: event.message.queue } };
    case 'CallAnsweredByAgent':
      await callOutcome(tx, event.message.callId, 'answered', event.message.agentId);
      return { callId: event.message.callId, kind: 'call-answered', summary: `Answered by agent ${event.message.agentId}`, details: { agentId: event.message.agentId } };
    case 'CallTransferred':
      return { callId: event.message.callId, kind: 'call-transferred', summary: `Transferred to ${event.message.target}`, details: { target: event.message.target, fromAgentId: event.message.fromAgentId } };
    case 'CallEnded': {
      await tx.$executeRaw`insert into timeline_calls (call_id, ended_at) values (${event.message.callId}, ${at}) on conflict (call_id) do update set ended_at = excluded.ended_at`;
      const by = { [CallEndedBy.CALLER]: 'by the caller', [CallEndedBy.AGENT]: 'by the agent', [CallEndedBy.SYSTEM]: 'by the system' }[event.message.endedBy as number];
      return { callId: event.message.callId, kind: 'call-ended', summary: by ? `Call ended ${by}` : 'Call ended' };
    }
    case 'RecordingReady': {
      const { callId, url, durationSeconds } = event.message;
      await tx.$executeRaw`insert into timeline_calls (call_id, recording_url) values (${callId}, ${url}) on conflict (call_id) do update set recording_url = excluded.recording_url`;
      return { callId, kind: 'recording-ready', summary: `Recording ready (${durationSeconds} s)`, details: { recordingUrl: url, durationSeconds } };
    }
    case 'SurveyAnswered': {
      // The caller's own word on the call (docs/metrics.md, "Satisfaction shares").
      const rating = { [SurveyRating.SATISFIED]: 'satisfied', [SurveyRating.NEUTRAL]: 'neutral', [SurveyRating.DISSATISFIED]: 'dissatisfied' }[event.message.rating as number] ?? 'unknown';
      return { callId: event.message.callId, kind: 'survey-answered', summary: `Rated the call ${rating} in the post-call survey`, details: { rating } };
    }
    case 'SurveyNotAnswered':
      return { callId: event.message.callId, kind: 'survey-not-answered', summary: 'Left the post-call survey unanswered' };
    default:
      // Menus, digits, holds, the survey's offer: the detail of a call, not a step in the customer's history.
      return undefined;
  }
}

async function routing(tx: ProjectionTx, event: DecodedEvent): Promise<Entry | undefined> {
  switch (event.type) {
    case 'OfferAccepted':
      // Telephony reports the answer on the timeline; routing names the agent even if it comes first.
      await callOutcome(tx, event.message.callId, 'answered', event.message.agentId);
      return undefined;
    case 'CallAbandoned': {
      const { callId, queueId, waitedMs } = event.message;
      await callOutcome(tx, callId, 'abandoned');
      return { callId, kind: 'call-abandoned', summary: `Hung up after waiting ${seconds(waitedMs)} in queue ${queueId}`, details: { queueId, waitedMs } };
    }
    case 'CallbackScheduled':
      await callOutcome(tx, event.message.callId, 'callback');
      return { callId: event.message.callId, kind: 'callback-scheduled', summary: `Callback scheduled in queue ${event.message.queueId}`, details: { queueId: event.message.queueId } };
    case 'CallCompleted': {
      const { callId, agentId, talkMs, queueId } = event.message;
      await callOutcome(tx, callId, 'completed', agentId);
      return { callId, kind: 'call-completed', summary: `Talked ${seconds(talkMs)} with agent ${agentId}`, details: { agentId, talkMs, queueId } };
    }
    default:
      return undefined;
  }
}

async function customers(tx: ProjectionTx, event: DecodedEvent): Promise<Entry | undefined> {
  switch (event.type) {
    case 'CustomerRegistered': {
      const m = event.message;
      return { customerId: m.customerId, kind: 'customer-registered', summary: `Registered as a ${tierName(m.tier)} ${kindName(m.kind)} customer` };
    }
    case 'CustomerTierChanged': {
      const m = event.message;
      return { customerId: m.customerId, kind: 'tier-changed', summary: `Tier changed from ${tierName(m.previousTier)} to ${tierName(m.tier)}` };
    }
    case 'CallLinkedToCustomer':
      await tx.$executeRaw`insert into timeline_calls (call_id, calling_number, customer_id) values (${event.message.callId}, ${event.message.callingNumber}, ${event.message.customerId})
        on conflict (call_id) do update set customer_id = excluded.customer_id`;
      return undefined;
    case 'CustomerMerged': {
      const { customerId, survivorId } = event.message;
      await tx.$executeRaw`update timeline_calls set customer_id = ${survivorId} where customer_id = ${customerId}`;
      await tx.$executeRaw`update timeline_entries set customer_id = ${survivorId} where customer_id = ${customerId}`;
      return { customerId: survivorId, kind: 'customer-merged', summary: `Duplicate record ${customerId} merged into this one`, details: { mergedId: customerId } };
    }
    case 'ComplaintOpened': {
      const m = event.message;
      return {
        customerId: m.customerId,
        ticketId: m.ticketId,
        ...(m.callId ? { callId: m.callId } : {}),
        kind: 'complaint-opened',
        summary: `Complaint (${m.category}) opened by ${m.openedBy}, with ${m.department}`,
        details: { category: m.category, description: m.description, department: m.department },
      };
    }
    case 'ComplaintReassigned': {
      const m = event.message;
      return { ticketId: m.ticketId, kind: 'complaint-reassigned', summary: `Complaint moved from ${m.fromDepartment} to ${m.toDepartment} by ${m.reassignedBy}: ${m.reason}` };
    }
    case 'ComplaintResolved':
      return { ticketId: event.message.ticketId, kind: 'complaint-resolved', summary: `Complaint result: ${event.message.result}` };
    case 'ComplaintCallbackMade': {
      const m = event.message;
      const informed = m.outcome === ComplaintCallbackOutcome.CUSTOMER_INFORMED;
      return {
        ticketId: m.ticketId,
        ...(m.callId ? { callId: m.callId } : {}),
        kind: 'complaint-callback',
        summary: informed ? `Called back by ${m.calledBy}: told the result` : `Called back by ${m.calledBy}: not reached`,
      };
    }
    case 'ComplaintEscalated':
      return { ticketId: event.message.ticketId, kind: 'complaint-escalated', summary: `Complaint overdue: escalated to ${event.message.escalatedTo} (level ${event.message.level})` };
    case 'ComplaintClosed':
      return { ticketId: event.message.ticketId, kind: 'complaint-closed', summary: `Complaint closed by ${event.message.closedBy}` };
    default:
      return undefined;
  }
}

async function customerOfTicket(tx: ProjectionTx, ticketId: string): Promise<string | undefined> {
  const rows = await tx.$queryRaw<{ customer_id: string | null }[]>`select customer_id from timeline_entries where ticket_id = ${ticketId} and kind = 'complaint-opened' limit 1`;
  return rows[0]?.customer_id ?? undefined;
}

/**
 * Orders, shipments, QA and surveys: their events reach the timeline when they name a customer or a call
 * (`customer_id`, `call_id`), whatever their type; the rest is not about a customer and is skipped.
 */
function otherContext(event: DecodedEvent): Entry | undefined {
  const message = event.message as unknown as Record<string, unknown>;
  const customerId = typeof message['customerId'] === 'string' && message['customerId'] !== '' ? message['customerId'] : undefined;
  const callId = typeof message['callId'] === 'string' && message['callId'] !== '' ? message['callId'] : undefined;
  if (customerId === undefined && callId === undefined) return undefined;
  const info = eventTypeInfo(event.typeName);
  const details = info ? (toJson(info.schema, event.message as never, { registry: eventRegistry }) as Record<string, unknown>) : {};
  return {
    ...(customerId ? { customerId } : {}),
    ...(callId ? { callId } : {}),
    kind: kebab(event.type),
    summary: kebab(event.type).replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()),
    details,
  };
}
