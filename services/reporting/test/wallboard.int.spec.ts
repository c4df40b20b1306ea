// The live wallboard through the real service: events on the bus reach the page over WebSocket, the
// page shows the API's numbers, an alert is raised on reporting.alerts, and today's figures on the
// wallboard are the historical report's.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentState,
  AgentStateChangedSchema,
  CallAbandonedSchema,
  CallCompletedSchema,
  CallEndedBy,
  CallEndedSchema,
  CallOfferedSchema,
  CallQueuedSchema,
  CustomerTier,
  decodeEnvelope,
  encodeEvent,
  OfferAcceptedSchema,
  SurveyAnsweredSchema,
  SurveyOfferedSchema,
  SurveyRating,
  type EventSchema,
} from '@switchboard/contracts';
import type { EventBus } from '@switchboard/eventbus';
import { eventually } from '@switchboard/testing';
import type { Wallboard } from '../src/application/wallboard.ts';
import { reportingOnLocalLog, type RunningReporting } from './fixtures/local-log.ts';
import { sessionCookie, signedInAs, TEST_AUTH_SECRET } from './fixtures/people.ts';

/** A fixed-offset zone where it is around noon now, so "today" holds the last minutes whatever the hour. */
function noonZone(): string {
  const offset = 12 - new Date().getUTCHours();
  return offset >= 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

const t0 = Date.now() - 120_000;
let version = 0;
function event<S extends EventSchema>(schema: S, streamId: string, at: number, init: Parameters<typeof create<S>>[1]) {
  return { key: streamId, value: encodeEvent(schema, init as never, { eventId: randomUUID(), streamId, streamVersion: ++version, occurredAt: new Date(at), siteId: 'hz' }) };
}
const ts = (ms: number) => timestampFromMs(ms);

describe('the live wallboard', () => {
  let bus: EventBus;
  let reporting: RunningReporting;
  const timezone = noonZone();
  const alerts: string[] = [];

  beforeAll(async () => {
    const reportingSetting = await reportingOnLocalLog({ REPORTING_TIMEZONE: timezone, REPORTING_WAIT_ALERT_SECONDS: '60' });
    bus = reportingSetting.bus;
    reporting = await reportingSetting.start();
    await bus.subscribe({ groupId: 'test-alerts', topics: ['reporting.alerts'], fromBeginning: true, handle: async (m) => void alerts.push(decodeEnvelope(m.value).event.type) });
  }, 60_000);
  afterAll(async () => {
    await reporting?.close();
    await bus?.close();
  });

  it('pushes new events to an open page within moments, raises a wait alert, and agrees with the report', async () => {
    const pushes: Wallboard[] = [];
    const socket = new WebSocket(`${reporting.url.replace('http', 'ws')}/wallboard/live`, { headers: await signedInAs('supervisor', ['hz']) } as never);
    socket.onmessage = (m) => void pushes.push(JSON.parse(String(m.data)) as Wallboard);
    await eventually('the first wallboard arrives on connecting', () => pushes.length > 0);
    expect(pushes[0]!.queues).toEqual([]);

    const queued = (call: string, at: number) =>
      event(CallQueuedSchema, `acd-hz-${call}`, at, { siteId: 'hz', callId: call, queueId: 'general', priority: 100, tier: CustomerTier.NORMAL, queuedAt: ts(at), arrivedAt: ts(at) });
    // c1's caller, once the agent hung up, answers the post-call survey: satisfied.
    await bus.publish('telephony.calls', [
      event(CallEndedSchema, 'call-c1', t0 + 64_000, { callId: 'c1', endedBy: CallEndedBy.AGENT, endedAt: ts(t0 + 64_000) }),
      event(SurveyOfferedSchema, 'call-c1', t0 + 64_000, { callId: 'c1', agentId: 'a1', offeredAt: ts(t0 + 64_000) }),
      event(SurveyAnsweredSchema, 'call-c1', t0 + 64_000, { callId: 'c1', rating: SurveyRating.SATISFIED, answeredAt: ts(t0 + 64_000) }),
    ]);
    await bus.publish('routing.events', [
      event(AgentStateChangedSchema, 'agents-hz', t0 - 1000, { agentId: 'a1', siteId: 'hz', state: AgentState.READY, changedAt: ts(t0 - 1000) }),
      queued('c1', t0),
      event(CallOfferedSchema, 'acd-hz-c1', t0 + 1000, { siteId: 'hz', callId: 'c1', queueId: 'general', agentId: 'a1', offeredAt: ts(t0 + 1000) }),
      event(AgentStateChangedSchema, 'agents-hz', t0 + 1000, { agentId: 'a1', siteId: 'hz', state: AgentState.RESERVED, callId: 'c1', changedAt: ts(t0 + 1000) }),
      event(OfferAcceptedSchema, 'acd-hz-c1', t0 + 4000, { siteId: 'hz', callId: 'c1', agentId: 'a1', acceptedAt: ts(t0 + 4000) }),
      event(AgentStateChangedSchema, 'agents-hz', t0 + 4000, { agentId: 'a1', siteId: 'hz', state: AgentState.ON_CALL, callId: 'c1', changedAt: ts(t0 + 4000) }),
      event(CallCompletedSchema, 'acd-hz-c1', t0 + 64_000, { siteId: 'hz', callId: 'c1', queueId: 'general', agentId: 'a1', talkMs: 60_000, at: ts(t0 + 64_000) }),
      event(AgentStateChangedSchema, 'agents-hz', t0 + 64_000, { agentId: 'a1', siteId: 'hz', state: AgentState.WRAP_UP, callId: 'c1', changedAt: ts(t0 + 64_000) }),
      queued('c2', t0 + 5000),
      event(CallAbandonedSchema, 'acd-hz-c2', t0 + 35_000, { siteId: 'hz', callId: 'c2', queueId: 'general', waitedMs: 30_000, at: ts(t0 + 35_000) }),
      // Still waiting, for 100 s by now: past the 60 s threshold.
      queued('c3', t0 + 20_000),
    ]);

    const latest = () => pushes.at(-1)!;
    await eventually('the wallboard counted the new calls', () => latest().queues.some((q) => q.answered === 1 && q.abandoned === 1 && q.waiting === 1 && q.surveysAnswered === 1), 15_000);
    const queue = latest().queues.find((q) => q.siteId === 'hz' && q.queueId === 'general')!;
    expect(queue).toMatchObject({ offered: 3, answered: 1, abandoned: 1, waiting: 1, serviceLevel: 1 / 2, answerRate: 1 / 3, asaSeconds: 4, surveysAnswered: 1, satisfiedShare: 1, dissatisfiedShare: 0 });
    expect(queue.longestWaitSeconds).toBeGreaterThanOrEqual(99);
    expect(latest().agents).toEqual([expect.objectContaining({ agentId: 'a1', state: 'wrap_up', siteId: 'hz' })]);
    expect(latest().sites[0]!.agents).toEqual({ ready: 0, reserved: 0, on_call: 0, wrap_up: 1, not_ready: 0 });
    expect(latest().watermark.eventsCounted).toBe(14);
    expect(latest().watermark.lastEventAt).toBe(new Date(t0 + 64_000).toISOString());
    // The lag of the last write, from its newest event (t0 + 64 s, ~36 s ago) to the write's end; writes going in.
    expect(latest().watermark.lagSeconds).toBeGreaterThan(30);
    expect(latest().watermark.notCountingSince).toBeNull();
    expect(latest().alerts).toEqual([expect.objectContaining({ siteId: 'hz', queueId: 'general', kind: 'wait_above_threshold' })]);
    await eventually('the alert went out on reporting.alerts', () => alerts.includes('WallboardAlertRaised'), 10_000);
    // The alert shows the wait now, not the wait when it was raised.
    const raisedWith = latest().alerts[0]!.value;
    await eventually('the alert follows the caller’s growing wait', () => (latest().alerts[0]?.value ?? 0) >= raisedWith + 2, 10_000);
    socket.close();

    // Live and history agree: the report over today says what the wallboard says.
    const from = latest().todayFrom;
    const report = (await (await fetch(`${reporting.url}/reports/queues?interval=all&timezone=${encodeURIComponent(timezone)}&from=${from}&to=${new Date(Date.now() + 1000).toISOString()}`, { headers: await signedInAs('analyst') })).json()) as { rows: Record<string, number | string | null>[] };
    const row = report.rows.find((r) => r.site_id === 'hz' && r.queue_id === 'general')!;
    expect([row.offered, row.answered, row.abandoned, row.service_level, row.answer_rate]).toEqual([queue.offered, queue.answered, queue.abandoned, queue.serviceLevel, queue.answerRate]);
    // The same report per site: one row for the site, as the wallboard's site tile.
    const bySite = (await (await fetch(`${reporting.url}/reports/queues?interval=all&groupBy=site&timezone=${encodeURIComponent(timezone)}&from=${from}&to=${new Date(Date.now() + 1000).toISOString()}`, { headers: await signedInAs('analyst') })).json()) as { rows: Record<string, number | string | null>[] };
    const hz = bySite.rows.filter((r) => r.site_id === 'hz');
    expect(hz.map((r) => r.queue_id)).toEqual(['']);
    const tile = latest().sites.find((s) => s.siteId === 'hz')!;
    expect([hz[0]!.offered, hz[0]!.answered, hz[0]!.abandoned]).toEqual([tile.offered, tile.answered, tile.abandoned]);
  }, 60_000);

  it('shows the API’s numbers on the page in a real browser', async () => {
    const snapshot = (await (await fetch(`${reporting.url}/wallboard/snapshot?fresh=true`, { headers: await signedInAs('admin') })).json()) as Wallboard;
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.context().addCookies([{ name: 'sb_session', value: await sessionCookie('supervisor', ['hz']), url: reporting.url }]);
      await page.goto(`${reporting.url}/wallboard`);
      const row = page.locator('[data-queue="hz/general"]');
      await row.waitFor({ timeout: 10_000 });
      const cell = (field: string) => row.locator(`[data-field="${field}"]`).textContent();
      const q = snapshot.queues.find((x) => x.queueId === 'general')!;
      expect(await cell('offered')).toBe(String(q.offered));
      expect(await cell('answered')).toBe(String(q.answered));
      expect(await cell('abandoned')).toBe(String(q.abandoned));
      expect(await cell('waiting')).toBe(String(q.waiting));
      expect(await cell('service-level')).toBe(`${(q.serviceLevel! * 100).toFixed(1)} %`);
      expect(await page.locator('[data-site="hz"] [data-field="satisfied-share"]').textContent()).toBe('100.0 %');
      expect(await page.locator('[data-alert="hz/general/wait_above_threshold"]').count()).toBe(1);
      expect(await page.locator('#connection').textContent()).toBe('live');
      expect(await page.locator('#ingestion').textContent()).toMatch(/^lag \d+(\.\d)? s$/);
      await page.locator('#chart-today canvas').first().waitFor({ timeout: 10_000 });
      const shots = resolve(import.meta.dirname, '../../../.test-data/screenshots');
      await mkdir(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'wallboard.png'), fullPage: true });

      await page.goto(`${reporting.url}/reports`);
      await page.locator('#rows tbody tr').first().waitFor({ timeout: 10_000 });
      expect(await page.locator('#status').textContent()).toMatch(/^\d+ rows$/);
      // Durations are shown in seconds, and the headings say so.
      const headings = await page.locator('#rows thead th').allTextContents();
      expect(headings).toEqual(expect.arrayContaining(['asa (s)', 'aht (s)', 'max wait (s)']));
      expect(headings.filter((h) => h.endsWith(' ms'))).toEqual([]);
      await page.screenshot({ path: join(shots, 'reports.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('refuses a report it cannot answer, naming the parameter, and exports CSV', async () => {
    const headers = await signedInAs('supervisor');
    const bad = await fetch(`${reporting.url}/reports/queues?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&timezone=Mars/Olympus`, { headers });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toContain('Mars/Olympus');
    const long = await fetch(`${reporting.url}/reports/queues?from=2026-01-01T00:00:00Z&to=2026-11-02T00:00:00Z&interval=15m`, { headers });
    expect(long.status).toBe(400);
    const csv = await fetch(`${reporting.url}/reports/queues?from=${new Date(t0 - 3_600_000).toISOString()}&to=${new Date(Date.now() + 1000).toISOString()}&interval=day&format=csv&timezone=${encodeURIComponent(timezone)}`, { headers });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const [header, first] = (await csv.text()).trim().split('\n');
    expect(header!.split(',').slice(0, 5)).toEqual(['site_id', 'queue_id', 'interval_start', 'offered', 'transferred_in']);
    expect(first!.split(',').slice(0, 4)).toEqual(['hz', 'general', expect.any(String), '3']);
  });

  it('lets only the right people in: no token, an agent, another site, a forged token are refused', async () => {
    const url = `${reporting.url}/reports/queues?from=${new Date(t0 - 3_600_000).toISOString()}&to=${new Date(Date.now() + 1000).toISOString()}&interval=all`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer not.a.token' } })).status).toBe(401);
    const agent = await fetch(url, { headers: await signedInAs('agent', ['hz']) });
    expect(agent.status).toBe(403);
    expect(((await agent.json()) as { detail: string }).detail).toContain('agent role');
    const elsewhere = await fetch(`${url}&siteId=hz`, { headers: await signedInAs('supervisor', ['sz']) });
    expect(elsewhere.status).toBe(403);
    // A supervisor of another site sees nothing of hz, on the report or on the wallboard.
    const theirs = (await (await fetch(url, { headers: await signedInAs('supervisor', ['sz']) })).json()) as { rows: unknown[] };
    expect(theirs.rows).toEqual([]);
    const board = (await (await fetch(`${reporting.url}/wallboard/snapshot`, { headers: await signedInAs('supervisor', ['sz']) })).json()) as Wallboard;
    expect([board.sites, board.queues, board.agents, board.alerts]).toEqual([[], [], [], []]);
    // The pages themselves hold no data and open without a session.
    expect((await fetch(`${reporting.url}/wallboard`)).status).toBe(200);
  });

  it('answers analysts read-only SQL with phone numbers masked, and refuses writes and other roles', async () => {
    const sql = async (query: string, role: 'analyst' | 'supervisor' = 'analyst') =>
      fetch(`${reporting.url}/sql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(await signedInAs(role)) }, body: JSON.stringify({ query }) });
    const ok = await sql(`select outcome, count() as visits from queue_visits_v1 final group by outcome order by outcome`);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { rows: unknown[] }).rows).toEqual([
      { outcome: 'abandoned', visits: 1 },
      { outcome: 'answered', visits: 1 },
      { outcome: 'waiting', visits: 1 },
    ]);
    const masked = (await (await sql(`select '+8613812345678' as caller`)).json()) as { rows: { caller: string }[] };
    expect(masked.rows[0]!.caller).not.toContain('13812345678');
    const write = await sql('drop table calls_v1');
    expect(write.status).toBe(403);
    expect(((await write.json()) as { detail: string }).detail).toContain('only read');
    expect((await sql('select 1', 'supervisor')).status).toBe(403);
    const broken = await sql('select nonsense from nowhere');
    expect(broken.status).toBe(400);
  });

  it('answers ./switchboard sql and ./switchboard report from the command line', async () => {
    const cli = resolve(import.meta.dirname, '../../../deploy/cli/src/main.ts');
    // Asynchronously: the service answering the command runs in this very process. Each run starts a Node
    // process that loads the CLI: on a machine busy with the other test files, several seconds each.
    const run = async (...args: string[]) => {
      try {
        const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
        return { status: 0, stdout, stderr };
      } catch (error) {
        const e = error as { code?: number; stdout?: string; stderr?: string };
        return { status: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
      }
    };
    const env = { ...process.env, REPORTING_URL: reporting.url, AUTH_TOKEN_SECRET: TEST_AUTH_SECRET };
    const sql = await run('sql', "select outcome, count() as visits from queue_visits_v1 final where outcome = 'answered' group by outcome");
    expect(sql.status, sql.stderr).toBe(0);
    expect(sql.stdout).toMatch(/answered\s+1\n/);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: timezone }).format(new Date());
    const report = await run('report', 'queues', '--from', today, '--to', today, '--timezone', timezone);
    expect(report.status, report.stderr).toBe(0);
    expect(report.stdout).toContain('queues report');
    // As the reports page shows them: durations in seconds, ratios in percent, each to a tenth.
    expect(report.stdout).toMatch(/offered\s+answered\s+abandoned\s+service level \(%\)\s+answer rate \(%\)\s+asa \(s\)\s+aht \(s\)\n/);
    // offered 3, answered 1, abandoned 1, service level 1/2, answer rate 1/3, asa 4 s, aht 60 s
    expect(report.stdout).toMatch(/hz\s+general\s+\S+ \S+\s+3\s+1\s+1\s+50\.0\s+33\.3\s+4\.0\s+60\.0\n/);
    const satisfaction = await run('report', 'satisfaction', '--from', today, '--to', today, '--timezone', timezone);
    expect(satisfaction.status, satisfaction.stderr).toBe(0);
    expect(satisfaction.stdout).toMatch(/surveys answered\s+satisfied share \(%\)\s+neutral share \(%\)\s+dissatisfied share \(%\)\s+survey response rate \(%\)\n/);
    // offered, answered, satisfied / neutral / dissatisfied share, response rate
    expect(satisfaction.stdout).toMatch(/hz\s+general\s+\S+ \S+\s+1\s+1\s+100\.0\s+0\.0\s+0\.0\s+100\.0\n/);
    // The agent report, by the same formatter: handle time in seconds, occupancy and utilisation in percent.
    const agents = await run('report', 'agents', '--from', today, '--to', today, '--timezone', timezone);
    expect(agents.status, agents.stderr).toBe(0);
    expect(agents.stdout).toMatch(/aht \(s\)\s+occupancy \(%\)\s+utilisation \(%\)\n/);
    expect(agents.stdout).toMatch(/hz\s+a1\s+\S+ \S+\s+1\s+1\s+60\.0\s+\d+\.\d\s+\d+\.\d\n/);
    const refused = await run('sql', 'drop table calls_v1');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('only read');
  }, 60_000);
});
