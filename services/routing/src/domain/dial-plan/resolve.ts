// The dial plan's decision for one call: the site it goes to, and why, from the plan, the clock and each site's load.
import { type Explanation, type MatchedRule, type SkipReason, type SkippedSite, skipText } from './explanation.ts';
import { localClock } from '@switchboard/calendar';
import { openingAt } from './opening.ts';
import type { DialPlan, RegionPrefix, Site } from './types.ts';

/** A plan with the sites it names, as both stand now. */
export interface DialPlanInForce {
  readonly plan: DialPlan;
  readonly sites: ReadonlyMap<string, Site>;
}

export interface CallToRoute {
  readonly dialledNumber: string;
  /** E.164, like +8675512345678. */
  readonly callingNumber: string;
  readonly businessType?: string | undefined;
  readonly at: Date;
}

/** A site's live load, from the ACD. A site missing from the conditions counts as having no agent logged in. */
export interface SiteCondition {
  readonly agentsLoggedIn: number;
  readonly activeCalls: number;
  readonly expectedWaitSeconds?: number | undefined;
}
export type SiteConditions = Readonly<Record<string, SiteCondition>>;

export type Resolution =
  | { readonly outcome: 'routed'; readonly siteId: string; readonly via: 'first-choice' | 'overflow' | 'last-resort'; readonly explanation: Explanation }
  | { readonly outcome: 'unrouted'; readonly explanation: Explanation };

/** The urgency the plan gives a call of this business type: 0 when it names none. */
export function urgencyOf(plan: DialPlan, businessType: string | undefined): number {
  if (businessType === undefined || businessType === '') return 0;
  return plan.urgencies?.find((u) => u.businessType === businessType)?.urgency ?? 0;
}

function longestPrefix(regions: readonly RegionPrefix[], callingNumber: string): RegionPrefix | undefined {
  let best: RegionPrefix | undefined;
  for (const r of regions) if (callingNumber.startsWith(r.prefix) && r.prefix.length > (best?.prefix.length ?? 0)) best = r;
  return best;
}

function matchRule(plan: DialPlan, call: CallToRoute, headquarters: Site | undefined): { siteId: string | undefined; matched: MatchedRule } {
  for (const [i, rule] of plan.rules.entries()) {
    const n = i + 1;
    switch (rule.kind) {
      case 'business-type':
        if (call.businessType === rule.businessType) return { siteId: rule.siteId, matched: { rule: n, text: `rule ${n}: business type ${rule.businessType} goes to ${rule.siteId}` } };
        break;
      case 'region': {
        // The prefix, not the whole calling number: the explanation is kept and read by people.
        const region = longestPrefix(plan.regions, call.callingNumber);
        if (region) return { siteId: region.siteId, matched: { rule: n, text: `rule ${n}: a caller from ${region.region || region.prefix} (prefix ${region.prefix}) goes to ${region.siteId}` } };
        break;
      }
      case 'site':
        return { siteId: rule.siteId, matched: { rule: n, text: `rule ${n}: every other call goes to ${rule.siteId}` } };
      default: {
        const never: never = rule;
        throw new Error(`unknown rule ${JSON.stringify(never)}`);
      }
    }
  }
  return { siteId: headquarters?.siteId, matched: { rule: null, text: 'no rule matched; headquarters takes the call' } };
}

function skipReason(site: Site, at: Date, condition: SiteCondition | undefined, maxWaitSeconds: number | undefined): SkipReason | undefined {
  const now = localClock(at, site.timezone);
  const opening = openingAt(site, now);
  if (!opening.open) {
    return opening.holiday
      ? { code: 'holiday', holiday: opening.holiday.name, date: opening.holiday.date, reopens: opening.reopens }
      : { code: 'closed', localTime: `${now.weekday} ${now.time}`, reopens: opening.reopens };
  }
  if (!condition || condition.agentsLoggedIn < 1) return { code: 'no-agents' };
  if (condition.activeCalls >= site.capacity) return { code: 'at-capacity', activeCalls: condition.activeCalls, capacity: site.capacity };
  const wait = condition.expectedWaitSeconds;
  if (maxWaitSeconds !== undefined && wait !== undefined && wait > maxWaitSeconds) return { code: 'wait-over-threshold', expectedWaitSeconds: wait, maxWaitSeconds };
  return undefined;
}

/**
 * The first site to try, then its overflow chain, then headquarters; each at most once. Chains are not
 * followed from site to site: a site's chain is the whole route of its calls, so an admin reads it in one place.
 */
function candidates(plan: DialPlan, first: string | undefined, headquarters: Site | undefined): string[] {
  const chain = plan.overflow.find((c) => c.siteId === first)?.then ?? [];
  return [...new Set([first, ...chain, headquarters?.siteId].filter((s): s is string => s !== undefined))];
}

function summary(matched: MatchedRule, skipped: readonly SkippedSite[], ending: string): string {
  return [matched.text, ...skipped.map((s) => s.text), ending].join('; ');
}

export function resolveSite({ plan, sites }: DialPlanInForce, call: CallToRoute, conditions: SiteConditions): Resolution {
  if (call.dialledNumber !== plan.nationalNumber) {
    const matched = { rule: null, text: `the call dialled ${call.dialledNumber}, but this is the plan of ${plan.nationalNumber}` };
    return { outcome: 'unrouted', explanation: { matched, skipped: [], text: matched.text } };
  }
  const headquarters = [...sites.values()].find((s) => s.headquarters);
  const { siteId: first, matched } = matchRule(plan, call, headquarters);
  const skipped: SkippedSite[] = [];
  for (const siteId of candidates(plan, first, headquarters)) {
    const site = sites.get(siteId);
    const maxWait = plan.overflow.find((c) => c.siteId === siteId)?.maxWaitSeconds;
    const reason = site ? skipReason(site, call.at, conditions[siteId], maxWait) : { code: 'not-configured' as const };
    if (!reason) {
      const via = siteId === first ? 'first-choice' : 'overflow';
      return { outcome: 'routed', siteId, via, explanation: { matched, skipped, text: summary(matched, skipped, `routed to ${siteId}${via === 'overflow' ? ' by overflow' : ''}`) } };
    }
    const today = site ? localClock(call.at, site.timezone).date : '';
    skipped.push({ siteId, reason, text: skipText(site, siteId, reason, today) });
  }
  // Headquarters is the line that is never busy: open and staffed, it queues the call even when full or slow.
  const hqSkip = skipped.find((s) => s.siteId === headquarters?.siteId)?.reason.code;
  if (headquarters && (hqSkip === 'at-capacity' || hqSkip === 'wait-over-threshold')) {
    return {
      outcome: 'routed',
      siteId: headquarters.siteId,
      via: 'last-resort',
      explanation: { matched, skipped, text: summary(matched, skipped, `routed to ${headquarters.siteId} as the last resort: it queues the call`) },
    };
  }
  return { outcome: 'unrouted', explanation: { matched, skipped, text: summary(matched, skipped, 'no site can take the call now') } };
}
