// The ClickHouse schema of reporting, versioned: each statement runs once, in order, recorded by name.
import type { ClickHouseClient } from './client.ts';

interface SchemaStep {
  readonly name: string;
  readonly sql: string;
}

const steps: readonly SchemaStep[] = [
  {
    // Every event of every topic. A replay or a relay's redelivery writes the same event again: the
    // sorting key holds event_id, so merges keep one row, and figures read with FINAL (or count
    // distinct event ids) never count it twice. Insert deduplication needs a window on a
    // non-replicated table (chDB's default is 0, off).
    name: '001_events_raw_v1',
    sql: `create table if not exists events_raw_v1 (
      event_id UUID,
      type LowCardinality(String),
      schema_version UInt32,
      stream_id String,
      stream_version UInt64,
      site_id LowCardinality(String),
      occurred_at DateTime64(3, 'UTC'),
      topic LowCardinality(String),
      partition UInt32,
      offset UInt64,
      ingested_at DateTime64(3, 'UTC') default now64(3),
      payload String
    ) engine = ReplacingMergeTree
    partition by toYYYYMM(occurred_at)
    order by (type, occurred_at, event_id)
    settings non_replicated_deduplication_window = 1000`,
  },
  {
    // What happened to each call, from the event log or an imported switch log (domain/facts/call-milestones.ts).
    // A milestone delivered twice has one milestone_id: merges keep one, and the fold ignores the copy.
    name: '002_call_milestones_v1',
    sql: `create table if not exists call_milestones_v1 (
      call_id String,
      milestone_id String,
      kind LowCardinality(String),
      at DateTime64(3, 'UTC'),
      site_id LowCardinality(String),
      queue_id LowCardinality(String),
      agent_id String,
      tier LowCardinality(String),
      business_type LowCardinality(String),
      duration_ms UInt64,
      detail String,
      source LowCardinality(String),
      ingested_at DateTime64(3, 'UTC') default now64(3)
    ) engine = ReplacingMergeTree
    order by (call_id, milestone_id)
    settings non_replicated_deduplication_window = 1000`,
  },
  {
    name: '003_agent_states_v1',
    sql: `create table if not exists agent_states_v1 (
      agent_id String,
      change_id String,
      site_id LowCardinality(String),
      state LowCardinality(String),
      reason_code LowCardinality(String),
      call_id String,
      at DateTime64(3, 'UTC'),
      source LowCardinality(String)
    ) engine = ReplacingMergeTree
    partition by toYYYYMM(at)
    order by (site_id, agent_id, at, change_id)
    settings non_replicated_deduplication_window = 1000`,
  },
  {
    // The facts the reports read (docs/metrics.md): rebuilt whole for a call whenever one of its
    // milestones arrives; the newest build (built_at) replaces the older ones, so reads use FINAL.
    name: '004_queue_visits_v1',
    sql: `create table if not exists queue_visits_v1 (
      call_id String,
      visit_seq UInt16,
      site_id LowCardinality(String),
      queue_id LowCardinality(String),
      tier LowCardinality(String),
      business_type LowCardinality(String),
      via LowCardinality(String),
      queued_at DateTime64(3, 'UTC'),
      first_queued_at DateTime64(3, 'UTC'),
      answered_at Nullable(DateTime64(3, 'UTC')),
      left_at Nullable(DateTime64(3, 'UTC')),
      outcome LowCardinality(String),
      left_to_site_id LowCardinality(String),
      callback_outcome LowCardinality(String),
      agent_id String,
      wait_ms UInt64,
      total_wait_ms UInt64,
      agent_offers UInt16,
      agent_no_answers UInt16,
      sl_threshold_ms UInt32,
      short_abandon_ms UInt32,
      is_first_visit Bool,
      call_connected Bool,
      source LowCardinality(String),
      built_at UInt64
    ) engine = ReplacingMergeTree(built_at)
    partition by toYYYYMM(queued_at)
    order by (site_id, queue_id, queued_at, call_id, visit_seq)`,
  },
  {
    name: '005_call_segments_v1',
    sql: `create table if not exists call_segments_v1 (
      call_id String,
      segment_seq UInt16,
      visit_seq UInt16,
      visit_queued_at DateTime64(3, 'UTC'),
      site_id LowCardinality(String),
      queue_id LowCardinality(String),
      agent_id String,
      answered_at DateTime64(3, 'UTC'),
      ended_at Nullable(DateTime64(3, 'UTC')),
      ended_by LowCardinality(String),
      is_callback Bool,
      talk_ms UInt64,
      hold_ms UInt64,
      acw_ms UInt64,
      handle_ms UInt64,
      source LowCardinality(String),
      built_at UInt64
    ) engine = ReplacingMergeTree(built_at)
    partition by toYYYYMM(visit_queued_at)
    order by (site_id, queue_id, visit_queued_at, call_id, segment_seq)`,
  },
  {
    // Keyed by call id alone: a call's site and arrival can be learnt late (its events come from two topics).
    name: '006_calls_v1',
    sql: `create table if not exists calls_v1 (
      call_id String,
      site_id LowCardinality(String),
      arrived_at DateTime64(3, 'UTC'),
      ended_at Nullable(DateTime64(3, 'UTC')),
      ended_by LowCardinality(String),
      self_served Array(LowCardinality(String)),
      self_service_failures UInt16,
      asked_for_agent Bool,
      asked_for_callback Bool,
      queued Bool,
      connected Bool,
      contained Bool,
      source LowCardinality(String),
      built_at UInt64
    ) engine = ReplacingMergeTree(built_at)
    order by call_id`,
  },
  {
    // The interval reports' rollup: every sum of docs/metrics.md "Columns" per site, queue and 15-minute
    // UTC bucket (of the visit's queued_at); any zone's hours, days and months are unions of these.
    name: '007_queue_rollup_15m_v1',
    sql: `create table if not exists queue_rollup_15m_v1 (
      site_id LowCardinality(String),
      queue_id LowCardinality(String),
      bucket DateTime('UTC'),
      offered UInt32,
      transferred_in UInt32,
      overflowed_in UInt32,
      in_queue UInt32,
      open_visits UInt32,
      answered UInt32,
      answered_within_sl UInt32,
      abandoned UInt32,
      short_abandoned UInt32,
      abandoned_within_sl UInt32,
      system_exits UInt32,
      overflowed_out UInt32,
      overflowed_out_other_site UInt32,
      callbacks_scheduled UInt32,
      callbacks_reached UInt32,
      callbacks_not_reached UInt32,
      offered_calls UInt32,
      connected_calls UInt32,
      short_abandoned_calls UInt32,
      sum_wait_ms UInt64,
      sum_answer_wait_ms UInt64,
      sum_abandon_wait_ms UInt64,
      max_wait_ms UInt64,
      agent_offers UInt32,
      agent_no_answers UInt32,
      handled UInt32,
      sum_talk_ms UInt64,
      sum_hold_ms UInt64,
      sum_acw_ms UInt64,
      sum_handle_ms UInt64,
      built_at UInt64
    ) engine = ReplacingMergeTree(built_at)
    partition by toYYYYMM(bucket)
    order by (site_id, queue_id, bucket)`,
  },
  {
    // One post-call survey per call, attributed to the call's last segment (docs/metrics.md, "Satisfaction
    // shares"). Keyed by call id alone: a segment learnt late moves the survey to another queue or agent,
    // and the newest build must replace the old one wherever it was.
    name: '008_call_surveys_v1',
    sql: `create table if not exists call_surveys_v1 (
      call_id String,
      site_id LowCardinality(String),
      queue_id LowCardinality(String),
      agent_id String,
      segment_seq UInt16,
      visit_queued_at DateTime64(3, 'UTC'),
      offered_at DateTime64(3, 'UTC'),
      answered_at Nullable(DateTime64(3, 'UTC')),
      answer LowCardinality(String),
      source LowCardinality(String),
      built_at UInt64
    ) engine = ReplacingMergeTree(built_at)
    order by call_id`,
  },
  {
    // The satisfaction columns, before built_at: the rollup is written by position (reports.ts, rollupInsert).
    // Rows rolled up before this step hold no survey: 0 is their true count.
    name: '009_queue_rollup_15m_v1_satisfaction',
    sql: `alter table queue_rollup_15m_v1
      add column if not exists surveys_offered UInt32 default 0 after sum_handle_ms,
      add column if not exists surveys_answered UInt32 default 0 after surveys_offered,
      add column if not exists satisfied UInt32 default 0 after surveys_answered,
      add column if not exists neutral UInt32 default 0 after satisfied,
      add column if not exists dissatisfied UInt32 default 0 after neutral`,
  },
  {
    // When the longest-waiting caller of the bucket's waiting visits was queued: the wallboard's "waiting
    // now" reads the last day's rollup rows instead of every visit of the day with FINAL. After the last
    // visit column, where rollupInsert writes it; 0 on rows rolled up before (read as the bucket's start).
    name: '010_queue_rollup_15m_v1_oldest_waiting',
    sql: `alter table queue_rollup_15m_v1
      add column if not exists oldest_waiting_at DateTime64(3, 'UTC') default 0 after agent_no_answers`,
  },
  {
    // Each agent's latest state, kept up to date by the view below: the wallboard reads one row per agent
    // instead of folding every state change ever recorded. argMax keeps the same latest state however often
    // a change is delivered, so a replay changes nothing.
    name: '011_agent_state_now_v1',
    sql: `create table if not exists agent_state_now_v1 (
      site_id LowCardinality(String),
      agent_id String,
      state AggregateFunction(argMax, LowCardinality(String), Tuple(DateTime64(3, 'UTC'), String)),
      reason_code AggregateFunction(argMax, LowCardinality(String), Tuple(DateTime64(3, 'UTC'), String)),
      since SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
    ) engine = AggregatingMergeTree
    order by (site_id, agent_id)`,
  },
  {
    name: '012_agent_state_now_mv_v1',
    sql: `create materialized view if not exists agent_state_now_mv_v1 to agent_state_now_v1 as
      select site_id, agent_id, argMaxState(state, (at, change_id)) as state, argMaxState(reason_code, (at, change_id)) as reason_code, max(at) as since
      from agent_states_v1 group by site_id, agent_id`,
  },
  {
    // The changes recorded before the view existed (steps run before ingestion starts).
    name: '013_agent_state_now_v1_backfill',
    sql: `insert into agent_state_now_v1
      select site_id, agent_id, argMaxState(state, (at, change_id)), argMaxState(reason_code, (at, change_id)), max(at)
      from agent_states_v1 group by site_id, agent_id`,
  },
  {
    // The call's post-call survey on the segment it is attributed to (its last), '' on the others: the rollup
    // sums an interval's surveys from the segments, read by their sort key, instead of scanning every survey
    // of call_surveys_v1 (keyed by call id) with FINAL at each flush — a day at 20 calls/s holds ~500,000.
    name: '014_call_segments_v1_survey_answer',
    sql: `alter table call_segments_v1 add column if not exists survey_answer LowCardinality(String) default '' after handle_ms`,
  },
  {
    // The surveys recorded before the column existed, copied onto their segments (a newer build of the same
    // rows; a later rebuild of the call writes the same answer).
    name: '015_call_segments_v1_survey_answer_backfill',
    sql: `insert into call_segments_v1 (call_id, segment_seq, visit_seq, visit_queued_at, site_id, queue_id, agent_id, answered_at, ended_at, ended_by,
                                       is_callback, talk_ms, hold_ms, acw_ms, handle_ms, survey_answer, source, built_at)
      select s.call_id, s.segment_seq, s.visit_seq, s.visit_queued_at, s.site_id, s.queue_id, s.agent_id, s.answered_at, s.ended_at, s.ended_by,
             s.is_callback, s.talk_ms, s.hold_ms, s.acw_ms, s.handle_ms, v.answer, s.source, s.built_at + 1
      from call_segments_v1 as s final
      inner join (select call_id, segment_seq, site_id, queue_id, visit_queued_at, answer from call_surveys_v1 final) as v
        on v.call_id = s.call_id and v.segment_seq = s.segment_seq and v.site_id = s.site_id and v.queue_id = s.queue_id and v.visit_queued_at = s.visit_queued_at`,
  },
];

export async function applyClickHouseSchema(client: ClickHouseClient): Promise<string[]> {
  await client.command({
    query: 'create table if not exists schema_migrations (name String, applied_at DateTime64(3, \'UTC\') default now64(3)) engine = MergeTree order by name',
  });
  const applied = new Set(
    (await (await client.query({ query: 'select name from schema_migrations', format: 'JSONEachRow' })).json<{ name: string }>()).map((r) => r.name),
  );
  const done: string[] = [];
  for (const step of steps) {
    if (applied.has(step.name)) continue;
    await client.command({ query: step.sql });
    await client.insert({ table: 'schema_migrations', values: [{ name: step.name }], format: 'JSONEachRow' });
    done.push(step.name);
  }
  return done;
}
