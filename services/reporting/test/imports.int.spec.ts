// Importing a switch's history over HTTP into chDB: an Asterisk queue_log and FreeSWITCH CDRs come out of
// the interval report as the switch counted them, a second import of the same file changes no figure,
// and a wrong site, role or size is refused with a reason.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@switchboard/config';
import { accessTokens, baseServiceConfig, createLogger, createService, requireSignIn } from '@switchboard/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClickHouse, type ClickHouseClient } from '../src/adapters/clickhouse/client.ts';
import { agentIntervalReport, queueIntervalReport, type ReportRange } from '../src/adapters/clickhouse/reports.ts';
import { applyClickHouseSchema } from '../src/adapters/clickhouse/schema.ts';
import { importRoutes } from '../src/adapters/http/imports.ts';
import { signedInAs, TEST_AUTH_SECRET } from './fixtures/people.ts';

// 2026-03-02 09:00:00 UTC
const T = 1772442000;
const at = (s: number) => T + s;

/** A morning of queue "support": three calls answered (waits 10, 25, 4 s), two abandons (3 s, 40 s), a timeout, an agent's session. */
const queueLog = [
  `${at(-60)}|NONE|NONE|NONE|QUEUESTART|`,
  `${at(-30)}|a1|NONE|Agent/1001|AGENTLOGIN|SIP/1001-01`,
  `${at(0)}|c1|support|NONE|ENTERQUEUE||13800000001|1`,
  `${at(10)}|c1|support|Agent/1001|CONNECT|10|c1.2|2`,
  `${at(20)}|c2|support|NONE|ENTERQUEUE||13800000002|1`,
  `${at(23)}|c2|support|NONE|ABANDON|1|1|3`,
  `${at(30)}|c3|support|NONE|ENTERQUEUE||13800000003|1`,
  `${at(40)}|c3|support|Agent/1002|RINGNOANSWER|10000`,
  `${at(55)}|c3|support|Agent/1002|CONNECT|25|c3.2|15`,
  `${at(130)}|c1|support|Agent/1001|COMPLETECALLER|10|120|1`,
  `${at(140)}|c4|support|NONE|ENTERQUEUE||13800000004|1`,
  `this line was cut in half by a disk full`,
  `${at(180)}|c4|support|NONE|ABANDON|1|1|40`,
  `${at(200)}|c5|support|NONE|ENTERQUEUE||13800000005|1`,
  `${at(204)}|c5|support|Agent/1001|CONNECT|4|c5.2|3`,
  `${at(235)}|c3|support|Agent/1002|COMPLETEAGENT|25|180|1`,
  `${at(264)}|c5|support|Agent/1001|COMPLETEAGENT|4|60|1`,
  `${at(300)}|c6|support|NONE|ENTERQUEUE||13800000006|1`,
  `${at(360)}|c6|support|NONE|EXITWITHTIMEOUT|1|1|60`,
  `${at(1800)}|a1|NONE|Agent/1001|AGENTLOGOFF|SIP/1001-01|1830`,
  '',
].join('\n');

const range: ReportRange = { from: new Date(T * 1000), to: new Date((T + 3600) * 1000), timezone: 'UTC', interval: 'hour', siteIds: ['hz'] };

