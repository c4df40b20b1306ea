// The FreeSWITCH mod_callcenter importer: the caller leg's cc_* variables become one visit with the outcome
// mod_callcenter recorded; agent legs are not counted twice; broken records are reported by line.
import { describe, expect, it } from 'vitest';
import { callFacts } from '../facts/call-facts.ts';
import type { CallMilestone } from '../facts/call-milestones.ts';
import { FreeSwitchImport } from './freeswitch.ts';

function importCdrs(text: string) {
  const run = new FreeSwitchImport({ siteId: 'hz' });
  const milestones: CallMilestone[] = [];
  text.split('\n').forEach((line, i) => milestones.push(...run.push(line, i + 1).milestones));
  const facts = (uuid: string) => callFacts(milestones.filter((m) => m.call_id === `freeswitch:${uuid}`));
  return { milestones, report: run.report(), facts };
}

const T = 1772442000;
const header = 'uuid,variable_cc_side,variable_cc_queue,variable_cc_agent,variable_cc_queue_joined_epoch,variable_cc_queue_answered_epoch,variable_cc_queue_terminated_epoch,variable_cc_queue_canceled_epoch,variable_cc_cause,variable_cc_cancel_reason,variable_cc_exit_key';

describe('FreeSWITCH mod_callcenter CDRs', () => {
  it('count each caller leg once, with the wait and talk its epochs give and the outcome its cancel reason names', () => {
    const { facts, report } = importCdrs(
      [
        header,
        `m1,member,support@default,1000@default,${T},${T + 12},${T + 192},,answered,,`,
        `a1,agent,support@default,1000@default,${T},${T + 12},${T + 192},,,,`,
        `m2,member,support@default,,${T + 100},,,${T + 140},cancel,BREAK_OUT,`,
        `m3,member,support@default,,${T + 200},,,${T + 260},cancel,TIMEOUT,`,
        `m4,member,support@default,,${T + 300},,,${T + 305},cancel,EXIT_WITH_KEY,0`,
        `m5,member,support@default,1001@default,${T + 400},,,${T + 402},cancel,NONE,`,
        `m6,member,support@default,,${T + 500},,,${T + 530},cancel,NO_AGENT_TIMEOUT,`,
      ].join('\n'),
    );
    expect(facts('m1')!.visits[0]).toMatchObject({ queue_id: 'support@default', outcome: 'answered', wait_ms: 12_000, agent_id: '1000@default' });
    expect(facts('m1')!.segments[0]).toMatchObject({ talk_ms: 180_000 });
    expect(facts('a1')).toBeUndefined();
    expect(facts('m2')!.visits[0]).toMatchObject({ outcome: 'abandoned', wait_ms: 40_000 });
    expect(facts('m3')!.visits[0]).toMatchObject({ outcome: 'system_exit', wait_ms: 60_000 });
    expect(facts('m4')!.visits[0]).toMatchObject({ outcome: 'overflowed', wait_ms: 5_000 });
    expect(facts('m5')!.visits[0]).toMatchObject({ outcome: 'abandoned', wait_ms: 2_000 });
    expect(facts('m6')!.visits[0]).toMatchObject({ outcome: 'system_exit', wait_ms: 30_000 });
    expect(report.imported).toEqual({ answered: 1, abandoned: 2, timeout: 1, 'exit-with-key': 1, 'no-agent-timeout': 1 });
    expect(report.skipped).toEqual([{ event: 'cc_side=agent', count: 1, reason: expect.stringMatching(/agent leg/) }]);
    expect(report.calls).toBe(6);
  });

  it('reads mod_json_cdr documents one per line, URL-decoding the variables', () => {
    const cdr = { 'core-uuid': 'x', variables: { uuid: 'j1', cc_side: 'member', cc_queue: 'sales%40default', cc_agent: '1002%40default', cc_queue_joined_epoch: `${T}`, cc_queue_answered_epoch: `${T + 7}`, cc_queue_terminated_epoch: `${T + 67}`, cc_cause: 'answered' } };
    const { facts } = importCdrs(JSON.stringify(cdr));
    expect(facts('j1')!.visits[0]).toMatchObject({ queue_id: 'sales@default', agent_id: '1002@default', outcome: 'answered', wait_ms: 7_000 });
  });

  it('reports broken records by line and imports the rest', () => {
    const { report, facts } = importCdrs(
      [
        header,
        `m1,member,support,,yesterday,,,,cancel,BREAK_OUT,`,
        `m2,member,support,,${T},,,,answered,,`,
        `m3,member,support,,${T},,,${T + 9},cancel,BREAK_OUT,`,
        `m4,member,support`,
        `m5,member,support,,${T},,,${T + 9},cancel,GONE_FISHING,`,
      ].join('\n'),
    );
    expect(report.broken).toEqual([
      { line: 2, reason: expect.stringMatching(/cc_queue_joined_epoch is "yesterday"/) },
      { line: 3, reason: expect.stringMatching(/answered without cc_queue_answered_epoch/) },
      { line: 5, reason: expect.stringMatching(/3 columns where the header names 11/) },
      { line: 6, reason: expect.stringMatching(/cc_cancel_reason "GONE_FISHING"/) },
    ]);
    expect(facts('m3')!.visits[0]).toMatchObject({ outcome: 'abandoned', wait_ms: 9_000 });
  });
});
