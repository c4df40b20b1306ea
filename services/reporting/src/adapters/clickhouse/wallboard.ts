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

/** Calls waiting in each queue now (visits queued in the last day and not answered or gone). */
export async function waitingNow(client: ClickHouseClient, now: Date): Promise<WaitingNow[]> {
  const result = await client.query({
    query: `select site_id, queue_id, count() as waiting, toString(min(queued_at)) as oldest
            from queue_visits_v1 final
            where outcome = 'waiting' and queued_at >= {since: DateTime64(3, 'UTC')}
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

/** Every agent's latest state (logged-out agents left out). */
export async function agentsNow(client: ClickHouseClient): Promise<AgentNow[]> {
  const result = await client.query({
    query: `select site_id, agent_id, state, reason_code, toString(since) as since from (
              select site_id, agent_id, argMax(state, (at, change_id)) as state, argMax(reason_code, (at, change_id)) as reason_code, max(at) as since
              from agent_states_v1 group by site_id, agent_id
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
