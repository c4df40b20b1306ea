// The facts of a call, as reporting keeps them: one milestone per thing that happened to the call, from
// Switchboard's own events or from an imported switch log. The call facts (calls_v1) and every metric of
// docs/metrics.md are computed from these rows, so an imported Asterisk or FreeSWITCH history and live
// traffic are counted the same way.

/** What happened to a call. Timestamps are the moment it happened (UTC). */
export const milestoneKinds = [
  /** The call reached the platform (telephony's CallArrived; Asterisk: the first ENTERQUEUE). */
  'arrived',
  /** The IVR handed the call to a queue (AgentRequested): business_type and queue_id are set. */
  'ivr_exit',
  /** A self-service step answered the caller (SelfServiceCompleted, answered): detail = the service, e.g. waybill-tracking. */
  'self_served',
  /** A self-service step failed: detail = the service. */
  'self_service_failed',
  /** The caller asked for a callback in the IVR (CallbackRequested). */
  'callback_requested',
  /** The call entered a queue (CallQueued; Asterisk ENTERQUEUE): site_id, queue_id, tier. Each overflow queues it again. */
  'queued',
  /** The call was offered to (rang at) an agent (CallOffered): agent_id. */
  'offered',
  /** The offer rang out (OfferNotAnswered; Asterisk RINGNOANSWER): agent_id, duration_ms = ring time when known. */
  'no_answer',
  /** An agent took the call (OfferAccepted; Asterisk CONNECT): agent_id, duration_ms = the wait in queue when the source says. */
  'answered',
  /** The caller was put on hold / taken off hold by the agent. */
  'held',
  'resumed',
  /** The call moved to another queue or agent: detail = the target ("queue:x", "agent:y"). */
  'transferred',
  /** The call left its queue for the next step of the overflow chain (CallOverflowed; Asterisk EXITWITHKEY, WITHDRAW): queue_id = the queue it left. */
  'overflowed',
  /** The caller hung up while waiting (CallAbandoned; Asterisk ABANDON): duration_ms = the wait. */
  'abandoned',
  /** The platform took the call out of the queue without an agent (Asterisk EXITWITHTIMEOUT, EXITEMPTY): detail = the reason. */
  'exited',
  /** The callback kept its place and will be dialled (CallbackScheduled). */
  'callback_scheduled',
  /** The conversation with the agent ended (CallCompleted; Asterisk COMPLETECALLER/COMPLETEAGENT): agent_id, duration_ms = talk time. */
  'completed',
  /** The agent's after-call work on this call ended: agent_id, duration_ms = the wrap-up time. */
  'wrap_up_ended',
  /** The call ended (telephony's CallEnded): detail = who ended it (caller, agent, system). */
  'ended',
  /** After the end, the switch offered the caller its post-call survey (SurveyOffered): agent_id = the agent it is about. */
  'survey_offered',
  /** The caller answered the survey (SurveyAnswered): detail = satisfied, neutral or dissatisfied. */
  'survey_answered',
  /** The caller left the survey unanswered (SurveyNotAnswered). */
  'survey_no_answer',
] as const;

export type MilestoneKind = (typeof milestoneKinds)[number];

/** Where a milestone came from. */
export type MilestoneSource = 'switchboard' | 'asterisk' | 'freeswitch';

/** One row of call_milestones_v1. Strings are '' when unknown (ClickHouse columns are not Nullable). */
export interface CallMilestone {
  readonly call_id: string;
  /**
   * Identifies the milestone for deduplication: the event id for Switchboard's events; for imports a
   * stable key derived from the source (e.g. "asterisk:<file hash>:<line number>"), so importing the same
   * file twice changes no figure.
   */
  readonly milestone_id: string;
  readonly kind: MilestoneKind;
  /** 'YYYY-MM-DD hh:mm:ss.sss' in UTC (clickHouseTime in domain/facts/milestones-of-event.ts). */
  readonly at: string;
  readonly site_id: string;
  readonly queue_id: string;
  readonly agent_id: string;
  /** 'platinum' | 'gold' | 'normal' | '' */
  readonly tier: string;
  readonly business_type: string;
  /** The duration the kind's comment names (wait, talk, ring, wrap-up), in milliseconds; 0 when none. */
  readonly duration_ms: number;
  readonly detail: string;
  readonly source: MilestoneSource;
}

/** Agent states as reporting keeps them, one row per change; intervals run from one change to the agent's next. */
export const agentStates = ['logged_out', 'ready', 'reserved', 'on_call', 'wrap_up', 'not_ready'] as const;
export type AgentStateName = (typeof agentStates)[number];

/** One row of agent_states_v1. */
export interface AgentStateChange {
  readonly agent_id: string;
  /** As call_milestones' milestone_id. */
  readonly change_id: string;
  readonly site_id: string;
  readonly state: AgentStateName;
  /** The not-ready reason code (Asterisk: the pause reason); '' otherwise. */
  readonly reason_code: string;
  /** The call the state concerns (reserved, on call, wrap-up); '' otherwise. */
  readonly call_id: string;
  readonly at: string;
  readonly source: MilestoneSource;
}
