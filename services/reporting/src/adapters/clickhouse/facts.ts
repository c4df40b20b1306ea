// Writing and reading the facts tables (call_milestones_v1, agent_states_v1, queue_visits_v1,
// call_segments_v1, calls_v1, call_surveys_v1): the named functions reporting uses, nothing else touches these tables.
import type { AgentStateChange, CallMilestone } from '../../domain/facts/call-milestones.ts';
import { clickHouseTime } from '../../domain/facts/milestones-of-event.ts';
import type { CallFacts } from '../../domain/facts/call-facts.ts';
import { insertRows, queryRows, type ClickHouseClient } from './client.ts';

/** Inserts milestones; the same rows inserted again (a retried batch) are kept once. */
export async function insertCallMilestones(client: ClickHouseClient, rows: readonly CallMilestone[]): Promise<void> {
  if (rows.length === 0) return;
  await insertRows(client, 'call_milestones_v1', rows, rows.map((r) => r.milestone_id));
}

/** Inserts agent state changes; the same rows inserted again are kept once. */
export async function insertAgentStateChanges(client: ClickHouseClient, rows: readonly AgentStateChange[]): Promise<void> {
  if (rows.length === 0) return;
  await insertRows(client, 'agent_states_v1', rows, rows.map((r) => r.change_id));
}

/** A milestone's columns that are not numbers (duration_ms is). */
const MILESTONE_LABELS = new Set(['call_id', 'milestone_id', 'kind', 'at', 'site_id', 'queue_id', 'agent_id', 'tier', 'business_type', 'detail', 'source']);

/** Every milestone of the given calls, grouped by call. */
export async function milestonesOfCalls(client: ClickHouseClient, callIds: readonly string[]): Promise<Map<string, CallMilestone[]>> {
  const byCall = new Map<string, CallMilestone[]>();
  if (callIds.length === 0) return byCall;
  const rows = await queryRows<CallMilestone>(
    client,
    {
      query: `select call_id, milestone_id, kind, toString(at) as at, site_id, queue_id, agent_id, tier, business_type, duration_ms, detail, source
              from call_milestones_v1 where call_id in {ids: Array(String)}`,
      query_params: { ids: [...callIds] },
    },
    MILESTONE_LABELS,
  );
  for (const milestone of rows) {
    const list = byCall.get(milestone.call_id);
    if (list) list.push(milestone);
    else byCall.set(milestone.call_id, [milestone]);
  }
  return byCall;
}

const time = (ms: number | null) => (ms === null ? null : clickHouseTime(ms));

/** Writes the facts of rebuilt calls; `builtAt` orders builds, the newest replaces the rest. */
export async function insertCallFacts(client: ClickHouseClient, facts: readonly CallFacts[], builtAt: number): Promise<void> {
  if (facts.length === 0) return;
  const visits = facts.flatMap((f) =>
    f.visits.map((v) => ({
      ...v,
      queued_at: time(v.queued_at),
      first_queued_at: time(v.first_queued_at),
      answered_at: time(v.answered_at),
      left_at: time(v.left_at),
      built_at: builtAt,
    })),
  );
  const segments = facts.flatMap((f) =>
    f.segments.map((s) => ({ ...s, visit_queued_at: time(s.visit_queued_at), answered_at: time(s.answered_at), ended_at: time(s.ended_at), built_at: builtAt })),
  );
  const calls = facts.map((f) => ({ ...f.call, self_served: [...f.call.self_served], arrived_at: time(f.call.arrived_at), ended_at: time(f.call.ended_at), built_at: builtAt }));
  const surveys = facts.flatMap((f) =>
    f.survey === undefined
      ? []
      : [{ ...f.survey, visit_queued_at: time(f.survey.visit_queued_at), offered_at: time(f.survey.offered_at), answered_at: time(f.survey.answered_at), built_at: builtAt }],
  );
  await Promise.all([
    visits.length > 0 ? client.insert({ table: 'queue_visits_v1', values: visits, format: 'JSONEachRow' }) : undefined,
    segments.length > 0 ? client.insert({ table: 'call_segments_v1', values: segments, format: 'JSONEachRow' }) : undefined,
    surveys.length > 0 ? client.insert({ table: 'call_surveys_v1', values: surveys, format: 'JSONEachRow' }) : undefined,
    client.insert({ table: 'calls_v1', values: calls, format: 'JSONEachRow' }),
  ]);
}
