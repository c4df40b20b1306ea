// A call overflowing to another site is queued there: the receiving site's desk reads it from routing.events (its partition's work).
import { timestampMs } from '@bufbuild/protobuf/wkt';
import type { Projection } from '@switchboard/event-store';
import type { Logger } from '@switchboard/service-kit';
import type { SiteDesk } from './site-desk.ts';

export function overflowReactor(desk: SiteDesk, logger: Logger): Projection {
  return {
    name: 'routing.acd-overflow',
    topics: ['routing.events'],
    handles: (event) => event.type === 'CallOverflowed',
    async apply(tx, event) {
      if (event.type !== 'CallOverflowed') return;
      const m = event.message;
      const to = m.to;
      // A step to a queue of the same site was queued by the same decision; only another site's is left to do.
      if (to === undefined || to.siteId === m.siteId) return;
      const at = m.at === undefined ? Date.now() : timestampMs(m.at);
      const result = await desk.execute(to.siteId, {
        type: 'QueueCall',
        callId: m.callId,
        queueId: to.queueId,
        tier: m.tier,
        urgency: m.urgency,
        ...(m.arrivedAt === undefined ? {} : { arrivedAt: timestampMs(m.arrivedAt) }),
        overflowPath: m.overflowPath,
        at,
      });
      // A redelivery finds the call already there; a refusal (an unknown queue) is the admin's to fix, not a retry's.
      if (!result.ok && result.rejected.code !== 'duplicate-call') logger.warn({ callId: m.callId, to, rejected: result.rejected }, 'the overflow site refused the call');
      // The caller's hang-up must now reach the site that holds the call.
      await tx.$executeRaw`update telephony_calls set queued_site_id = ${to.siteId} where call_id = ${m.callId}`;
    },
    async reset() {
      // Nothing of its own to clear: a replay queues again only what is not queued yet.
    },
  };
}
