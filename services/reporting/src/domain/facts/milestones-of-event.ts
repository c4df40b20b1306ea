// Switchboard's own events as call milestones and agent state changes: the one mapping from the event
// log to the facts (docs/metrics.md, "Facts and terms").
import { timestampMs, type Timestamp } from '@bufbuild/protobuf/wkt';
import { AgentState, CallbackOutcome, CallEndedBy, CustomerTier, SelfServiceOutcome, SurveyRating, type DecodedEvent } from '@switchboard/contracts';
import type { AgentStateChange, AgentStateName, CallMilestone, MilestoneKind } from './call-milestones.ts';

let formattedSecond = NaN;
let secondText = '';
/**
 * 'YYYY-MM-DD hh:mm:ss.sss' in UTC, as ClickHouse reads a DateTime64 in JSONEachRow. Ingestion formats a
 * few times per event, mostly within the same second: the second's text is kept and only the milliseconds added.
 */
export function clickHouseTime(at: number | Date): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  const second = Math.floor(ms / 1000);
  if (second !== formattedSecond) {
    if (!Number.isFinite(second)) throw new RangeError(`not a time: ${String(at)}`);
    formattedSecond = second;
    secondText = new Date(second * 1000).toISOString().slice(0, 19).replace('T', ' ');
  }
  return `${secondText}.${String(ms - second * 1000).padStart(3, '0')}`;
}

const tierNames: Record<number, string> = {
  [CustomerTier.PLATINUM]: 'platinum',
  [CustomerTier.GOLD]: 'gold',
  [CustomerTier.NORMAL]: 'normal',
};

const endedBy: Record<number, string> = {
  [CallEndedBy.CALLER]: 'caller',
  [CallEndedBy.AGENT]: 'agent',
  [CallEndedBy.SYSTEM]: 'system',
};

const callbackOutcomes: Record<number, string> = {
  [CallbackOutcome.REACHED]: 'reached',
  [CallbackOutcome.NOT_REACHED]: 'not_reached',
};

const surveyRatings: Record<number, string> = {
  [SurveyRating.SATISFIED]: 'satisfied',
  [SurveyRating.NEUTRAL]: 'neutral',
  [SurveyRating.DISSATISFIED]: 'dissatisfied',
};

const agentStateNames: Record<number, AgentStateName> = {
  [AgentState.LOGGED_OUT]: 'logged_out',
  [AgentState.READY]: 'ready',
  [AgentState.RESERVED]: 'reserved',
  [AgentState.ON_CALL]: 'on_call',
  [AgentState.WRAP_UP]: 'wrap_up',
  [AgentState.NOT_READY]: 'not_ready',
};

export interface EventFacts {
  readonly milestones: CallMilestone[];
  readonly agentStates: AgentStateChange[];
}

const none: EventFacts = { milestones: [], agentStates: [] };

