// What makes a dial plan valid against the configured sites: known sites, reachable rules, overflow chains without loops.
import { MAX_URGENCY } from '../acd/state.ts';
import type { DialPlan, OverflowChain, Refusal, Site } from './types.ts';

export const NATIONAL_NUMBER = /^\+?[1-9]\d{4,14}$/;
const PREFIX = /^\+[1-9]\d{0,14}$/;

function unknownSite(siteId: string, sites: ReadonlyMap<string, Site>, field: string): Refusal[] {
  if (sites.has(siteId)) return [];
  const known = [...sites.keys()].join(', ') || 'none yet';
  return [{ field, message: `no site "${siteId}" is configured (known sites: ${known})` }];
}

function ruleRefusals(plan: DialPlan, sites: ReadonlyMap<string, Site>): Refusal[] {
  const refusals: Refusal[] = [];
  if (plan.rules.length === 0) refusals.push({ field: 'rules', message: 'a dial plan needs at least one rule' });
  const businessTypes = new Map<string, number>();
  let catchAll: number | undefined;
  plan.rules.forEach((rule, i) => {
    const field = `rules/${i}`;
    if (catchAll !== undefined) {
      refusals.push({ field, message: `rule ${i + 1} can never match: rule ${catchAll + 1} already takes every call` });
    }
    switch (rule.kind) {
      case 'business-type': {
        const earlier = businessTypes.get(rule.businessType);
        if (earlier !== undefined) {
          refusals.push({ field: `${field}/businessType`, message: `rule ${i + 1} repeats business type "${rule.businessType}" of rule ${earlier + 1}, so it can never match` });
        }
        businessTypes.set(rule.businessType, i);
        refusals.push(...unknownSite(rule.siteId, sites, `${field}/siteId`));
        return;
      }
      case 'region':
        if (plan.regions.length === 0) refusals.push({ field, message: `rule ${i + 1} routes by region, but the plan has no region prefixes` });
        return;
      case 'site':
        catchAll = i;
        refusals.push(...unknownSite(rule.siteId, sites, `${field}/siteId`));
        return;
      default: {
        const never: never = rule;
        throw new Error(`unknown rule ${JSON.stringify(never)}`);
      }
    }
  });
  return refusals;
}

function regionRefusals(plan: DialPlan, sites: ReadonlyMap<string, Site>): Refusal[] {
  const refusals: Refusal[] = [];
  const prefixes = new Set<string>();
  plan.regions.forEach((region, i) => {
    if (!PREFIX.test(region.prefix)) {
      refusals.push({ field: `regions/${i}/prefix`, message: `"${region.prefix}" is not a number prefix in E.164 form (like +86755)` });
    } else if (prefixes.has(region.prefix)) {
      refusals.push({ field: `regions/${i}/prefix`, message: `prefix ${region.prefix} is listed twice` });
    }
    prefixes.add(region.prefix);
    refusals.push(...unknownSite(region.siteId, sites, `regions/${i}/siteId`));
  });
  return refusals;
}

function urgencyRefusals(plan: DialPlan): Refusal[] {
  const refusals: Refusal[] = [];
  const seen = new Map<string, number>();
  (plan.urgencies ?? []).forEach(({ businessType, urgency }, i) => {
    const field = `urgencies/${i}`;
    if (businessType.trim() === '') refusals.push({ field: `${field}/businessType`, message: 'name the business type this urgency is for (e.g. gps-alarm)' });
    const earlier = seen.get(businessType);
    if (earlier !== undefined) refusals.push({ field: `${field}/businessType`, message: `business type "${businessType}" already has an urgency (entry ${earlier + 1}); give it one` });
    seen.set(businessType, i);
    if (!Number.isInteger(urgency) || urgency < 0 || urgency > MAX_URGENCY) {
      refusals.push({ field: `${field}/urgency`, message: `urgency ${urgency} is not a whole number from 0 to ${MAX_URGENCY} (a tier always outranks urgency: platinum > gold > normal)` });
    }
  });
  return refusals;
}

function chainRefusals(chain: OverflowChain, i: number, sites: ReadonlyMap<string, Site>): Refusal[] {
  const field = `overflow/${i}`;
  const refusals = unknownSite(chain.siteId, sites, `${field}/siteId`);
  const path = [chain.siteId];
  chain.then.forEach((siteId, step) => {
    path.push(siteId);
    if (path.indexOf(siteId) < path.length - 1) {
      refusals.push({ field: `${field}/then/${step}`, message: `the overflow chain of ${chain.siteId} loops: ${path.join(' → ')}` });
      return;
    }
    refusals.push(...unknownSite(siteId, sites, `${field}/then/${step}`));
    if (sites.get(siteId)?.headquarters && step < chain.then.length - 1) {
      refusals.push({ field: `${field}/then/${step}`, message: `headquarters (${siteId}) must come last in the overflow chain of ${chain.siteId}: it takes what no other site can` });
    }
  });
  if (chain.maxWaitSeconds !== undefined && (!Number.isInteger(chain.maxWaitSeconds) || chain.maxWaitSeconds < 1)) {
    refusals.push({ field: `${field}/maxWaitSeconds`, message: `${chain.maxWaitSeconds} is not a wait of at least 1 whole second` });
  }
  return refusals;
}

export function validateDialPlan(plan: DialPlan, sites: ReadonlyMap<string, Site>): Refusal[] {
  const refusals: Refusal[] = [];
  if (!NATIONAL_NUMBER.test(plan.nationalNumber)) {
    refusals.push({ field: 'nationalNumber', message: `"${plan.nationalNumber}" is not a dialled number (digits, optionally after +)` });
  }
  if (![...sites.values()].some((s) => s.headquarters)) {
    refusals.push({ field: '', message: 'no headquarters site is configured; every overflow chain ends at headquarters, so configure it first' });
  }
  refusals.push(...ruleRefusals(plan, sites), ...regionRefusals(plan, sites), ...urgencyRefusals(plan));
  const chained = new Set<string>();
  plan.overflow.forEach((chain, i) => {
    if (chained.has(chain.siteId)) refusals.push({ field: `overflow/${i}/siteId`, message: `${chain.siteId} has two overflow chains; give it one` });
    chained.add(chain.siteId);
    refusals.push(...chainRefusals(chain, i, sites));
  });
  return refusals;
}
