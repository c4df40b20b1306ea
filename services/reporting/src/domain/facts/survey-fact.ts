// A call's post-call survey as the satisfaction shares count it (docs/metrics.md, "Satisfaction shares"):
// it belongs to the call's last segment — that agent, and the site, queue and interval of its visit.
import type { CallMilestone, MilestoneSource } from './call-milestones.ts';

/** `pending` until the caller answers or leaves; then their answer, or `no_answer`. */
export type SurveyAnswer = 'pending' | 'no_answer' | 'satisfied' | 'neutral' | 'dissatisfied';

export interface SurveyFact {
  readonly call_id: string;
  readonly site_id: string;
  readonly queue_id: string;
  readonly agent_id: string;
  readonly segment_seq: number;
  /** The last segment's visit's queued_at: the survey counts in that interval. */
  readonly visit_queued_at: number;
  readonly offered_at: number;
  /** When the caller answered or left; null while pending. */
  readonly answered_at: number | null;
  readonly answer: SurveyAnswer;
  readonly source: MilestoneSource;
}

/** What the survey is attributed to: the call's last segment. */
export interface LastSegment {
  readonly segment_seq: number;
  readonly site_id: string;
  readonly queue_id: string;
  readonly agent_id: string;
  readonly visit_queued_at: number;
}

const answers: Readonly<Record<string, SurveyAnswer>> = { satisfied: 'satisfied', neutral: 'neutral', dissatisfied: 'dissatisfied' };

/**
 * The survey of a call from its milestones in time order; undefined when none was offered, or when no
 * segment is known (yet) to attribute it to. The first answer counts; an answer implies the offer.
 */
export function surveyFact(sorted: readonly { readonly m: CallMilestone; readonly at: number }[], last: LastSegment | undefined): SurveyFact | undefined {
  let offeredAt: number | undefined;
  let answeredAt: number | null = null;
  let answer: SurveyAnswer = 'pending';
  for (const { m, at } of sorted) {
    if (m.kind !== 'survey_offered' && m.kind !== 'survey_answered' && m.kind !== 'survey_no_answer') continue;
    offeredAt ??= at;
    if (m.kind === 'survey_offered' || answer !== 'pending') continue;
    answer = m.kind === 'survey_no_answer' ? 'no_answer' : (answers[m.detail] ?? 'no_answer');
    answeredAt = at;
  }
  if (offeredAt === undefined || last === undefined) return undefined;
  return {
    call_id: sorted[0]!.m.call_id,
    site_id: last.site_id,
    queue_id: last.queue_id,
    agent_id: last.agent_id,
    segment_seq: last.segment_seq,
    visit_queued_at: last.visit_queued_at,
    offered_at: offeredAt,
    answered_at: answeredAt,
    answer,
    source: sorted[0]!.m.source,
  };
}
