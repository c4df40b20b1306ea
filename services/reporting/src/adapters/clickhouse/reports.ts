// The historical reports, in SQL over the facts: each metric of docs/metrics.md computed once, here.
// The wallboard's "today" reads the same functions, so live and history never disagree.
import { queryRows, type ClickHouseClient } from './client.ts';
import { clickHouseTime } from '../../domain/facts/milestones-of-event.ts';

export type ReportInterval = '15m' | 'hour' | 'day' | 'month' | 'all';
export type QueueGrouping = 'queue' | 'site';

export interface ReportRange {
  readonly from: Date;
  readonly to: Date;
  /** IANA zone the intervals are cut in (docs/metrics.md, "Intervals and time zones"). */
  readonly timezone: string;
  readonly interval: ReportInterval;
  /** Only these sites (a supervisor's scope); undefined = all. */
  readonly siteIds?: readonly string[];
  readonly queueId?: string;
}

/** The local start of the interval holding `column`, as 'YYYY-MM-DD hh:mm:ss' in the report's zone. */
function bucket(column: string, interval: ReportInterval): string {
  const local = `toTimeZone(${column}, {tz: String})`;
  switch (interval) {
    case '15m':
      return `formatDateTime(toStartOfFifteenMinutes(${local}), '%Y-%m-%d %H:%i:%S', {tz: String})`;
    case 'hour':
      return `formatDateTime(toStartOfHour(${local}), '%Y-%m-%d %H:%i:%S', {tz: String})`;
    case 'day':
      return `formatDateTime(toStartOfDay(${local}), '%Y-%m-%d %H:%i:%S', {tz: String})`;
    case 'month':
      return `concat(formatDateTime(toStartOfMonth(${local}), '%Y-%m-%d', {tz: String}), ' 00:00:00')`;
    case 'all':
      return `formatDateTime(toTimeZone({from: DateTime64(3, 'UTC')}, {tz: String}), '%Y-%m-%d %H:%i:%S', {tz: String})`;
  }
}

const params = (range: ReportRange) => ({
  from: clickHouseTime(range.from.getTime()),
  to: clickHouseTime(range.to.getTime()),
  tz: range.timezone,
  sites: [...(range.siteIds ?? [])],
  all_sites: range.siteIds === undefined ? 1 : 0,
  queue: range.queueId ?? '',
});

const scope = (site: string, queue: string) =>
  `({all_sites: UInt8} = 1 or ${site} in {sites: Array(String)}) and ({queue: String} = '' or ${queue} = {queue: String})`;

/** Sums per site (and queue) and interval: the columns of docs/metrics.md, "Columns". */
const QUEUE_SUMS = `
  count() as offered,
  countIf(via = 'transfer') as transferred_in,
  countIf(via = 'overflow') as overflowed_in,
  countIf(outcome = 'waiting') as in_queue,
  countIf(outcome = 'waiting' or (outcome = 'callback' and callback_outcome = '')) as open_visits,
  countIf(outcome = 'answered') as answered,
  countIf(outcome = 'answered' and wait_ms <= sl_threshold_ms) as answered_within_sl,
  countIf(outcome = 'abandoned') as abandoned,
  countIf(outcome = 'abandoned' and wait_ms <= short_abandon_ms) as short_abandoned,
  countIf(outcome = 'abandoned' and wait_ms <= sl_threshold_ms) as abandoned_within_sl,
  countIf(outcome = 'system_exit') as system_exits,
  countIf(outcome = 'overflowed') as overflowed_out,
  countIf(outcome = 'overflowed' and left_to_site_id != '' and left_to_site_id != site_id) as overflowed_out_other_site,
  countIf(outcome = 'callback') as callbacks_scheduled,
  countIf(callback_outcome = 'reached') as callbacks_reached,
  countIf(callback_outcome = 'not_reached') as callbacks_not_reached,
  countIf(is_first_visit) as offered_calls,
  countIf(is_first_visit and call_connected) as connected_calls,
  countIf(is_first_visit and outcome = 'abandoned' and total_wait_ms <= short_abandon_ms) as short_abandoned_calls,
  sumIf(wait_ms, outcome != 'waiting') as sum_wait_ms,
  sumIf(wait_ms, outcome = 'answered') as sum_answer_wait_ms,
  sumIf(wait_ms, outcome = 'abandoned') as sum_abandon_wait_ms,
  maxIf(wait_ms, outcome != 'waiting') as max_wait_ms,
  sum(agent_offers) as agent_offers,
  sum(agent_no_answers) as agent_no_answers,
  minIf(queued_at, outcome = 'waiting') as oldest_waiting_at`;