describe('imports over HTTP', () => {
  let clickhouse: ClickHouseClient;
  let service: ReturnType<typeof createService>;
  beforeAll(async () => {
    clickhouse = await connectClickHouse({ CHDB_PATH: join(await mkdtemp(join(tmpdir(), 'chdb-imports-')), 'data') });
    await applyClickHouseSchema(clickhouse);
    service = createService({
      name: 'imports-test',
      config: parseConfig(baseServiceConfig(0), {}),
      logger: createLogger({ name: 'imports-test', level: 'silent' }),
      routes: async (app) => {
        requireSignIn(app, { tokens: accessTokens(TEST_AUTH_SECRET) });
        await app.register(importRoutes(() => clickhouse, { maxBytes: 64 * 1024 }));
      },
    });
  });
  afterAll(async () => {
    await service?.close();
    clickhouse?.close();
  });

  const post = async (url: string, payload: string, role: 'admin' | 'supervisor' = 'admin', contentType = 'text/plain') =>
    service.app.inject({ method: 'POST', url, payload, headers: { ...(await signedInAs(role)), 'content-type': contentType } });

  const support = async () => (await queueIntervalReport(clickhouse, range)).find((r) => r.queue_id === 'support')!;

  it('turns a queue_log into the interval report’s figures, by Asterisk’s hold, wait and talk fields', async () => {
    const response = await post('/imports/asterisk-queue-log?siteId=hz', queueLog);
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({
      format: 'asterisk-queue-log',
      siteId: 'hz',
      lines: 20,
      imported: { ENTERQUEUE: 6, CONNECT: 3, COMPLETECALLER: 1, COMPLETEAGENT: 2, ABANDON: 2, EXITWITHTIMEOUT: 1, RINGNOANSWER: 1, AGENTLOGIN: 1, AGENTLOGOFF: 1 },
      skipped: [{ event: 'QUEUESTART', count: 1 }],
      brokenCount: 1,
      broken: [{ line: 12, reason: expect.stringMatching(/1 field/) }],
      calls: 6,
    });
    expect(await support()).toMatchObject({
      offered: 6,
      answered: 3,
      abandoned: 2,
      short_abandoned: 1,
      system_exits: 1,
      in_queue: 0,
      answered_within_sl: 2,
      sum_answer_wait_ms: 39_000,
      sum_abandon_wait_ms: 43_000,
      max_wait_ms: 60_000,
      handled: 3,
      sum_talk_ms: 360_000,
      agent_offers: 4,
      agent_no_answers: 1,
    });
    const agent = (await agentIntervalReport(clickhouse, range)).find((r) => r.agent_id === 'Agent/1001')!;
    // Logged in 08:59:30–09:30:00: 30 min of this hour; on calls 120 + 60 s.
    expect(agent).toMatchObject({ answered: 2, logged_in_ms: 1_800_000, on_call_ms: 180_000, sum_talk_ms: 180_000 });
  });

  it('changes no figure when the same file is imported again', async () => {
    const before = await support();
    const again = await post('/imports/asterisk-queue-log?siteId=hz', queueLog);
    expect(again.statusCode).toBe(200);
    expect(await support()).toEqual(before);
    const agent = (await agentIntervalReport(clickhouse, range)).find((r) => r.agent_id === 'Agent/1001')!;
    expect(agent.logged_in_ms).toBe(1_800_000);
  });

  it('imports FreeSWITCH caller legs into the same report', async () => {
    const cdrs = [
      'uuid,cc_side,cc_queue,cc_agent,cc_queue_joined_epoch,cc_queue_answered_epoch,cc_queue_terminated_epoch,cc_queue_canceled_epoch,cc_cause,cc_cancel_reason',
      `f1,member,billing,1000@default,${at(600)},${at(612)},${at(732)},,answered,`,
      `f1-agent,agent,billing,1000@default,${at(600)},${at(612)},${at(732)},,,`,
      `f2,member,billing,,${at(620)},,,${at(650)},cancel,BREAK_OUT`,
    ].join('\n');
    const response = await post('/imports/freeswitch-callcenter?siteId=hz', cdrs, 'admin', 'text/csv');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ imported: { answered: 1, abandoned: 1 }, skipped: [{ event: 'cc_side=agent', count: 1 }] });
    const billing = (await queueIntervalReport(clickhouse, range)).find((r) => r.queue_id === 'billing')!;
    expect(billing).toMatchObject({ offered: 2, answered: 1, abandoned: 1, sum_answer_wait_ms: 12_000, sum_abandon_wait_ms: 30_000, sum_talk_ms: 120_000 });
  });

  it('refuses a file over the size limit with 413 saying how to split it, a bad site with 400, and a supervisor with 403', async () => {
    const big = await post('/imports/asterisk-queue-log?siteId=hz', `${at(0)}|c1|support|NONE|ENTERQUEUE||1|1\n`.repeat(2000));
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ code: 'import-too-large', detail: expect.stringMatching(/split the file/) });
    const site = await post('/imports/asterisk-queue-log?siteId=Hang%20Zhou', queueLog);
    expect(site.statusCode).toBe(400);
    expect(JSON.stringify(site.json())).toMatch(/siteId/);
    const zone = await post('/imports/asterisk-queue-log?siteId=hz&timezone=Mars/Olympus', queueLog);
    expect(zone.statusCode).toBe(400);
    const supervisor = await post('/imports/asterisk-queue-log?siteId=hz', queueLog, 'supervisor');
    expect(supervisor.statusCode).toBe(403);
  });
});
