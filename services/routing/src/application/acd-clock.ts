// The ACD's clock: every second each site this process holds gets a Tick, so wrap-ups end, named-agent waits time out and calls overflow.
import type { Logger } from '@switchboard/service-kit';
import type { SiteDesk } from './site-desk.ts';

export interface AcdClock {
  /** Stops ticking and waits for the ticks under way. */
  stop(): Promise<void>;
}

export function startAcdClock(desk: SiteDesk, logger: Logger, intervalMs = 1000): AcdClock {
  // A site whose last tick has not run yet gets no second one: a busy site must not pile up ticks.
  const pending = new Set<string>();
  const tickAll = () => {
    const at = Date.now();
    for (const siteId of desk.cachedSites()) {
      if (pending.has(siteId)) continue;
      pending.add(siteId);
      desk
        .execute(siteId, { type: 'Tick', at })
        .then((result) => {
          if (!result.ok && result.rejected.code !== 'unknown-site') logger.warn({ siteId, rejected: result.rejected }, 'the ACD clock tick was rejected');
        })
        .catch((error: unknown) => logger.error({ err: error, siteId }, 'the ACD clock tick failed; the next one retries'))
        .finally(() => pending.delete(siteId));
    }
  };
  const timer = setInterval(tickAll, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await desk.idle();
    },
  };
}
