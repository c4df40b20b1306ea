// Where a call to the national number goes, and what the explanation tells a supervisor.
import { describe, expect, it } from 'vitest';
import { resolveSite, type CallToRoute, type SiteConditions } from './resolve.ts';
import { nationalPlan, shanghai, sites } from './sample-network.ts';

const plan = { plan: nationalPlan, sites };
const staffed: SiteConditions = {
  'beijing-hq': { agentsLoggedIn: 12, activeCalls: 3 },
  shenzhen: { agentsLoggedIn: 6, activeCalls: 2, expectedWaitSeconds: 10 },
  guangzhou: { agentsLoggedIn: 4, activeCalls: 1 },
};
// Tuesday 28 January 2025, a working day.
const call = (callingNumber: string, at: Date, businessType?: string): CallToRoute => ({ dialledNumber: '+8695105555', callingNumber, at, businessType });
const shenzhenCaller = (at: Date, businessType?: string) => call('+8675512345678', at, businessType);

describe('the dial plan of the national number', () => {
  it('sends a Shenzhen caller to Shenzhen in working hours', () => {
    const resolution = resolveSite(plan, shenzhenCaller(shanghai('2025-01-28', '10:00')), staffed);
    expect(resolution).toMatchObject({ outcome: 'routed', siteId: 'shenzhen', via: 'first-choice' });
    expect(resolution.explanation.matched).toEqual({ rule: 2, text: 'rule 2: a caller from Shenzhen (prefix +86755) goes to shenzhen' });
    expect(resolution.explanation.skipped).toEqual([]);
  });

  it('picks the longest matching prefix: +86755 is Shenzhen, other Chinese numbers fall to the +86 entry', () => {
    expect(resolveSite(plan, call('+862087654321', shanghai('2025-01-28', '10:00')), staffed)).toMatchObject({ siteId: 'guangzhou' });
    expect(resolveSite(plan, call('+8657187654321', shanghai('2025-01-28', '10:00')), staffed)).toMatchObject({ siteId: 'beijing-hq' });
  });

  it('sends GPS alarms to headquarters whoever calls', () => {
    const resolution = resolveSite(plan, shenzhenCaller(shanghai('2025-01-28', '10:00'), 'gps-alarm'), staffed);
    expect(resolution).toMatchObject({ outcome: 'routed', siteId: 'beijing-hq', via: 'first-choice', explanation: { matched: { rule: 1 } } });
  });

  it('before opening, overflows and says when the site opens', () => {
    const resolution = resolveSite(plan, shenzhenCaller(shanghai('2025-01-28', '07:00')), staffed);
    expect(resolution).toMatchObject({ outcome: 'routed', siteId: 'beijing-hq', via: 'overflow' });
    expect(resolution.explanation.skipped.map((s) => s.text)).toEqual([
      'Shenzhen center (shenzhen) is closed until 08:00 local (it is tue 07:00 there)',
      'Guangzhou center (guangzhou) is closed until 08:00 local (it is tue 07:00 there)',
    ]);
  });

  it('after hours goes where the schedule says: Guangzhou is still open at 21:00, headquarters at 23:00', () => {
    const evening = resolveSite(plan, shenzhenCaller(shanghai('2025-01-27', '21:00')), staffed);
    expect(evening).toMatchObject({ outcome: 'routed', siteId: 'guangzhou', via: 'overflow' });
    expect(evening.explanation.skipped[0]?.text).toBe('Shenzhen center (shenzhen) is closed until tue 2025-01-28 08:00 local (it is mon 21:00 there)');
    expect(resolveSite(plan, shenzhenCaller(shanghai('2025-01-27', '23:00')), staffed)).toMatchObject({ siteId: 'beijing-hq', via: 'overflow' });
  });

  it('counts the lunch break as closed', () => {
    const resolution = resolveSite(plan, shenzhenCaller(shanghai('2025-01-28', '12:30')), staffed);
    expect(resolution.explanation.skipped[0]).toMatchObject({ siteId: 'shenzhen', reason: { code: 'closed', reopens: { time: '13:00' } } });
  });

  it('closes a site on its holiday and says until when', () => {
    const resolution = resolveSite(plan, shenzhenCaller(shanghai('2025-01-29', '10:00')), staffed);
    expect(resolution).toMatchObject({ outcome: 'routed', siteId: 'guangzhou', via: 'overflow' });
    expect(resolution.explanation.skipped).toEqual([
      {
        siteId: 'shenzhen',
        reason: { code: 'holiday', holiday: 'Spring Festival', date: '2025-01-29', reopens: { date: '2025-01-30', weekday: 'thu', time: '08:00' } },
        text: 'Shenzhen center (shenzhen) is closed for Spring Festival on 2025-01-29, until thu 2025-01-30 08:00 local',
      },
    ]);
  });

  it('overflows to headquarters when no agent is logged in along the chain', () => {
    const empty: SiteConditions = { ...staffed, shenzhen: { agentsLoggedIn: 0, activeCalls: 0 }, guangzhou: { agentsLoggedIn: 0, activeCalls: 0 } };
    const resolution = resolveSite(plan, shenzhenCaller(shanghai('2025-01-28', '10:00')), empty);
    expect(resolution).toMatchObject({ outcome: 'routed', siteId: 'beijing-hq', via: 'overflow' });
    expect(resolution.explanation.skipped.map((s) => s.reason.code)).toEqual(['no-agents', 'no-agents']);
    expect(resolution.explanation.text).toBe(
      'rule 2: a caller from Shenzhen (prefix +86755) goes to shenzhen; Shenzhen center (shenzhen) has no agent logged in; ' +
        'Guangzhou center (guangzhou) has no agent logged in; routed to beijing-hq by overflow',
    );
  });

  it('overflows a site at capacity, and one whose wait passes its threshold', () => {
    const full: SiteConditions = { ...staffed, shenzhen: { agentsLoggedIn: 20, activeCalls: 20 } };
    expect(resolveSite(plan, shenzhenCaller(shanghai('2025-01-28', '10:00')), full).explanation.skipped[0]?.text).toBe(
      'Shenzhen center (shenzhen) is at capacity (20 of 20 calls)',
    );
    const slow: SiteConditions = { ...staffed, shenzhen: { agentsLoggedIn: 6, activeCalls: 5, expectedWaitSeconds: 90 } };
    expect(resolveSite(plan, shenzhenCaller(shanghai('2025-01-28', '10:00')), slow)).toMatchObject({
      siteId: 'guangzhou',
      explanation: { skipped: [{ reason: { code: 'wait-over-threshold', expectedWaitSeconds: 90, maxWaitSeconds: 60 } }] },
    });
  });

  it('queues at a full headquarters as the last resort: the line that is never busy', () => {
    const busy: SiteConditions = { 'beijing-hq': { agentsLoggedIn: 50, activeCalls: 50 }, shenzhen: { agentsLoggedIn: 0, activeCalls: 0 } };
    expect(resolveSite(plan, shenzhenCaller(shanghai('2025-01-28', '10:00')), busy)).toMatchObject({ outcome: 'routed', siteId: 'beijing-hq', via: 'last-resort' });
  });

  it('routes nowhere when every site is closed or unstaffed, and says so', () => {
    const resolution = resolveSite(plan, shenzhenCaller(shanghai('2025-01-28', '10:00')), {});
    expect(resolution.outcome).toBe('unrouted');
    expect(resolution.explanation.text).toMatch(/no site can take the call now$/);
  });

  it('does not route a call that dialled another number', () => {
    const resolution = resolveSite(plan, { ...shenzhenCaller(shanghai('2025-01-28', '10:00')), dialledNumber: '+864008005555' }, staffed);
    expect(resolution).toMatchObject({ outcome: 'unrouted', explanation: { matched: { rule: null } } });
  });
});
