// The queue_log importer: each Asterisk event becomes the facts Asterisk means by it, folded here into
// visits and segments exactly as reporting folds them, and the report says what was read and what not.
import { describe, expect, it } from 'vitest';
import { callFacts } from '../facts/call-facts.ts';
import type { AgentStateChange, CallMilestone } from '../facts/call-milestones.ts';
import { QueueLogImport } from './queue-log.ts';

function importLog(text: string, options: { siteId?: string; timezone?: string } = {}) {
  const run = new QueueLogImport({ siteId: options.siteId ?? 'hz', timezone: options.timezone });
  const milestones: CallMilestone[] = [];
  const states: AgentStateChange[] = [];
  text.split('\n').forEach((line, i) => {
    const facts = run.push(line, i + 1);
    milestones.push(...facts.milestones);
    states.push(...facts.agentStates);
  });
  const end = run.finish();
  milestones.push(...end.milestones);
  states.push(...end.agentStates);
  const facts = (callId: string) => callFacts(milestones.filter((m) => m.call_id === `asterisk:${callId}`))!;
  return { milestones, states, report: run.report(), facts };
}

// 2026-03-02 09:00:00 UTC
const T = 1772442000;
const at = (s: number) => T + s;

describe('an Asterisk queue_log', () => {
  it('gives an answered call its wait from CONNECT’s hold field, its talk from COMPLETECALLER and the agent’s missed ring', () => {
    const { facts, report } = importLog(
      [
        `${at(0)}|1772442000.11|support|NONE|ENTERQUEUE||13800000000|1`,
        `${at(15)}|1772442000.11|support|SIP/1001|RINGNOANSWER|15000`,
        `${at(22)}|1772442000.11|support|SIP/1002|CONNECT|21|1772442015.14|6`,
        `${at(142)}|1772442000.11|support|SIP/1002|COMPLETECALLER|21|120|1`,
      ].join('\n'),
    );
    const { call, visits, segments } = facts('1772442000.11');
    expect(call).toMatchObject({ site_id: 'hz', queued: true, connected: true, ended_by: 'caller', source: 'asterisk' });
    expect(visits).toHaveLength(1);
    // Asterisk's hold (21 s) is the wait, not the 22 s between the lines.
    expect(visits[0]).toMatchObject({ queue_id: 'support', outcome: 'answered', wait_ms: 21_000, agent_id: 'SIP/1002', agent_offers: 2, agent_no_answers: 1 });
    expect(segments[0]).toMatchObject({ agent_id: 'SIP/1002', talk_ms: 120_000, hold_ms: 0, ended_by: 'ended' });
    expect(report).toMatchObject({ lines: 4, imported: { ENTERQUEUE: 1, RINGNOANSWER: 1, CONNECT: 1, COMPLETECALLER: 1 }, skipped: [], brokenCount: 0, calls: 1 });
  });

  it('ends visits as Asterisk says: ABANDON abandoned, EXITWITHTIMEOUT / EXITEMPTY system exits, EXITWITHKEY an overflow, each with its wait field', () => {
    const { facts } = importLog(
      [
        `${at(0)}|c1|support|NONE|ENTERQUEUE||1|1`,
        `${at(1)}|c2|support|NONE|ENTERQUEUE||2|2`,
        `${at(2)}|c3|support|NONE|ENTERQUEUE||3|3`,
        `${at(3)}|c4|support|NONE|ENTERQUEUE||4|4`,
        `${at(9)}|c1|support|NONE|ABANDON|1|1|9`,
        `${at(61)}|c2|support|NONE|EXITWITHTIMEOUT|1|2|60`,
        `${at(32)}|c3|support|NONE|EXITEMPTY|1|3|30`,
        `${at(13)}|c4|support|NONE|EXITWITHKEY|5|1|4|10`,
      ].join('\n'),
    );
    expect(facts('c1').visits[0]).toMatchObject({ outcome: 'abandoned', wait_ms: 9_000 });
    expect(facts('c2').visits[0]).toMatchObject({ outcome: 'system_exit', wait_ms: 60_000 });
    expect(facts('c3').visits[0]).toMatchObject({ outcome: 'system_exit', wait_ms: 30_000 });
    // EXITWITHKEY's key comes first, its wait fourth.
    expect(facts('c4').visits[0]).toMatchObject({ outcome: 'overflowed', wait_ms: 10_000 });
  });

  it('reports broken lines by number and reason and imports the rest', () => {
    const { report, facts } = importLog(
      [
        `${at(0)}|c1|support|NONE|ENTERQUEUE||1|1`,
        `garbage without pipes`,
        `yesterday|c2|support|NONE|ENTERQUEUE||1|1`,
        `${at(5)}|c1|support|SIP/1|CONNECT|five|x|1`,
        `${at(6)}|c1|support|SIP/1|CONNECT|5|x|1`,
        `${at(7)}||support|NONE|ENTERQUEUE||1|1`,
        ``,
        `${at(66)}|c1|support|SIP/1|COMPLETEAGENT|5|60|1`,
      ].join('\n'),
    );
    expect(report.brokenCount).toBe(4);
    expect(report.broken.map((b) => b.line)).toEqual([2, 3, 4, 6]);
    expect(report.broken[0]!.reason).toMatch(/1 field where a queue_log line has at least 5/);
    expect(report.broken[1]!.reason).toMatch(/"yesterday" is not a Unix time/);
    expect(report.broken[2]!.reason).toMatch(/CONNECT's hold time \(data1\) is "five"/);
    expect(report.broken[3]!.reason).toMatch(/call id .* is empty/);
    expect(facts('c1').visits[0]).toMatchObject({ outcome: 'answered', wait_ms: 5_000 });
    expect(facts('c1').segments[0]).toMatchObject({ talk_ms: 60_000 });
    expect(report.lines).toBe(8);
  });

  it('handles or skips, with a count and a reason, every event of the documented format', () => {
    const { report } = importLog(
      [
        `${at(0)}|NONE|NONE|NONE|QUEUESTART|`,
        `${at(0)}|NONE|NONE|NONE|CONFIGRELOAD|`,
        `${at(1)}|a1|NONE|1001|AGENTLOGIN|PJSIP/1001-0001`,
        `${at(1)}|MANAGER|support|PJSIP/1001|ADDMEMBER|`,
        `${at(1)}|NONE|support|PJSIP/1001|PENALTY|2`,
        `${at(1)}|NONE|support|PJSIP/1001|RINGINUSE|0`,
        `${at(2)}|c1|support|NONE|DID|95105000`,
        `${at(2)}|c1|support|NONE|INFO|vip caller`,
        `${at(2)}|c1|support|NONE|ENTERQUEUE||13800000000|1|Zhang San`,
        `${at(3)}|c1|support|PJSIP/1002|RINGCANCELED|900`,
        `${at(4)}|c1|support|PJSIP/1001|AGENTDUMP|`,
        `${at(6)}|c1|support|PJSIP/1001|CONNECT|4|c1.2|1`,
        `${at(66)}|c1|support|PJSIP/1001|BLINDTRANSFER|2000|from-internal|4|60|1`,
        `${at(70)}|c2|support|NONE|ENTERQUEUE||13800000001|1`,
        `${at(75)}|c2|support|PJSIP/1001|CONNECT|5|c2.2|1`,
        `${at(135)}|c2|support|PJSIP/1001|ATTENDEDTRANSFER|BRIDGE|b-1|5|60|1`,
        `${at(140)}|c3|support|NONE|ENTERQUEUE||13800000002|1`,
        `${at(145)}|c3|support|PJSIP/1001|CONNECT|5|c3.2|1`,
        `${at(205)}|c3|support|PJSIP/1001|TRANSFER|2000|from-internal|5|60|1`,
        `${at(206)}|c4|support|NONE|ENTERQUEUE||13800000003|1`,
        `${at(207)}|c4|support|PJSIP/1001|SYSCOMPAT|`,
        `${at(208)}|c5|support|NONE|ENTERQUEUE||13800000004|1`,
        `${at(209)}|c5|support|NONE|WITHDRAW|1|1|1|moved to sales`,
        `${at(210)}|NONE|support|PJSIP/1001|PAUSE|lunch`,
        `${at(211)}|NONE|NONE|PJSIP/1001|PAUSEALL|lunch`,
        `${at(212)}|NONE|support|PJSIP/1001|UNPAUSE|`,
        `${at(213)}|NONE|NONE|PJSIP/1001|UNPAUSEALL|`,
        `${at(214)}|NONE|support|NONE|OUTCALL|ANSWER|30|x`,
        `${at(215)}|MANAGER|support|PJSIP/1001|REMOVEMEMBER|`,
        `${at(216)}|a1|NONE|1001|AGENTLOGOFF|PJSIP/1001-0001|215`,
        `${at(217)}|c9|support|NONE|CALLSTATUS|x`,
        `${at(218)}|c9|support|NONE|ABANDON|1|1|3`,
      ].join('\n'),
    );
    expect(report.imported).toMatchObject({
      AGENTLOGIN: 1, ADDMEMBER: 1, ENTERQUEUE: 5, RINGCANCELED: 1, AGENTDUMP: 1, CONNECT: 3, BLINDTRANSFER: 1, ATTENDEDTRANSFER: 1, TRANSFER: 1,
      SYSCOMPAT: 1, WITHDRAW: 1, PAUSE: 1, PAUSEALL: 1, UNPAUSE: 1, UNPAUSEALL: 1, REMOVEMEMBER: 1, AGENTLOGOFF: 1,
    });
    const skipped = Object.fromEntries(report.skipped.map((s) => [s.event, s]));
    expect(Object.keys(skipped).sort()).toEqual(['ABANDON', 'CALLSTATUS', 'CONFIGRELOAD', 'DID', 'INFO', 'OUTCALL', 'PENALTY', 'QUEUESTART', 'RINGINUSE']);
    expect(skipped['ABANDON']).toMatchObject({ count: 1, reason: expect.stringMatching(/no ENTERQUEUE/) });
    expect(skipped['CALLSTATUS']!.reason).toMatch(/not an app_queue event/);
    const total = Object.values(report.imported).reduce((a, b) => a + b, 0) + report.skipped.reduce((a, s) => a + s.count, 0);
    expect(total + report.brokenCount).toBe(32);
  });

  it('reads transfers’ hold and talk where each Asterisk version puts them, an attended transfer from the right', () => {
    const { facts } = importLog(
      [
        `${at(0)}|c1|support|NONE|ENTERQUEUE||1|1`,
        `${at(5)}|c1|support|SIP/1|CONNECT|5|x|1`,
        `${at(95)}|c1|support|SIP/1|ATTENDEDTRANSFER|LINK|PJSIP/1-01|PJSIP/2-02|5|90|1`,
        `${at(100)}|c2|support|NONE|ENTERQUEUE||1|1`,
        `${at(103)}|c2|support|SIP/1|CONNECT|3|x|1`,
        `${at(133)}|c2|support|SIP/1|ATTENDEDTRANSFER|APP|Voicemail|3|30|1`,
        // Asterisk 1.2: TRANSFER has no hold or talk; talk then comes from the lines' times.
        `${at(200)}|c3|support|NONE|ENTERQUEUE||1|1`,
        `${at(204)}|c3|support|SIP/1|CONNECT|4`,
        `${at(244)}|c3|support|SIP/1|TRANSFER|2000|default`,
      ].join('\n'),
    );
    expect(facts('c1').segments[0]).toMatchObject({ talk_ms: 90_000, ended_by: 'transferred' });
    expect(facts('c2').segments[0]).toMatchObject({ talk_ms: 30_000, ended_by: 'transferred' });
    expect(facts('c3').segments[0]).toMatchObject({ talk_ms: 40_000, ended_by: 'transferred' });
    expect(facts('c3').visits[0]).toMatchObject({ outcome: 'answered', wait_ms: 4_000 });
  });

  it('places an answered call with no ENTERQUEUE in the file from its hold and talk fields', () => {
    const { facts, report } = importLog(`${at(100)}|c1|support|SIP/1|COMPLETEAGENT|12|6|1`);
    const { visits, segments } = facts('c1');
    expect(visits[0]).toMatchObject({ outcome: 'answered', wait_ms: 12_000, queued_at: (at(100) - 18) * 1000 });
    expect(segments[0]).toMatchObject({ talk_ms: 6_000, answered_at: (at(100) - 6) * 1000 });
    expect(report.notes.join(' ')).toMatch(/1 answered call had no ENTERQUEUE/);
  });

  it('gives the same ids to the same file imported twice, and tells identical lines in one second apart', () => {
    const log = [`${at(0)}|c1|support|NONE|ENTERQUEUE||1|1`, `${at(0)}|c1|support|SIP/1|RINGNOANSWER|0`, `${at(0)}|c1|support|SIP/1|RINGNOANSWER|0`].join('\n');
    const first = importLog(log).milestones.map((m) => m.milestone_id);
    const second = importLog(log).milestones.map((m) => m.milestone_id);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    expect(importLog(log).facts('c1').visits[0]).toMatchObject({ agent_offers: 2, agent_no_answers: 2 });
  });

  it('keeps agents’ login, pause (with its reason), calls and logoff as state changes', () => {
    const { states } = importLog(
      [
        `${at(0)}|a1|NONE|Agent/7|AGENTLOGIN|SIP/7-01`,
        `${at(10)}|NONE|NONE|Agent/7|PAUSEALL|lunch`,
        `${at(20)}|NONE|support|Agent/7|PAUSE|lunch`,
        `${at(30)}|NONE|NONE|Agent/7|UNPAUSEALL|`,
        `${at(40)}|c1|support|NONE|ENTERQUEUE||1|1`,
        `${at(42)}|c1|support|Agent/7|CONNECT|2|x|1`,
        `${at(72)}|c1|support|Agent/7|COMPLETEAGENT|2|30|1`,
        `${at(72)}|NONE|NONE|Agent/7|WRAPUPSTART|15`,
        `${at(100)}|a1|NONE|Agent/7|AGENTLOGOFF|SIP/7-01|100`,
        `${at(101)}|NONE|NONE|Agent/7|UNPAUSEALL|`,
      ].join('\n'),
    );
    expect(states.map((s) => [s.at.slice(11, 19), s.state, s.reason_code, s.call_id])).toEqual([
      ['09:00:00', 'ready', '', ''],
      ['09:00:10', 'not_ready', 'lunch', ''],
      ['09:00:30', 'ready', '', ''],
      ['09:00:42', 'on_call', '', 'asterisk:c1'],
      ['09:01:12', 'ready', '', ''],
      ['09:01:12', 'wrap_up', '', 'asterisk:c1'],
      ['09:01:27', 'ready', '', ''],
      ['09:01:40', 'logged_out', '', ''],
    ]);
    expect(states.every((s) => s.site_id === 'hz' && s.source === 'asterisk')).toBe(true);
  });

  it('reads a realtime-table export in the zone given, with its sub-second times and data1..data5', () => {
    const { facts, report } = importLog(
      [
        'time,callid,queuename,agent,event,data1,data2,data3,data4,data5',
        '2026-03-02 17:00:00.250000,c1,support,NONE,ENTERQUEUE,,13800000000,1,,',
        '2026-03-02 17:00:08.500000,c1,support,Agent/1,CONNECT,8,c1.2,2,,',
        '2026-03-02 17:01:08.500000,c1,support,Agent/1,ATTENDEDTRANSFER,LINK,chanA,chanB,8,"60|1"',
        '2026-03-02 17:02:00,c2,support,NONE,ENTERQUEUE,,13800000001,1,,',
        '2026-02-30 17:02:00,c3,support,NONE,ENTERQUEUE,,13800000001,1,,',
      ].join('\n'),
      { timezone: 'Asia/Shanghai' },
    );
    expect(facts('c1').visits[0]).toMatchObject({ queued_at: Date.UTC(2026, 2, 2, 9, 0, 0, 250), wait_ms: 8_000 });
    expect(facts('c1').segments[0]).toMatchObject({ talk_ms: 60_000 });
    expect(report.broken).toEqual([{ line: 6, reason: expect.stringMatching(/"2026-02-30 17:02:00" is not a date and time .*Asia\/Shanghai/) }]);
    expect(report.notes.join(' ')).toMatch(/realtime queue_log table export/);
    expect(report.notes.join(' ')).toMatch(/1 call still waiting/);
  });

  it('keeps calls refused at the door (Wazo’s CLOSED, JOINEMPTY, FULL, DIVERT_*) as arrived, never offered', () => {
    const { milestones, facts } = importLog([`${at(0)}|c1|support|NONE|CLOSED|`, `${at(1)}|c2|support|NONE|DIVERT_HOLDTIME|`].join('\n'));
    expect(milestones.map((m) => [m.kind, m.queue_id, m.detail])).toEqual([
      ['arrived', 'support', 'closed:CLOSED'],
      ['arrived', 'support', 'blocked:DIVERT_HOLDTIME'],
    ]);
    expect(facts('c1').call.queued).toBe(false);
    expect(facts('c1').visits).toHaveLength(0);
  });
});