const SEGMENT_SUMS = `
  countIf(ended_at is not null) as handled,
  sumIf(talk_ms, ended_at is not null) as sum_talk_ms,
  sumIf(hold_ms, ended_at is not null) as sum_hold_ms,
  sumIf(acw_ms, ended_at is not null) as sum_acw_ms,
  sumIf(handle_ms, ended_at is not null) as sum_handle_ms`;

const SEGMENT_COLUMNS = 'segments.handled as handled, segments.sum_talk_ms as sum_talk_ms, segments.sum_hold_ms as sum_hold_ms, segments.sum_acw_ms as sum_acw_ms, segments.sum_handle_ms as sum_handle_ms';

/**
 * The survey sums (docs/metrics.md, "Satisfaction shares"): every offered survey, and the answered ones by answer,
 * over `answer` where `offered` holds — call_surveys_v1's rows, or the segments that carry their call's survey.
 */
const surveySums = (answer: string, offered: string) => `
  countIf(${offered}) as surveys_offered,
  countIf(${answer} in ('satisfied', 'neutral', 'dissatisfied')) as surveys_answered,
  countIf(${answer} = 'satisfied') as satisfied,
  countIf(${answer} = 'neutral') as neutral,
  countIf(${answer} = 'dissatisfied') as dissatisfied`;
const SURVEY_SUMS = surveySums('answer', '1');
/** What the rollup counts: call_segments_v1.survey_answer, '' on the segments that carry no survey. */
const SEGMENT_SURVEY_SUMS = surveySums('survey_answer', "survey_answer != ''");

const surveyColumns = (from: string) =>
  ['surveys_offered', 'surveys_answered', 'satisfied', 'neutral', 'dissatisfied'].map((c) => `${from}.${c} as ${c}`).join(', ');

/** The satisfaction shares and the response rate, over columns named as SURVEY_SUMS names them. */
const SATISFACTION_METRICS = `
  satisfied / nullIf(surveys_answered, 0) as satisfied_share,
  neutral / nullIf(surveys_answered, 0) as neutral_share,
  dissatisfied / nullIf(surveys_answered, 0) as dissatisfied_share,
  surveys_answered / nullIf(surveys_offered, 0) as survey_response_rate`;

/** The ratios, each once (docs/metrics.md); an empty denominator gives null. */
const QUEUE_METRICS = `
  answered_within_sl / nullIf(answered + abandoned - short_abandoned + system_exits, 0) as service_level,
  answered_within_sl / nullIf(answered, 0) as sl_answered,
  answered_within_sl / nullIf(offered, 0) as sl_offered,
  (answered_within_sl + abandoned_within_sl) / nullIf(answered + abandoned + system_exits, 0) as sl_abandons_met,
  connected_calls / nullIf(offered_calls, 0) as answer_rate,
  connected_calls / nullIf(offered_calls - short_abandoned_calls, 0) as answer_rate_excl_short,
  answered / nullIf(offered, 0) as queue_answer_rate,
  abandoned / nullIf(offered, 0) as abandon_rate,
  (abandoned - short_abandoned) / nullIf(offered - short_abandoned, 0) as abandon_rate_excl_short,
  sum_answer_wait_ms / nullIf(answered, 0) as asa_ms,
  sum_abandon_wait_ms / nullIf(abandoned, 0) as avg_abandon_wait_ms,
  sum_handle_ms / nullIf(handled, 0) as aht_ms,
  overflowed_out / nullIf(offered, 0) as overflow_rate,
  callbacks_scheduled / nullIf(offered, 0) as callback_rate,
  callbacks_reached / nullIf(callbacks_reached + callbacks_not_reached, 0) as callback_reach_rate,
  1 - agent_no_answers / nullIf(agent_offers, 0) as agent_answer_rate,${SATISFACTION_METRICS}`;