/** The facts one event contributes; most events of the log contribute none. */
export function factsOfEvent(event: DecodedEvent, eventId: string, occurredAtMs: number, envelopeSiteId: string): EventFacts {
  const at = (t: Timestamp | undefined) => clickHouseTime(t === undefined ? occurredAtMs : timestampMs(t));
  const milestone = (
    kind: MilestoneKind,
    callId: string,
    when: Timestamp | undefined,
    fields: Partial<Omit<CallMilestone, 'kind' | 'call_id' | 'milestone_id' | 'at' | 'source'>> = {},
  ): EventFacts => ({
    milestones: [
      {
        call_id: callId,
        milestone_id: eventId,
        kind,
        at: at(when),
        site_id: fields.site_id ?? envelopeSiteId,
        queue_id: fields.queue_id ?? '',
        agent_id: fields.agent_id ?? '',
        tier: fields.tier ?? '',
        business_type: fields.business_type ?? '',
        duration_ms: fields.duration_ms ?? 0,
        detail: fields.detail ?? '',
        source: 'switchboard',
      },
    ],
    agentStates: [],
  });

  switch (event.type) {
    // telephony.calls
    case 'CallArrived':
      return milestone('arrived', event.message.callId, event.message.arrivedAt, { site_id: event.message.siteId, detail: event.message.dialledNumber });
    case 'AgentRequested':
      return milestone('ivr_exit', event.message.callId, event.message.requestedAt, { queue_id: event.message.queue, business_type: event.message.businessType });
    case 'CallbackRequested':
      return milestone('callback_requested', event.message.callId, event.message.requestedAt, { queue_id: event.message.queue, business_type: event.message.businessType });
    case 'SelfServiceCompleted':
      return milestone(event.message.outcome === SelfServiceOutcome.ANSWERED ? 'self_served' : 'self_service_failed', event.message.callId, event.message.completedAt, {
        detail: event.message.service,
      });
    case 'CallHeld':
      return milestone('held', event.message.callId, event.message.heldAt);
    case 'CallResumed':
      return milestone('resumed', event.message.callId, event.message.resumedAt);
    case 'CallTransferred':
      return milestone('transferred', event.message.callId, event.message.transferredAt, { agent_id: event.message.fromAgentId, detail: event.message.target });
    case 'CallEnded':
      return milestone('ended', event.message.callId, event.message.endedAt, { detail: endedBy[event.message.endedBy] ?? '' });
    case 'SurveyOffered':
      return milestone('survey_offered', event.message.callId, event.message.offeredAt, { agent_id: event.message.agentId });
    case 'SurveyAnswered': {
      const rating = surveyRatings[event.message.rating];
      // An answer with no rating telephony knows is no answer to count: the survey stays offered.
      return rating === undefined ? none : milestone('survey_answered', event.message.callId, event.message.answeredAt, { detail: rating });
    }
    case 'SurveyNotAnswered':
      return milestone('survey_no_answer', event.message.callId, event.message.endedAt);
    // routing.events
    case 'CallQueued':
      return milestone('queued', event.message.callId, event.message.queuedAt, {
        site_id: event.message.siteId,
        queue_id: event.message.queueId,
        tier: tierNames[event.message.tier] ?? 'normal',
        detail: event.message.overflowPath.join(','),
      });
    case 'CallOffered':
      return milestone('offered', event.message.callId, event.message.offeredAt, { site_id: event.message.siteId, queue_id: event.message.queueId, agent_id: event.message.agentId });
    case 'CallbackOffered':
      return milestone('offered', event.message.callId, event.message.offeredAt, {
        site_id: event.message.siteId,
        queue_id: event.message.queueId,
        agent_id: event.message.agentId,
        detail: 'callback',
      });
    case 'OfferNotAnswered':
      return milestone('no_answer', event.message.callId, event.message.at, { site_id: event.message.siteId, agent_id: event.message.agentId });
    case 'OfferAccepted':
      return milestone('answered', event.message.callId, event.message.acceptedAt, { site_id: event.message.siteId, agent_id: event.message.agentId });
    case 'CallOverflowed':
      return milestone('overflowed', event.message.callId, event.message.at, { site_id: event.message.siteId, queue_id: event.message.queueId });
    case 'CallAbandoned':
      return milestone('abandoned', event.message.callId, event.message.at, { site_id: event.message.siteId, queue_id: event.message.queueId });
    case 'CallbackScheduled':
      return milestone('callback_scheduled', event.message.callId, event.message.at, { site_id: event.message.siteId, queue_id: event.message.queueId });
    case 'CallCompleted':
      return milestone('completed', event.message.callId, event.message.at, {
        site_id: event.message.siteId,
        queue_id: event.message.queueId,
        agent_id: event.message.agentId,
        detail: callbackOutcomes[event.message.callbackOutcome] ?? '',
      });
    case 'AgentStateChanged': {
      const state = agentStateNames[event.message.state];
      if (state === undefined) return none;
      const change: AgentStateChange = {
        agent_id: event.message.agentId,
        change_id: eventId,
        site_id: event.message.siteId,
        state,
        reason_code: event.message.reasonCode,
        call_id: event.message.callId,
        at: at(event.message.changedAt),
        source: 'switchboard',
      };
      // Leaving wrap-up (the state names the call just wrapped up) ends the call's after-call work.
      const wrapUpEnded = event.message.callId !== '' && (state === 'ready' || state === 'not_ready' || state === 'logged_out');
      return {
        agentStates: [change],
        milestones: wrapUpEnded
          ? milestone('wrap_up_ended', event.message.callId, event.message.changedAt, { site_id: event.message.siteId, agent_id: event.message.agentId }).milestones
          : [],
      };
    }
    default:
      return none;
  }
}
