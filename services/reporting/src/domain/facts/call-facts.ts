// A call's milestones folded into the facts the reports read (docs/metrics.md, "Facts and terms"): one
// row per call, one per visit (a stay in one queue), one per segment (an agent's connection to the call,
// with the wrap-up after it). Pure: the same milestones, in any order and however often delivered, give
// the same rows, so a replay or a second import changes no figure.
import type { CallMilestone, MilestoneKind, MilestoneSource } from './call-milestones.ts';
import { surveyFact, type SurveyAnswer, type SurveyFact } from './survey-fact.ts';

export type VisitOutcome = 'answered' | 'abandoned' | 'overflowed' | 'callback' | 'system_exit' | 'waiting';
export type VisitVia = 'ivr' | 'transfer' | 'overflow';

/** The service-level target T and the short-abandon threshold S stamped on every visit (docs/metrics.md). */
export interface QueueThresholds {
  readonly serviceLevelMs: number;
  readonly shortAbandonMs: number;
}
export const defaultThresholds: QueueThresholds = { serviceLevelMs: 20_000, shortAbandonMs: 5_000 };

export interface VisitFact {
  readonly call_id: string;
  readonly visit_seq: number;
  readonly site_id: string;
  readonly queue_id: string;
  readonly tier: string;
  readonly business_type: string;
  readonly via: VisitVia;
  readonly queued_at: number;
  readonly first_queued_at: number;
  readonly answered_at: number | null;
  readonly left_at: number | null;
  readonly outcome: VisitOutcome;
  /** For an overflowed or transferred visit, the site of the call's next visit ('' when none yet). */
  readonly left_to_site_id: string;
  /** 'reached' | 'not_reached' | '' (not a callback, or not dialled yet). */
  readonly callback_outcome: string;
  readonly agent_id: string;
  readonly wait_ms: number;
  readonly total_wait_ms: number;
  readonly agent_offers: number;
  readonly agent_no_answers: number;
  readonly sl_threshold_ms: number;
  readonly short_abandon_ms: number;
  readonly is_first_visit: boolean;
  readonly call_connected: boolean;
  readonly source: MilestoneSource;
}

export interface SegmentFact {
  readonly call_id: string;
  readonly segment_seq: number;
  /** The visit the agent answered (for a callback: the visit that scheduled it). */
  readonly visit_seq: number;
  /** That visit's queued_at: a segment counts in its visit's interval. */
  readonly visit_queued_at: number;
  readonly site_id: string;
  readonly queue_id: string;
  readonly agent_id: string;
  readonly answered_at: number;
  /** null while the agent is still connected. */
  readonly ended_at: number | null;
  /** 'ended' | 'transferred' | '' (still connected). */
  readonly ended_by: string;
  readonly is_callback: boolean;
  readonly talk_ms: number;
  readonly hold_ms: number;
  readonly acw_ms: number;
  readonly handle_ms: number;
  /** The call's post-call survey on the segment it is attributed to (the last): '' on every other segment and while none was offered. */
  readonly survey_answer: SurveyAnswer | '';
  readonly source: MilestoneSource;
}

export interface CallFact {
  readonly call_id: string;
  /** The first queue's site; else the site the switch named; else ''. */
  readonly site_id: string;
  readonly arrived_at: number;
  readonly ended_at: number | null;
  readonly ended_by: string;
  /** Services the IVR answered by voice (e.g. waybill-tracking, pickup-order). */
  readonly self_served: readonly string[];
  readonly self_service_failures: number;
  readonly asked_for_agent: boolean;
  readonly asked_for_callback: boolean;
  readonly queued: boolean;
  readonly connected: boolean;
  /** Served by the IVR alone: self-served, never asked for an agent or a callback, never queued. */
  readonly contained: boolean;
  readonly source: MilestoneSource;
}