export interface QueueReportRow {
  readonly site_id: string;
  readonly queue_id: string;
  readonly interval_start: string;
  readonly [column: string]: string | number | null;
}

/** The columns that name things; every other column is a number (queryRows makes ClickHouse's 64-bit integers numbers). */
const labels = new Set(['site_id', 'queue_id', 'agent_id', 'interval_start']);
/** The rollup's sums re-added over any interval (max for the longest wait): every bucket of the report. */
const ROLLUP_SUMS = `
  sum(offered) as offered,
  sum(transferred_in) as transferred_in,
  sum(overflowed_in) as overflowed_in,
  sum(in_queue) as in_queue,
  sum(open_visits) as open_visits,
  sum(answered) as answered,
  sum(answered_within_sl) as answered_within_sl,
  sum(abandoned) as abandoned,
  sum(short_abandoned) as short_abandoned,
  sum(abandoned_within_sl) as abandoned_within_sl,
  sum(system_exits) as system_exits,
  sum(overflowed_out) as overflowed_out,
  sum(overflowed_out_other_site) as overflowed_out_other_site,
  sum(callbacks_scheduled) as callbacks_scheduled,
  sum(callbacks_reached) as callbacks_reached,
  sum(callbacks_not_reached) as callbacks_not_reached,
  sum(offered_calls) as offered_calls,
  sum(connected_calls) as connected_calls,
  sum(short_abandoned_calls) as short_abandoned_calls,
  sum(sum_wait_ms) as sum_wait_ms,
  sum(sum_answer_wait_ms) as sum_answer_wait_ms,
  sum(sum_abandon_wait_ms) as sum_abandon_wait_ms,
  max(max_wait_ms) as max_wait_ms,
  sum(agent_offers) as agent_offers,
  sum(agent_no_answers) as agent_no_answers,
  sum(handled) as handled,
  sum(sum_talk_ms) as sum_talk_ms,
  sum(sum_hold_ms) as sum_hold_ms,
  sum(sum_acw_ms) as sum_acw_ms,
  sum(sum_handle_ms) as sum_handle_ms,
  sum(surveys_offered) as surveys_offered,
  sum(surveys_answered) as surveys_answered,
  sum(satisfied) as satisfied,
  sum(neutral) as neutral,
  sum(dissatisfied) as dissatisfied`;

/** The rollup rows of the visits, segments and surveys `where` selects (a condition on `$bucket`, site_id and queue_id). */
const rollupInsert = (where: string) => {
  /** One fact table's sums per (site, queue, 15-minute bucket of `at`), within the range and `where`. */
  const sumsBy = (table: string, at: string, sums: string) => `
    select site_id, queue_id, toStartOfFifteenMinutes(${at}) as bucket, ${sums}
    from ${table} final
    where ${at} >= {from: DateTime64(3, 'UTC')} and ${at} < {to: DateTime64(3, 'UTC')} and ${where.replaceAll('$bucket', `toStartOfFifteenMinutes(${at})`)}
    group by site_id, queue_id, bucket`;
  return `
  insert into queue_rollup_15m_v1
  with
  visits as (${sumsBy('queue_visits_v1', 'queued_at', QUEUE_SUMS)}),
  segments as (${sumsBy('call_segments_v1', 'visit_queued_at', `${SEGMENT_SUMS}, ${SEGMENT_SURVEY_SUMS}`)})
  select visits.*, ${SEGMENT_COLUMNS}, ${surveyColumns('segments')}, {built: UInt64} as built_at
  from visits left join segments using (site_id, queue_id, bucket)
  settings join_use_nulls = 0`;
};

/**
 * Rebuilds the 15-minute rollup of these (site, queue, bucket)s from the visits and segments: after
 * facts change, so the reports read a few thousand rows instead of millions (docs/metrics.md:
 * "rolled up in 15-minute UTC buckets"). Replacing by built_at, like the facts.
 */
