// How a routing decision reads to a supervisor: the rule that matched and each site passed over, with its reason.
import type { Reopening } from './opening.ts';
import type { Site } from './types.ts';

export type SkipReason =
  | { readonly code: 'closed'; readonly localTime: string; readonly reopens: Reopening | undefined }
  | { readonly code: 'holiday'; readonly holiday: string; readonly date: string; readonly reopens: Reopening | undefined }
  | { readonly code: 'no-agents' }
  | { readonly code: 'at-capacity'; readonly activeCalls: number; readonly capacity: number }
  | { readonly code: 'wait-over-threshold'; readonly expectedWaitSeconds: number; readonly maxWaitSeconds: number }
  | { readonly code: 'not-configured' };

export interface SkippedSite {
  readonly siteId: string;
  readonly reason: SkipReason;
  readonly text: string;
}

/** The rule that picked the first site to try; `rule` is 1-based, null when no rule matched. */
export interface MatchedRule {
  readonly rule: number | null;
  readonly text: string;
}

export interface Explanation {
  readonly matched: MatchedRule;
  readonly skipped: readonly SkippedSite[];
  readonly text: string;
}

function reopening(reopens: Reopening | undefined, today: string): string {
  if (!reopens) return 'with no opening in the next two weeks';
  return reopens.date === today ? `until ${reopens.time} local` : `until ${reopens.weekday} ${reopens.date} ${reopens.time} local`;
}

export function skipText(site: Site | undefined, siteId: string, reason: SkipReason, today: string): string {
  const name = site ? `${site.name} (${siteId})` : siteId;
  switch (reason.code) {
    case 'closed':
      return `${name} is closed ${reopening(reason.reopens, today)} (it is ${reason.localTime} there)`;
    case 'holiday':
      return `${name} is closed for ${reason.holiday} on ${reason.date}, ${reopening(reason.reopens, today)}`;
    case 'no-agents':
      return `${name} has no agent logged in`;
    case 'at-capacity':
      return `${name} is at capacity (${reason.activeCalls} of ${reason.capacity} calls)`;
    case 'wait-over-threshold':
      return `${name} has an expected wait of ${reason.expectedWaitSeconds} s, over its ${reason.maxWaitSeconds} s threshold`;
    case 'not-configured':
      return `${siteId} is no configured site`;
    default: {
      const never: never = reason;
      throw new Error(`unknown skip reason ${JSON.stringify(never)}`);
    }
  }
}