export interface CallFacts {
  readonly call: CallFact;
  readonly visits: readonly VisitFact[];
  readonly segments: readonly SegmentFact[];
  /** The post-call survey, once offered and once a segment is known to attribute it to. */
  readonly survey: SurveyFact | undefined;
}

/** Ties at the same millisecond are taken in the order a call lives them. */
const kindOrder: Record<MilestoneKind, number> = {
  arrived: 0,
  self_served: 1,
  self_service_failed: 1,
  ivr_exit: 2,
  callback_requested: 2,
  // A transfer or an overflow comes before the queueing it causes at the same millisecond.
  transferred: 3,
  overflowed: 3,
  queued: 4,
  offered: 5,
  no_answer: 6,
  answered: 7,
  held: 8,
  resumed: 9,
  abandoned: 10,
  callback_scheduled: 10,
  exited: 10,
  completed: 11,
  ended: 12,
  wrap_up_ended: 13,
  survey_offered: 14,
  survey_answered: 15,
  survey_no_answer: 15,
};

export const msOf = (clickHouseTime: string) => Date.parse(`${clickHouseTime.replace(' ', 'T')}Z`);

interface OpenVisit {
  call_id: string;
  visit_seq: number;
  site_id: string;
  queue_id: string;
  tier: string;
  business_type: string;
  via: VisitVia;
  queued_at: number;
  answered_at: number | null;
  left_at: number | null;
  outcome: VisitOutcome;
  left_to_site_id: string;
  callback_outcome: string;
  agent_id: string;
  wait_ms: number;
  agent_offers: number;
  agent_no_answers: number;
}

interface OpenSegment {
  segment_seq: number;
  visit_seq: number;
  visit_queued_at: number;
  site_id: string;
  queue_id: string;
  agent_id: string;
  answered_at: number;
  ended_at: number | null;
  ended_by: string;
  is_callback: boolean;
  hold_ms: number;
  held_since: number | null;
  talk_override: number | null;
  acw_ms: number;
}