export async function rebuildQueueRollup(client: ClickHouseClient, keys: readonly { site_id: string; queue_id: string; bucket: number }[], builtAt: number): Promise<void> {
  const unique = [...new Map(keys.map((k) => [`${k.site_id}/${k.queue_id}/${k.bucket}`, k])).values()];
  if (unique.length === 0) return;
  await client.command({
    query: rollupInsert(
      `(site_id, queue_id, $bucket) in (select tupleElement(k, 1), tupleElement(k, 2), tupleElement(k, 3)
         from (select arrayJoin(arrayZip({sites: Array(String)}, {queues: Array(String)}, {buckets: Array(DateTime('UTC'))})) as k))`,
    ),
    query_params: {
      sites: unique.map((k) => k.site_id),
      queues: unique.map((k) => k.queue_id),
      buckets: unique.map((k) => clickHouseTime(k.bucket).slice(0, 19)),
      from: clickHouseTime(Math.min(...unique.map((k) => k.bucket))),
      to: clickHouseTime(Math.max(...unique.map((k) => k.bucket)) + 900_000),
      built: builtAt,
    },
  });
}

/** Rebuilds the rollup of every bucket in a range (after a bulk load, or to repair it). */
export async function rebuildQueueRollupRange(client: ClickHouseClient, from: Date, to: Date, builtAt: number): Promise<void> {
  await client.command({
    query: rollupInsert('1'),
    query_params: { from: clickHouseTime(from.getTime()), to: clickHouseTime(to.getTime()), built: builtAt },
  });
}

/**
 * The interval report's SQL over the 15-minute rollup: the sums of `groupBy` (a GROUP BY clause over
 * site_id, queue_key and interval_start), then every metric of docs/metrics.md from them.
 */
const intervalReportSql = (range: ReportRange, queueKey: string, groupBy: string, extra = '') => `
  select site_id, queue_key as queue_id, interval_start, * except (site_id, queue_key, interval_start), ${QUEUE_METRICS}
  from (
    select site_id, ${queueKey} as queue_key, ${bucket('bucket', range.interval)} as interval_start, ${extra} ${ROLLUP_SUMS}
    from queue_rollup_15m_v1 final
    where bucket > {from: DateTime64(3, 'UTC')} - interval 15 minute and bucket < {to: DateTime64(3, 'UTC')} and ${scope('site_id', 'queue_id')}
    ${groupBy}
  )
  order by site_id, queue_id, interval_start`;

/** The interval report per site and queue (or per site), every column and metric of docs/metrics.md, from the 15-minute rollup. */
export async function queueIntervalReport(client: ClickHouseClient, range: ReportRange, grouping: QueueGrouping = 'queue'): Promise<QueueReportRow[]> {
  return queryRows<QueueReportRow>(
    client,
    { query: intervalReportSql(range, grouping === 'queue' ? 'queue_id' : "''", 'group by site_id, queue_key, interval_start'), query_params: params(range) },
    labels,
  );
}

/** The interval report per site and queue and per site, in one statement (the wallboard rebuilds both every few hundred ms). */
export async function queueAndSiteIntervalReport(client: ClickHouseClient, range: ReportRange): Promise<{ queues: QueueReportRow[]; sites: QueueReportRow[] }> {
  const rows = await queryRows<QueueReportRow & { site_row?: number }>(
    client,
    {
      query: intervalReportSql(
        range,
        'queue_id',
        'group by grouping sets ((site_id, queue_key, interval_start), (site_id, interval_start))',
        // 1 on the rows of the second set: queue_key summed over, so the row is the site's.
        'grouping(queue_key) as site_row,',
      ),
      query_params: params(range),
    },
    labels,
  );
  const queues: QueueReportRow[] = [];
  const sites: QueueReportRow[] = [];
  for (const { site_row, ...row } of rows) {
    if (site_row === 1) sites.push({ ...row, queue_id: '' });
    else queues.push(row);
  }
  return { queues, sites };
}

