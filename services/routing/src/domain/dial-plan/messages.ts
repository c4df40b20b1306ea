// Sites and dial plans as the protobuf messages their events carry, and back.
import { create } from '@bufbuild/protobuf';
import {
  DialPlanSchema,
  SiteConfigSchema,
  SiteWeekday,
  type DialPlan as DialPlanMessage,
  type DialPlanRule as DialPlanRuleMessage,
  type SiteConfig,
} from '@switchboard/contracts';
import { weekdays, type DialPlan, type DialPlanRule, type Site, type Weekday } from './types.ts';

const weekdayEnum: Readonly<Record<Weekday, SiteWeekday>> = {
  mon: SiteWeekday.MONDAY,
  tue: SiteWeekday.TUESDAY,
  wed: SiteWeekday.WEDNESDAY,
  thu: SiteWeekday.THURSDAY,
  fri: SiteWeekday.FRIDAY,
  sat: SiteWeekday.SATURDAY,
  sun: SiteWeekday.SUNDAY,
};

export function siteToMessage(site: Site): SiteConfig {
  return create(SiteConfigSchema, {
    siteId: site.siteId,
    name: site.name,
    city: site.city,
    timezone: site.timezone,
    isHeadquarters: site.headquarters,
    capacity: site.capacity,
    openingHours: weekdays
      .filter((day) => site.openingHours[day].length > 0)
      .map((day) => ({ weekday: weekdayEnum[day], ranges: site.openingHours[day].map((r) => ({ ...r })) })),
    holidays: site.holidays.map((h) => ({ date: h.date, name: h.name, specialHours: h.specialHours.map((r) => ({ ...r })) })),
  });
}

export function siteFromMessage(m: SiteConfig): Site {
  const hoursOf = (day: Weekday) =>
    m.openingHours.filter((h) => h.weekday === weekdayEnum[day]).flatMap((h) => h.ranges.map((r) => ({ opens: r.opens, closes: r.closes })));
  return {
    siteId: m.siteId,
    name: m.name,
    city: m.city,
    timezone: m.timezone,
    headquarters: m.isHeadquarters,
    capacity: m.capacity,
    openingHours: { mon: hoursOf('mon'), tue: hoursOf('tue'), wed: hoursOf('wed'), thu: hoursOf('thu'), fri: hoursOf('fri'), sat: hoursOf('sat'), sun: hoursOf('sun') },
    holidays: m.holidays.map((h) => ({ date: h.date, name: h.name, specialHours: h.specialHours.map((r) => ({ opens: r.opens, closes: r.closes })) })),
  };
}

function ruleToMessage(rule: DialPlanRule): DialPlanRuleMessage['rule'] {
  switch (rule.kind) {
    case 'business-type':
      return { case: 'businessType', value: { $typeName: 'switchboard.routing.v1.DialPlanBusinessTypeRule', businessType: rule.businessType, siteId: rule.siteId } };
    case 'region':
      return { case: 'region', value: { $typeName: 'switchboard.routing.v1.DialPlanRegionRule' } };
    case 'site':
      return { case: 'site', value: { $typeName: 'switchboard.routing.v1.DialPlanSiteRule', siteId: rule.siteId } };
    default: {
      const never: never = rule;
      throw new Error(`unknown rule ${JSON.stringify(never)}`);
    }
  }
}

export function planToMessage(plan: DialPlan): DialPlanMessage {
  return create(DialPlanSchema, {
    nationalNumber: plan.nationalNumber,
    rules: plan.rules.map((rule) => ({ rule: ruleToMessage(rule) })),
    regions: plan.regions.map((r) => ({ ...r })),
    // 0 on the wire means "no wait threshold".
    overflow: plan.overflow.map((c) => ({ siteId: c.siteId, thenSiteIds: [...c.then], maxWaitSeconds: c.maxWaitSeconds ?? 0 })),
    urgencies: (plan.urgencies ?? []).map((u) => ({ businessType: u.businessType, urgency: u.urgency })),
  });
}

function ruleFromMessage(m: DialPlanRuleMessage): DialPlanRule[] {
  const rule = m.rule;
  switch (rule.case) {
    case 'businessType':
      return [{ kind: 'business-type', businessType: rule.value.businessType, siteId: rule.value.siteId }];
    case 'region':
      return [{ kind: 'region' }];
    case 'site':
      return [{ kind: 'site', siteId: rule.value.siteId }];
    case undefined:
      // A rule of a kind this build does not know yet (written by a newer one) is left out rather than guessed.
      return [];
    default: {
      const never: never = rule;
      throw new Error(`unknown rule ${JSON.stringify(never)}`);
    }
  }
}

export function planFromMessage(m: DialPlanMessage): DialPlan {
  return {
    nationalNumber: m.nationalNumber,
    rules: m.rules.flatMap(ruleFromMessage),
    regions: m.regions.map((r) => ({ prefix: r.prefix, siteId: r.siteId, region: r.region })),
    overflow: m.overflow.map((c) => ({ siteId: c.siteId, then: [...c.thenSiteIds], maxWaitSeconds: c.maxWaitSeconds === 0 ? undefined : c.maxWaitSeconds })),
    // Absent when the plan names none, as a plan published before urgencies existed reads back.
    ...(m.urgencies.length === 0 ? {} : { urgencies: m.urgencies.map((u) => ({ businessType: u.businessType, urgency: u.urgency })) }),
  };
}
