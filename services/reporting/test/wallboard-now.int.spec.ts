// The wallboard's "now" figures (who waits, each agent's state) from their small tables: the rollup's
// waiting visits and agent_state_now_v1, which a materialized view keeps and an upgrade backfills.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClickHouse, type ClickHouseClient } from '../src/adapters/clickhouse/client.ts';
import { insertAgentStateChanges, insertCallMilestones } from '../src/adapters/clickhouse/facts.ts';
import { applyClickHouseSchema } from '../src/adapters/clickhouse/schema.ts';
import { agentIntervalReport } from '../src/adapters/clickhouse/reports.ts';
import { agentsNow, waitingNow } from '../src/adapters/clickhouse/wallboard.ts';
import { rebuildCallFacts } from '../src/application/facts.ts';
import type { AgentStateChange, CallMilestone, MilestoneKind } from '../src/domain/facts/call-milestones.ts';
import { clickHouseTime } from '../src/domain/facts/milestones-of-event.ts';

const now = Date.now();
let n = 0;
const milestone = (call: string, kind: MilestoneKind, at: number, extra: Partial<CallMilestone> = {}): CallMilestone => ({
  call_id: call,
  milestone_id: `now-${call}-${++n}`,
  kind,
  at: clickHouseTime(at),
  site_id: 'hz',
  queue_id: 'general',
  agent_id: '',
  tier: 'normal',
  business_type: 'tracking',
  duration_ms: 0,
  detail: '',
  source: 'switchboard',
  ...extra,
});
const change = (agent: string, id: string, state: AgentStateChange['state'], at: number, reason = ''): AgentStateChange => ({
  agent_id: agent,
  change_id: id,
  site_id: 'hz',
  state,
  reason_code: reason,
  call_id: '',
  at: clickHouseTime(at),
  source: 'switchboard',
});

describe('the wallboard now', () => {
  let clickhouse: ClickHouseClient;
  beforeAll(async () => {
    clickhouse = await connectClickHouse({ CHDB_PATH: join(await mkdtemp(join(tmpdir(), 'chdb-now-')), 'data') });
    await applyClickHouseSchema(clickhouse);
  });
  afterAll(() => clickhouse?.close());

  const deliver = async (milestones: CallMilestone[]) => {
    await insertCallMilestones(clickhouse, milestones);
    await rebuildCallFacts(clickhouse, milestones.map((m) => m.call_id));
  };

  it('counts the callers waiting now per queue, with the longest waiter, and forgets them once answered or gone', async () => {
    const w1 = now - 95_000;
    const w2 = now - 40_000;
    await deliver([milestone('w1', 'arrived', w1 - 5_000), milestone('w1', 'queued', w1), milestone('w2', 'queued', w2), milestone('w3', 'queued', now - 10_000, { queue_id: 'complaints' })]);
    expect(await waitingNow(clickhouse, new Date(now))).toEqual([
      { site_id: 'hz', queue_id: 'complaints', waiting: 1, oldest_queued_at: now - 10_000 },
      { site_id: 'hz', queue_id: 'general', waiting: 2, oldest_queued_at: w1 },
    ]);

    await deliver([milestone('w1', 'offered', now - 5_000, { agent_id: 'a1' }), milestone('w1', 'answered', now - 4_000, { agent_id: 'a1' }), milestone('w3', 'abandoned', now - 1_000)]);
    expect(await waitingNow(clickhouse, new Date(now))).toEqual([{ site_id: 'hz', queue_id: 'general', waiting: 1, oldest_queued_at: w2 }]);

    // A day later nobody still counts as waiting.
    expect(await waitingNow(clickhouse, new Date(now + 2 * 86_400_000))).toEqual([]);
  });

  it('shows each agent’s latest state, however often and in whatever order the changes arrive', async () => {
    const changes = [
      change('a1', 'c1', 'ready', now - 60_000),
      change('a1', 'c2', 'on_call', now - 30_000),
      change('a1', 'c3', 'not_ready', now - 20_000, 'lunch'),
      change('a2', 'c4', 'ready', now - 50_000),
      change('a2', 'c5', 'logged_out', now - 10_000),
    ];
    await insertAgentStateChanges(clickhouse, [...changes].reverse());
    await insertAgentStateChanges(clickhouse, changes.slice(0, 2));
    expect(await agentsNow(clickhouse)).toEqual([{ site_id: 'hz', agent_id: 'a1', state: 'not_ready', reason_code: 'lunch', since: now - 20_000 }]);
  });

  it('counts an agent’s time in her latest state up to now in the agent report, not to the end of today', async () => {
    const rows = await agentIntervalReport(clickhouse, { from: new Date(now - 3_600_000), to: new Date(now + 6 * 3_600_000), timezone: 'UTC', interval: 'hour' });
    const a1 = rows.filter((r) => r.agent_id === 'a1');
    const loggedIn = a1.reduce((sum, r) => sum + Number(r['logged_in_ms']), 0);
    // a1 logged in 60 s before the test's "now" (ready, on call, then not ready): at most that and the seconds the test has run.
    expect(loggedIn).toBeGreaterThanOrEqual(60_000);
    expect(loggedIn).toBeLessThan(60_000 + (Date.now() - now) + 1_000);
    expect(a1.filter((r) => Date.parse(`${String(r.interval_start).replace(' ', 'T')}Z`) > Date.now()).map((r) => Number(r['logged_in_ms']))).toEqual([]);
  });

  it('builds each agent’s state from the changes recorded before an upgrade added the table', async () => {
    // As a folder from before steps 011–013 (chDB opens one folder per process: this one): their table and
    // view gone, their steps not recorded.
    await clickhouse.command({ query: 'drop view agent_state_now_mv_v1' });
    await clickhouse.command({ query: 'drop table agent_state_now_v1' });
    await clickhouse.command({ query: "alter table schema_migrations delete where name like '01%agent_state_now%' settings mutations_sync = 1" });
    await insertAgentStateChanges(clickhouse, [change('b1', 'd1', 'ready', now - 5_000), change('b1', 'd2', 'wrap_up', now - 2_000)]);

    expect(await applyClickHouseSchema(clickhouse)).toEqual(['011_agent_state_now_v1', '012_agent_state_now_mv_v1', '013_agent_state_now_v1_backfill']);
    await insertAgentStateChanges(clickhouse, [change('b2', 'd3', 'ready', now - 1_000)]);
    expect((await agentsNow(clickhouse)).map((a) => [a.agent_id, a.state, a.since])).toEqual([
      ['a1', 'not_ready', now - 20_000],
      ['b1', 'wrap_up', now - 2_000],
      ['b2', 'ready', now - 1_000],
    ]);
  });
});