export interface SelfServiceRow {
  readonly site_id: string;
  readonly interval_start: string;
  readonly [column: string]: string | number | null;
}

/** Self-service per site and interval of arrival: containment, queries and orders by voice (docs/metrics.md). */
export async function selfServiceReport(client: ClickHouseClient, range: ReportRange): Promise<SelfServiceRow[]> {
  const rows = await queryRows(client, {
    query: `
      select *,
        contained / nullIf(ivr_calls, 0) as containment_rate,
        queries_by_voice / nullIf(queries_by_voice + queries_by_agent, 0) as self_service_query_share
      from (
        select c.site_id as site_id, ${bucket('c.arrived_at', range.interval)} as interval_start,
          count() as arrived,
          countIf(c.source = 'switchboard') as ivr_calls,
          countIf(c.contained) as contained,
          countIf(not c.queued and not c.asked_for_callback and length(c.self_served) = 0 and c.ended_at is not null) as ivr_abandoned,
          countIf(has(c.self_served, 'waybill-tracking')) as queries_by_voice,
          countIf(has(c.self_served, 'pickup-order')) as self_service_orders,
          countIf(has(c.self_served, 'fax-back')) as fax_requests,
          countIf(c.connected and v.business_type = 'tracking') as queries_by_agent
        from calls_v1 as c final
        left join (
          select call_id, any(business_type) as business_type from queue_visits_v1 final
          where queued_at >= {from: DateTime64(3, 'UTC')} - interval 1 day and is_first_visit group by call_id
        ) as v using (call_id)
        where c.arrived_at >= {from: DateTime64(3, 'UTC')} and c.arrived_at < {to: DateTime64(3, 'UTC')} and ${scope('c.site_id', "''")}
        group by site_id, interval_start
      )
      order by site_id, interval_start
      settings join_use_nulls = 0`,
    query_params: params(range),
  }, labels);
  return rows as unknown as SelfServiceRow[];
}

export interface AgentReportRow {
  readonly site_id: string;
  readonly agent_id: string;
  readonly interval_start: string;
  readonly [column: string]: string | number | null;
}

/**
 * Agent performance per agent and interval: answered, handled, handle time and the surveys of their calls
 * by the interval of the visit; offers and no-answers when they rang; state time split across the intervals it covers.
 */
