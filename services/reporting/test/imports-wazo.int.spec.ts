// Conformance with a peer: Wazo's statistics acceptance scenarios (../shared/reference/queue_log/
// wazo_statcenter_scenarios.json) imported as realtime-table exports, and Wazo's expected hourly figures
// read from Switchboard's reports through the mapping of docs/metrics.md ("Mapping imported queue_log").
// Skipped, saying so, when the reference folder is not beside the checkout.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClickHouse, type ClickHouseClient } from '../src/adapters/clickhouse/client.ts';
import { insertAgentStateChanges, insertCallMilestones } from '../src/adapters/clickhouse/facts.ts';
import { agentIntervalReport, queueIntervalReport, type ReportInterval } from '../src/adapters/clickhouse/reports.ts';
import { applyClickHouseSchema } from '../src/adapters/clickhouse/schema.ts';
import { rebuildCallFacts } from '../src/application/facts.ts';
import type { AgentStateChange, CallMilestone } from '../src/domain/facts/call-milestones.ts';
import { QueueLogImport } from '../src/domain/imports/queue-log.ts';

const file = resolve(import.meta.dirname, '../../../../shared/reference/queue_log/wazo_statcenter_scenarios.json');
const present = existsSync(file);
if (!present) console.warn(`skipped: the Wazo reference scenarios are not at ${file}`);

interface Row { time: string; callid: string; queuename: string; agent: string; event: string; data1: string; data2: string; data3: string; data4: string; data5: string }
interface Scenario { scenario: string; steps: { step: string }[]; queue_log: Row[]; expectations: { step: string; table?: Record<string, string>[] }[] }
const scenarios: Scenario[] = present ? (JSON.parse(readFileSync(file, 'utf8')) as { scenarios: Scenario[] }).scenarios : [];

/** Its rows answer before they enter (CONNECT up to two hours before ENTERQUEUE): fed in the order Wazo lists them, each call's own order. */
const listedOrder = new Set(['Generate stats for received/answered calls']);

const csv = (rows: Row[]) =>
  ['time,callid,queuename,agent,event,data1,data2,data3,data4,data5', ...rows.map((r) => [r.time, r.callid, r.queuename, r.agent, r.event, r.data1, r.data2, r.data3, r.data4, r.data5].map((v) => `"${v.replace(/"/g, '""')}"`).join(','))].join('\n');

const hms = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');
};
const percent = (x: number | null) => (x === null ? '' : `${Math.round(x * 100)} %`);