/** Folds one call's milestones (any order, duplicates allowed) into its facts; undefined for no milestone. */
export function callFacts(milestones: readonly CallMilestone[], thresholds: (siteId: string, queueId: string) => QueueThresholds = () => defaultThresholds): CallFacts | undefined {
  const unique = [...new Map(milestones.map((m) => [m.milestone_id, m])).values()];
  if (unique.length === 0) return undefined;
  const sorted = unique
    .map((m) => ({ m, at: msOf(m.at) }))
    .sort((a, b) => a.at - b.at || kindOrder[a.m.kind] - kindOrder[b.m.kind] || (a.m.milestone_id < b.m.milestone_id ? -1 : 1));
  const first = sorted[0]!.m;
  const imported = first.source !== 'switchboard';

  const visits: OpenVisit[] = [];
  const segments: OpenSegment[] = [];
  let pendingVia: VisitVia | undefined;
  let businessType = '';
  let arrivedAt: number | undefined;
  let arrivedSite = '';
  let endedAt: number | null = null;
  let endedBy = '';
  const selfServed: string[] = [];
  let selfServiceFailures = 0;
  let askedForAgent = false;
  let askedForCallback = false;

  const openVisit = () => {
    const v = visits.at(-1);
    return v !== undefined && v.outcome === 'waiting' ? v : undefined;
  };
  const openSegment = () => {
    const s = segments.at(-1);
    return s !== undefined && s.ended_at === null ? s : undefined;
  };
  const leave = (visit: OpenVisit, outcome: VisitOutcome, at: number, durationMs: number) => {
    visit.outcome = outcome;
    visit.left_at = at;
    visit.wait_ms = imported && durationMs > 0 ? durationMs : Math.max(0, at - visit.queued_at);
  };
  const endSegment = (segment: OpenSegment, at: number, by: string) => {
    if (segment.held_since !== null) {
      segment.hold_ms += Math.max(0, at - segment.held_since);
      segment.held_since = null;
    }
    segment.ended_at = at;
    segment.ended_by = by;
  };

  for (const { m, at } of sorted) {
    switch (m.kind) {
      case 'arrived':
        arrivedAt ??= at;
        arrivedSite ||= m.site_id;
        break;
      case 'self_served':
        selfServed.push(m.detail);
        break;
      case 'self_service_failed':
        selfServiceFailures++;
        break;
      case 'ivr_exit':
        askedForAgent = true;
        businessType ||= m.business_type;
        break;
      case 'callback_requested':
        askedForCallback = true;
        businessType ||= m.business_type;
        break;
      case 'queued': {
        const previous = openVisit();
        // A visit still open when the call queues again left for the next queue.
        if (previous) leave(previous, 'overflowed', at, 0);
        const last = visits.at(-1);
        if (last && last.left_to_site_id === '' && last.outcome !== 'callback') last.left_to_site_id = m.site_id;
        visits.push({
          call_id: m.call_id,
          visit_seq: visits.length + 1,
          site_id: m.site_id,
          queue_id: m.queue_id,
          tier: m.tier || 'normal',
          business_type: m.business_type || businessType,
          via: pendingVia ?? (visits.length === 0 ? 'ivr' : 'overflow'),
          queued_at: at,
          answered_at: null,
          left_at: null,
          outcome: 'waiting',
          left_to_site_id: '',
          callback_outcome: '',
          agent_id: '',
          wait_ms: 0,
          agent_offers: 0,
          agent_no_answers: 0,
        });
        pendingVia = undefined;
        break;
      }
      case 'offered': {
        // A callback's offer (the agent dials) counts on the visit that scheduled it.
        const visit = openVisit() ?? (m.detail === 'callback' ? visits.findLast((v) => v.outcome === 'callback') : undefined);
        if (visit) visit.agent_offers++;
        break;
      }
      case 'no_answer': {
        const visit = openVisit();
        if (visit) visit.agent_no_answers++;
        break;
      }
      case 'answered': {
        const visit = openVisit();
        const previous = openSegment();
        if (previous) endSegment(previous, at, 'transferred');
        if (visit) {
          leave(visit, 'answered', at, m.duration_ms);
          visit.answered_at = at;
          visit.agent_id = m.agent_id;
        }
        const owner = visit ?? visits.at(-1);
        segments.push({
          segment_seq: segments.length + 1,
          visit_seq: owner?.visit_seq ?? 0,
          visit_queued_at: owner?.queued_at ?? at,
          site_id: owner?.site_id ?? m.site_id,
          queue_id: owner?.queue_id ?? m.queue_id,
          agent_id: m.agent_id,
          answered_at: at,
          ended_at: null,
          ended_by: '',
          is_callback: visit === undefined && owner?.outcome === 'callback',
          hold_ms: 0,
          held_since: null,
          talk_override: null,
          acw_ms: 0,
        });
        break;
      }
      case 'held': {
        const segment = openSegment();
        if (segment && segment.held_since === null) segment.held_since = at;
        break;
      }
      case 'resumed': {
        const segment = openSegment();
        if (segment && segment.held_since !== null) {
          segment.hold_ms += at - segment.held_since;
          segment.held_since = null;
        }
        break;
      }
      case 'transferred': {
        const segment = openSegment();
        if (segment) endSegment(segment, at, 'transferred');
        pendingVia = 'transfer';
        break;
      }
      case 'overflowed': {
        const visit = openVisit();
        if (visit) leave(visit, 'overflowed', at, m.duration_ms);
        pendingVia = 'overflow';
        break;
      }
      case 'abandoned': {
        const visit = openVisit();
        if (visit) leave(visit, 'abandoned', at, m.duration_ms);
        break;
      }
      case 'exited': {
        const visit = openVisit();
        if (visit) leave(visit, 'system_exit', at, m.duration_ms);
        break;
      }
      case 'callback_scheduled': {
        const visit = openVisit();
        if (visit) leave(visit, 'callback', at, m.duration_ms);
        break;
      }
      case 'completed': {
        const segment = openSegment() ?? segments.findLast((s) => s.agent_id === m.agent_id);
        if (segment) {
          if (segment.ended_at === null) endSegment(segment, at, 'ended');
          if (imported && m.duration_ms > 0) segment.talk_override = m.duration_ms;
        }
        if (m.detail !== '') {
          const callback = visits.findLast((v) => v.outcome === 'callback');
          if (callback) callback.callback_outcome = m.detail;
        }
        break;
      }
      case 'wrap_up_ended': {
        const segment = segments.findLast((s) => s.agent_id === m.agent_id && s.ended_at !== null);
        if (segment && segment.ended_at !== null) segment.acw_ms = imported && m.duration_ms > 0 ? m.duration_ms : Math.max(0, at - segment.ended_at);
        break;
      }
      case 'ended': {
        endedAt ??= at;
        endedBy ||= m.detail;
        const segment = openSegment();
        if (segment) endSegment(segment, at, 'ended');
        const visit = openVisit();
        if (visit) leave(visit, m.detail === 'system' ? 'system_exit' : 'abandoned', at, 0);
        break;
      }
    }
  }

  // Connected: an agent talked with the caller live, or a callback reached them.
  const connected = segments.some((s) => !s.is_callback) || visits.some((v) => v.callback_outcome === 'reached');
  const firstQueuedAt = visits[0]?.queued_at ?? 0;
  const source = first.source;
  const visitRows: VisitFact[] = visits.map((v) => {
    const t = thresholds(v.site_id, v.queue_id);
    return {
      ...v,
      first_queued_at: firstQueuedAt,
      total_wait_ms: v.left_at === null ? 0 : Math.max(0, v.left_at - firstQueuedAt),
      sl_threshold_ms: t.serviceLevelMs,
      short_abandon_ms: t.shortAbandonMs,
      is_first_visit: v.visit_seq === 1,
      call_connected: connected,
      source,
    };
  });
  const segmentRows: SegmentFact[] = segments.map((s) => {
    const span = s.ended_at === null ? 0 : s.ended_at - s.answered_at;
    const talk = s.talk_override ?? Math.max(0, span - s.hold_ms);
    return {
      call_id: first.call_id,
      segment_seq: s.segment_seq,
      visit_seq: s.visit_seq,
      visit_queued_at: s.visit_queued_at,
      site_id: s.site_id,
      queue_id: s.queue_id,
      agent_id: s.agent_id,
      answered_at: s.answered_at,
      ended_at: s.ended_at,
      ended_by: s.ended_by,
      is_callback: s.is_callback,
      talk_ms: talk,
      hold_ms: s.hold_ms,
      acw_ms: s.acw_ms,
      handle_ms: talk + s.hold_ms + s.acw_ms,
      survey_answer: '',
      source,
    };
  });
  // The survey, attributed to the last segment, is also carried on that segment's row: the rollup reads the
  // segments of an interval by their sort key instead of scanning every survey of the table.
  const survey = surveyFact(sorted, segmentRows.at(-1));
  if (survey !== undefined) segmentRows[segmentRows.length - 1] = { ...segmentRows.at(-1)!, survey_answer: survey.answer };
  const queued = visits.length > 0;
  return {
    call: {
      call_id: first.call_id,
      site_id: visits[0]?.site_id ?? arrivedSite,
      arrived_at: arrivedAt ?? firstQueuedAt ?? sorted[0]!.at,
      ended_at: endedAt,
      ended_by: endedBy,
      self_served: selfServed,
      self_service_failures: selfServiceFailures,
      asked_for_agent: askedForAgent,
      asked_for_callback: askedForCallback,
      queued,
      connected,
      contained: selfServed.length > 0 && !askedForAgent && !askedForCallback && !queued,
      source,
    },
    visits: visitRows,
    segments: segmentRows,
    survey,
  };
}
