// The dial plan's vocabulary: sites with their hours and holidays, and the rules of one national number.

import { weekdays, type Weekday } from '@switchboard/calendar';

export { weekdays, type Weekday };

/** Local wall-clock time within one day, "08:00" to "18:00"; `closes` is exclusive and may be "24:00". */
export interface TimeRange {
  readonly opens: string;
  readonly closes: string;
}

/** A local date the weekly hours do not apply: closed all day (no special hours) or open only in them. */
export interface Holiday {
  readonly date: string;
  readonly name: string;
  readonly specialHours: readonly TimeRange[];
}

export interface Site {
  readonly siteId: string;
  readonly name: string;
  readonly city: string;
  /** IANA time zone; opening hours and holidays are in this local time. */
  readonly timezone: string;
  readonly headquarters: boolean;
  /** Most calls the site takes at once. */
  readonly capacity: number;
  readonly openingHours: Readonly<Record<Weekday, readonly TimeRange[]>>;
  readonly holidays: readonly Holiday[];
}

/** One step of a plan; the first that matches picks the site the call tries first. */
export type DialPlanRule =
  | { readonly kind: 'business-type'; readonly businessType: string; readonly siteId: string }
  | { readonly kind: 'region' }
  | { readonly kind: 'site'; readonly siteId: string };

/** A calling-number prefix and the site of its region: "+86755" to Shenzhen. */
export interface RegionPrefix {
  readonly prefix: string;
  readonly siteId: string;
  readonly region: string;
}

/** Where a site's calls go when it cannot take them, in order; headquarters comes last, implied when absent. */
export interface OverflowChain {
  readonly siteId: string;
  readonly then: readonly string[];
  /** The site overflows once its expected wait passes this; undefined: no wait threshold. */
  readonly maxWaitSeconds?: number | undefined;
}

/** How urgent a business type's calls are (0–99): within a tier, the more urgent call is answered first. */
export interface BusinessUrgency {
  readonly businessType: string;
  readonly urgency: number;
}

export interface DialPlan {
  readonly nationalNumber: string;
  readonly rules: readonly DialPlanRule[];
  readonly regions: readonly RegionPrefix[];
  readonly overflow: readonly OverflowChain[];
  /** Business types more urgent than the rest; one the plan does not name has urgency 0. */
  readonly urgencies?: readonly BusinessUrgency[] | undefined;
}

/** What is wrong with a configuration and where (`openingHours/mon/1`), in words an admin can act on. */
export interface Refusal {
  readonly field: string;
  readonly message: string;
}