export async function agentIntervalReport(client: ClickHouseClient, range: ReportRange): Promise<AgentReportRow[]> {
  // An agent's latest state runs until now, not to the end of the range: the hours of today still to come hold no state time.
  const rows = await queryRows(client, {
    query: `
      with
      states as (
        select site_id, agent_id, state, at as started_at,
          leadInFrame(at, 1, {now: DateTime64(3, 'UTC')}) over (partition by site_id, agent_id order by at, change_id rows between unbounded preceding and unbounded following) as ended_at
        from agent_states_v1 final
        where at < {to: DateTime64(3, 'UTC')} and ${scope('site_id', "''")}
      ),
      clipped as (
        select site_id, agent_id, state,
          greatest(started_at, {from: DateTime64(3, 'UTC')}) as s, least(ended_at, {to: DateTime64(3, 'UTC')}) as e
        from states where ended_at > {from: DateTime64(3, 'UTC')}
      ),
      pieces as (
        select site_id, agent_id, state, arrayJoin(range(intDiv(toUnixTimestamp64Milli(s), 900000), intDiv(toUnixTimestamp64Milli(e) - 1, 900000) + 1)) as slot,
          least(toUnixTimestamp64Milli(e), (slot + 1) * 900000) - greatest(toUnixTimestamp64Milli(s), slot * 900000) as ms
        from clipped where e > s
      ),
      state_time as (
        select site_id, agent_id, ${bucket('fromUnixTimestamp64Milli(toInt64(slot * 900000), \'UTC\')', range.interval)} as interval_start,
          sumIf(ms, state != 'logged_out') as logged_in_ms,
          sumIf(ms, state = 'ready') as ready_ms,
          sumIf(ms, state = 'reserved') as reserved_ms,
          sumIf(ms, state = 'on_call') as on_call_ms,
          sumIf(ms, state = 'wrap_up') as wrap_up_ms,
          sumIf(ms, state = 'not_ready') as not_ready_ms
        from pieces group by site_id, agent_id, interval_start
      ),
      work as (
        select site_id, agent_id, ${bucket('visit_queued_at', range.interval)} as interval_start, ${SEGMENT_SUMS}
        from call_segments_v1 final
        where visit_queued_at >= {from: DateTime64(3, 'UTC')} and visit_queued_at < {to: DateTime64(3, 'UTC')} and ${scope('site_id', "''")}
        group by site_id, agent_id, interval_start
      ),
      answers as (
        select site_id, agent_id, ${bucket('queued_at', range.interval)} as interval_start, countIf(outcome = 'answered') as answered
        from queue_visits_v1 final
        where queued_at >= {from: DateTime64(3, 'UTC')} and queued_at < {to: DateTime64(3, 'UTC')} and outcome = 'answered' and ${scope('site_id', "''")}
        group by site_id, agent_id, interval_start
      ),
      rings as (
        select site_id, agent_id, ${bucket('at', range.interval)} as interval_start, countIf(kind = 'offered') as agent_offers, countIf(kind = 'no_answer') as agent_no_answers
        from call_milestones_v1 final
        where at >= {from: DateTime64(3, 'UTC')} and at < {to: DateTime64(3, 'UTC')} and kind in ('offered', 'no_answer') and agent_id != '' and ${scope('site_id', "''")}
        group by site_id, agent_id, interval_start
      ),
      surveys as (
        select site_id, agent_id, ${bucket('visit_queued_at', range.interval)} as interval_start, ${SURVEY_SUMS}
        from call_surveys_v1 final
        where visit_queued_at >= {from: DateTime64(3, 'UTC')} and visit_queued_at < {to: DateTime64(3, 'UTC')} and ${scope('site_id', "''")}
        group by site_id, agent_id, interval_start
      ),
      keys as (
        select site_id, agent_id, interval_start from state_time
        union distinct select site_id, agent_id, interval_start from work
        union distinct select site_id, agent_id, interval_start from answers
        union distinct select site_id, agent_id, interval_start from rings
        union distinct select site_id, agent_id, interval_start from surveys
      )
      select k.site_id as site_id, k.agent_id as agent_id, k.interval_start as interval_start,
        answers.answered as answered, work.handled as handled, work.sum_talk_ms as sum_talk_ms, work.sum_hold_ms as sum_hold_ms,
        work.sum_acw_ms as sum_acw_ms, work.sum_handle_ms as sum_handle_ms,
        rings.agent_offers as agent_offers, rings.agent_no_answers as agent_no_answers,
        state_time.logged_in_ms as logged_in_ms, state_time.ready_ms as ready_ms, state_time.reserved_ms as reserved_ms,
        state_time.on_call_ms as on_call_ms, state_time.wrap_up_ms as wrap_up_ms, state_time.not_ready_ms as not_ready_ms,
        ${surveyColumns('surveys')},
        work.sum_handle_ms / nullIf(work.handled, 0) as aht_ms,
        1 - rings.agent_no_answers / nullIf(rings.agent_offers, 0) as agent_answer_rate,
        (state_time.on_call_ms + state_time.wrap_up_ms) / nullIf(state_time.ready_ms + state_time.reserved_ms + state_time.on_call_ms + state_time.wrap_up_ms, 0) as occupancy,
        (state_time.on_call_ms + state_time.wrap_up_ms) / nullIf(state_time.logged_in_ms, 0) as utilisation,${SATISFACTION_METRICS}
      from keys as k
      left join state_time using (site_id, agent_id, interval_start)
      left join work using (site_id, agent_id, interval_start)
      left join answers using (site_id, agent_id, interval_start)
      left join rings using (site_id, agent_id, interval_start)
      left join surveys using (site_id, agent_id, interval_start)
      order by site_id, agent_id, interval_start
      settings join_use_nulls = 0`,
    query_params: { ...params(range), now: clickHouseTime(Date.now()) },
  }, labels);
  return rows as unknown as AgentReportRow[];
}
