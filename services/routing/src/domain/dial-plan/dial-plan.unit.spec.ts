// Publishing the dial plan of a national number: known sites, reachable rules, overflow chains that end at headquarters.
import { describe, expect, it } from 'vitest';
import { asDecodedEvent, type EventMessage } from '@switchboard/contracts';
import { dialPlanDecider, type DialPlanCommand } from './dial-plan.ts';
import { nationalPlan, sites } from './sample-network.ts';
import type { DialPlan } from './types.ts';

/** given these events, when this command: the events decided, or the rejection. */
const given = (events: readonly EventMessage[], command: DialPlanCommand) =>
  dialPlanDecider.decide(command, events.map(asDecodedEvent).reduce(dialPlanDecider.evolve, dialPlanDecider.initialState));
const publish = (plan: DialPlan, expectedVersion?: number): DialPlanCommand => ({ type: 'PublishDialPlan', plan, sites, expectedVersion });
const refusalsOf = (decision: ReturnType<typeof given>) => ('rejected' in decision && decision.rejected.code === 'invalid' ? decision.rejected.refusals : []);

describe('the dial plan of a national number', () => {
  it('is published whole and read back the same; publishing it again is no event', () => {
    const decided = given([], publish(nationalPlan)) as EventMessage[];
    expect(decided).toMatchObject([{ $typeName: 'switchboard.routing.v1.DialPlanPublished', plan: { nationalNumber: '+8695105555' } }]);
    const state = decided.map(asDecodedEvent).reduce(dialPlanDecider.evolve, dialPlanDecider.initialState);
    expect(state).toEqual({ status: 'published', plan: nationalPlan, version: 1 });
    expect(given(decided, publish(nationalPlan))).toEqual([]);
  });

  it('refuses an overflow cycle, naming it', () => {
    const cycle = { ...nationalPlan, overflow: [{ siteId: 'shenzhen', then: ['guangzhou', 'shenzhen'] }] };
    expect(refusalsOf(given([], publish(cycle)))).toEqual([
      { field: 'overflow/0/then/1', message: 'the overflow chain of shenzhen loops: shenzhen → guangzhou → shenzhen' },
    ]);
  });

  it('refuses a site nobody configured, in a rule, a region or a chain, naming it', () => {
    const typo = {
      ...nationalPlan,
      rules: [{ kind: 'business-type' as const, businessType: 'gps-alarm', siteId: 'bejing-hq' }, { kind: 'region' as const }],
      regions: [{ prefix: '+86755', siteId: 'shenzen', region: 'Shenzhen' }],
      overflow: [{ siteId: 'shenzhen', then: ['hangzhou'] }],
    };
    expect(refusalsOf(given([], publish(typo)))).toEqual([
      { field: 'rules/0/siteId', message: 'no site "bejing-hq" is configured (known sites: beijing-hq, shenzhen, guangzhou)' },
      { field: 'regions/0/siteId', message: 'no site "shenzen" is configured (known sites: beijing-hq, shenzhen, guangzhou)' },
      { field: 'overflow/0/then/0', message: 'no site "hangzhou" is configured (known sites: beijing-hq, shenzhen, guangzhou)' },
    ]);
  });

  it('keeps headquarters last in a chain and refuses rules that can never match', () => {
    const muddled = {
      ...nationalPlan,
      rules: [{ kind: 'site' as const, siteId: 'shenzhen' }, { kind: 'region' as const }],
      overflow: [{ siteId: 'shenzhen', then: ['beijing-hq', 'guangzhou'] }],
    };
    expect(refusalsOf(given([], publish(muddled))).map((r) => r.field)).toEqual(['rules/1', 'overflow/0/then/0']);
  });

  it('needs a headquarters among the sites', () => {
    const noHq = new Map([...sites].filter(([, s]) => !s.headquarters));
    expect(refusalsOf(given([], { type: 'PublishDialPlan', plan: { ...nationalPlan, rules: [{ kind: 'region' }], overflow: [] }, sites: noHq }))).toContainEqual({
      field: '',
      message: 'no headquarters site is configured; every overflow chain ends at headquarters, so configure it first',
    });
  });

  it('refuses a change made from an older version of the plan', () => {
    const history = given([], publish(nationalPlan)) as EventMessage[];
    expect(given(history, publish({ ...nationalPlan, regions: nationalPlan.regions.slice(1) }, 0))).toMatchObject({ rejected: { code: 'version-mismatch' } });
  });
});