describe.skipIf(!present)('Wazo’s statistics scenarios, imported', () => {
  let clickhouse: ClickHouseClient;
  beforeAll(async () => {
    clickhouse = await connectClickHouse({ CHDB_PATH: join(await mkdtemp(join(tmpdir(), 'chdb-wazo-')), 'data') });
    await applyClickHouseSchema(clickhouse);
  });
  afterAll(() => clickhouse?.close());

  async function load(s: Scenario): Promise<void> {
    for (const table of ['call_milestones_v1', 'agent_states_v1', 'queue_visits_v1', 'call_segments_v1', 'calls_v1', 'queue_rollup_15m_v1']) await clickhouse.command({ query: `truncate table if exists ${table}` });
    const rows = listedOrder.has(s.scenario) ? s.queue_log : [...s.queue_log].sort((a, b) => a.time.localeCompare(b.time));
    const run = new QueueLogImport({ siteId: 'wazo', timezone: 'UTC' });
    const milestones: CallMilestone[] = [];
    const states: AgentStateChange[] = [];
    csv(rows).split('\n').forEach((line, i) => {
      const f = run.push(line, i + 1);
      milestones.push(...f.milestones);
      states.push(...f.agentStates);
    });
    const end = run.finish();
    milestones.push(...end.milestones);
    states.push(...end.agentStates);
    expect(run.report().brokenCount).toBe(0);
    await insertCallMilestones(clickhouse, milestones);
    await insertAgentStateChanges(clickhouse, states);
    await rebuildCallFacts(clickhouse, milestones.map((m) => m.call_id));
  }

  /** The window of a statistic configuration ("from 8:00 to 12:00"), on the day the expectation names. */
  function window(s: Scenario, day: string): { from: Date; to: Date } {
    const config = s.steps.map((x) => /from "(\d+):(\d+)" to "(\d+):(\d+)"/.exec(x.step)).find((m) => m)!;
    const at = (h: string, m: string) => new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)), Number(h), Number(m)));
    return { from: at(config[1]!, config[2]!), to: at(config[3]!, config[4]!) };
  }

  /** Closed and blocked calls per interval: arrived milestones the import marked as refused at the door. */
  async function refused(queue: string, from: Date, to: Date, interval: 'hour' | 'day') {
    const result = await clickhouse.query({
      query: `select formatDateTime(${interval === 'hour' ? 'toStartOfHour(at)' : 'toStartOfDay(at)'}, '%Y-%m-%d %H:%i:%S') as interval_start,
                countIf(startsWith(detail, 'closed:')) as closed, countIf(startsWith(detail, 'blocked:')) as blocked
              from call_milestones_v1 final where kind = 'arrived' and queue_id = {q: String} and at >= {from: DateTime64(3, 'UTC')} and at < {to: DateTime64(3, 'UTC')}
              group by interval_start`,
      query_params: { q: queue, from: from.toISOString().replace('T', ' ').slice(0, 23), to: to.toISOString().replace('T', ' ').slice(0, 23) },
      format: 'JSONEachRow',
    });
    return (await result.json<{ interval_start: string; closed: string; blocked: string }>()).map((r) => ({ interval_start: r.interval_start, closed: Number(r.closed), blocked: Number(r.blocked) }));
  }

  for (const s of scenarios) {
    const checks = s.expectations.filter((e) => e.table);
    const relative = s.queue_log.some((r) => !/^\d{4}-/.test(r.time)) || checks.length === 0;
    it.skipIf(relative)(s.scenario, async () => {
      await load(s);
      for (const expectation of checks) {
        const m = /statistics on (agent )?"([^"]+)" on "([^"]+)"/.exec(expectation.step)!;
        const [isAgent, name, day] = [m[1] !== undefined, m[2]!, m[3]!];
        const weekly = expectation.step.includes('weekly');
        const { from, to } = window(s, day);
        const range = weekly ? { from: new Date(`${day}T00:00:00Z`), to: new Date(Date.parse(`${day}T00:00:00Z`) + 7 * 86_400_000) } : { from, to };
        const interval: ReportInterval = weekly ? 'day' : 'hour';
        // Wazo's rows are the window's hours ("9h-10h") or the week's days ("Monday 30") in order, then Total.
        const starts = expectation.table!.filter((r) => r['period'] !== 'Total').map((_, i) => new Date(range.from.getTime() + i * (weekly ? 86_400_000 : 3_600_000)).toISOString().replace('T', ' ').slice(0, 19));
        const inPeriod = <R extends { interval_start: unknown }>(period: string, index: number, rows: R[]) => (period === 'Total' ? rows : rows.filter((r) => r.interval_start === starts[index]));
        const sum = (rows: Record<string, unknown>[], column: string) => rows.reduce((a, r) => a + Number(r[column] ?? 0), 0);
        if (isAgent) {
          const rows = (await agentIntervalReport(clickhouse, { ...range, timezone: 'UTC', interval })).filter((r) => r.agent_id === `Agent/${name}`);
          for (const [index, expected] of expectation.table!.entries()) {
            const got = inPeriod(expected['period']!, index, rows);
            const actual: Record<string, string> = { period: expected['period']! };
            if ('Answered' in expected) actual['Answered'] = String(sum(got, 'answered'));
            if ('Conversation' in expected) actual['Conversation'] = hms(sum(got, 'sum_talk_ms'));
            if ('Login' in expected) actual['Login'] = hms(sum(got, 'logged_in_ms'));
            if ('Pause' in expected) actual['Pause'] = hms(sum(got, 'not_ready_ms'));
            if ('Wrapup' in expected) actual['Wrapup'] = hms(sum(got, 'wrap_up_ms'));
            expect(actual, `${s.scenario}: agent ${name}, ${expected['period']}`).toEqual(expected);
          }
        } else {
          const rows = (await queueIntervalReport(clickhouse, { ...range, timezone: 'UTC', interval })).filter((r) => r.queue_id === name);
          const doors = await refused(name, range.from, range.to, interval === 'day' ? 'day' : 'hour');
          for (const [index, expected] of expectation.table!.entries()) {
            const got = inPeriod(expected['period']!, index, rows);
            const refusedHere = inPeriod(expected['period']!, index, doors);
            const closed = refusedHere.reduce((a, d) => a + d.closed, 0);
            const blocked = refusedHere.reduce((a, d) => a + d.blocked, 0);
            const [offered, answered, abandoned] = [sum(got, 'offered'), sum(got, 'answered'), sum(got, 'abandoned')];
            const waits = sum(got, 'sum_answer_wait_ms') + sum(got, 'sum_abandon_wait_ms');
            const withinSl = sum(got, 'answered_within_sl');
            const actual: Record<string, string> = { period: expected['period']! };
            if ('Received' in expected) actual['Received'] = String(offered + closed + blocked);
            if ('Answered' in expected) actual['Answered'] = String(answered);
            if ('Abandoned' in expected) actual['Abandoned'] = String(abandoned);
            if ('Closed' in expected) actual['Closed'] = String(closed);
            if ('Blocking' in expected) actual['Blocking'] = String(blocked);
            if ('Saturated' in expected) actual['Saturated'] = String(blocked);
            if ('AWT' in expected) actual['AWT'] = answered + abandoned === 0 ? '' : hms(waits / (answered + abandoned));
            if ('Answered rate' in expected) actual['Answered rate'] = percent(offered + blocked === 0 ? null : answered / (offered + blocked));
            if ('QoS' in expected) actual['QoS'] = percent(answered === 0 ? null : withinSl / answered);
            expect(actual, `${s.scenario}: queue ${name}, ${expected['period']}`).toEqual(expected);
          }
        }
      }
    });
  }
});
