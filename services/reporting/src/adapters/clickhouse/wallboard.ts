// The live part of the wallboard, in SQL over the facts: who waits now, and each agent's state now.
// Today's figures come from the reports' own SQL (reports.ts), so live and history agree.
import type { ClickHouseClient } from './client.ts';
import { clickHouseTime } from '../../domain/facts/milestones-of-event.ts';
import { msOf } from '../../domain/facts/call-facts.ts';

export interface WaitingNow {
  readonly site_id: string;
  readonly queue_id: string;
  readonly waiting: number;
  /** Epoch ms of the longest-waiting caller's queueing. */
  readonly oldest_queued_at: number;
}

/**
 * Calls waiting in each queue now: the rollup's waiting visits of the last day (a few rows per queue and
 * bucket, rebuilt with every batch's facts), not the day's visits themselves.
 */
export async function waitingNow(client: ClickHouseClient, now: Date): Promise<WaitingNow[]> {
  const result = await client.query({
    query: `select site_id, queue_id, sum(in_queue) as waiting,
              toString(min(if(oldest_waiting_at = 0, toDateTime64(bucket, 3, 'UTC'), oldest_waiting_at))) as oldest
            from queue_rollup_15m_v1 final
            where bucket >= toStartOfFifteenMinutes({since: DateTime64(3, 'UTC')}) and in_queue > 0
            group by site_id, queue_id order by site_id, queue_id`,
    query_params: { since: clickHouseTime(now.getTime() - 86_400_000) },
    format: 'JSONEachRow',
  });
  return (await result.json<{ site_id: string; queue_id: string; waiting: string; oldest: string }>()).map((r) => ({
    site_id: r.site_id,
    queue_id: r.queue_id,
    waiting: Number(r.waiting),
    oldest_queued_at: msOf(r.oldest),
  }));
}

export interface AgentNow {
  readonly site_id: string;
  readonly agent_id: string;
  readonly state: string;
  readonly reason_code: string;
  /** Epoch ms the agent entered the state. */
  readonly since: number;
}

/** Every agent's latest state (logged-out agents left out), from agent_state_now_v1: one row per agent. */
export async function agentsNow(client: ClickHouseClient): Promise<AgentNow[]> {
  const result = await client.query({
    query: `select site_id, agent_id, state, reason_code, toString(since) as since from (
              select site_id, agent_id, argMaxMerge(state) as state, argMaxMerge(reason_code) as reason_code, max(since) as since
              from agent_state_now_v1 group by site_id, agent_id
            ) where state != 'logged_out' order by site_id, agent_id`,
    format: 'JSONEachRow',
  });
  return (await result.json<{ site_id: string; agent_id: string; state: string; reason_code: string; since: string }>()).map((r) => ({ ...r, since: msOf(r.since) }));
}

export interface OpenAlert {
  readonly siteId: string;
  readonly queueId: string;
  readonly kind: 'service_level_below_target' | 'wait_above_threshold';
  readonly value: number;
  readonly threshold: number;
}

/** Alerts raised and not cleared, from reporting's own events (so a restart neither forgets nor repeats them). */
export async function openAlerts(client: ClickHouseClient): Promise<OpenAlert[]> {
  const result = await client.query({
    query: `select stream_id, argMax(type, (occurred_at, stream_version)) as last_type, argMax(payload, (occurred_at, stream_version)) as payload
            from events_raw_v1 where type in ('WallboardAlertRaised', 'WallboardAlertCleared')
            group by stream_id having last_type = 'WallboardAlertRaised'`,
    format: 'JSONEachRow',
  });
  const kinds: Record<string, OpenAlert['kind']> = {
    ALERT_KIND_SERVICE_LEVEL_BELOW_TARGET: 'service_level_below_target',
    ALERT_KIND_WAIT_ABOVE_THRESHOLD: 'wait_above_threshold',
  };
  return (await result.json<{ payload: string }>()).flatMap((r) => {
    const p = JSON.parse(r.payload) as { siteId?: string; queueId?: string; kind?: string; value?: number; threshold?: number };
    const kind = kinds[p.kind ?? ''];
    return kind ? [{ siteId: p.siteId ?? '', queueId: p.queueId ?? '', kind, value: p.value ?? 0, threshold: p.threshold ?? 0 }] : [];
  });
}
