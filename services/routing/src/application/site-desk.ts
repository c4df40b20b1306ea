// Runs a site's ACD: one command at a time per site, against the site's state kept in memory with its stream version.
import { asDecodedEvent, type DecodedEvent, type EventMessage } from '@switchboard/contracts';
import { StreamVersionConflict, type AppendOptions, type EventStore } from '@switchboard/event-store';
import type { AcdCommand, AcdRejection } from '../domain/acd/commands.ts';
import { acdDecider } from '../domain/acd/decide.ts';
import { recordOffer, type OfferRecord } from '../domain/acd/offer-records.ts';
import type { SiteRouting } from '../domain/acd/state.ts';
import type { SiteSnapshots } from './site-snapshots.ts';

export const acdSiteStream = (siteId: string): string => `acd-site-${siteId}`;

/** A site as this process last saw it: the fold of its stream up to `version`. */
export interface CachedSite {
  state: SiteRouting;
  version: number;
  /** agentId → the last offer made to the agent, with its decision record (the state keeps no "why"). */
  readonly offers: Map<string, OfferRecord>;
  /** The version of the site's latest snapshot this process started from or took (0: none). */
  snapshotVersion: number;
}

export type DeskResult =
  | { readonly ok: true; readonly events: readonly DecodedEvent[]; readonly version: number }
  | { readonly ok: false; readonly rejected: AcdRejection };

export interface SiteDeskOptions {
  readonly store: EventStore;
  /** Append options for a command of the site (its trace and occurred-at, taken when the command runs). */
  readonly appendOptions: (siteId: string) => AppendOptions;
  readonly maxAttempts?: number;
  /** Keeps a snapshot of each site every so many events and loads a site from it; without, a site is folded from its whole stream. */
  readonly snapshots?: SiteSnapshots;
}

export class SiteDesk {
  private readonly store: EventStore;
  private readonly appendOptions: (siteId: string) => AppendOptions;
  private readonly maxAttempts: number;
  private readonly snapshots: SiteSnapshots | undefined;
  private readonly cache = new Map<string, CachedSite>();
  /** The tail of each site's chain of work: a site's commands run one after another, sites run side by side. */
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(options: SiteDeskOptions) {
    this.store = options.store;
    this.appendOptions = options.appendOptions;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.snapshots = options.snapshots;
  }

  /** Decides and records the command; a rejection is returned, an infrastructure failure thrown. */
  execute(siteId: string, command: AcdCommand): Promise<DeskResult> {
    return this.enqueue(siteId, () => this.run(siteId, command));
  }

  /** Reads the site after the commands queued before this read have run. */
  read<T>(siteId: string, view: (site: CachedSite) => T): Promise<T> {
    return this.enqueue(siteId, async () => {
      const site = await this.site(siteId);
      try {
        return view(site);
      } finally {
        this.forgetIfUnregistered(siteId);
      }
    });
  }

  /**
   * Reads the site as this process last saw it, without waiting for the commands queued before: for a glance
   * that may be a moment old (the dial plan's "is anybody logged in there"), so that one call's routing does
   * not wait for every site's backlog. A site not yet held is read as `read` does.
   */
  peek<T>(siteId: string, view: (site: CachedSite) => T): Promise<T> {
    const cached = this.cache.get(siteId);
    return cached === undefined ? this.read(siteId, view) : Promise.resolve(view(cached));
  }

  /** The sites whose state this process holds: the ones the clock ticks. */
  cachedSites(): string[] {
    return [...this.cache.keys()];
  }

  /** Settles once every command queued so far has run and the snapshots they took are written (for a clean shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.tails.values()]);
    await this.snapshots?.idle();
  }

  private enqueue<T>(siteId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(siteId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(siteId, tail);
    // The last one out removes the chain, so an idle site costs nothing.
    void tail.then(() => {
      if (this.tails.get(siteId) === tail) this.tails.delete(siteId);
    });
    return next;
  }

  private async run(siteId: string, command: AcdCommand): Promise<DeskResult> {
    for (let attempt = 1; ; attempt++) {
      const site = await this.site(siteId);
      const decision = acdDecider.decide(command, site.state);
      if ('rejected' in decision) {
        // A refusal appends nothing, so no conflict would reveal a stale copy: check the log before saying no.
        if (attempt < this.maxAttempts && (await this.store.version(acdSiteStream(siteId))) !== site.version) {
          this.cache.delete(siteId);
          continue;
        }
        this.forgetIfUnregistered(siteId);
        return { ok: false, rejected: decision.rejected };
      }
      try {
        site.version = await this.store.append(acdSiteStream(siteId), site.version, decision, this.appendOptions(siteId));
      } catch (error) {
        // Another writer got there first (a replica during a rebalance): our copy is stale, so fold the log again.
        this.cache.delete(siteId);
        if (!(error instanceof StreamVersionConflict) || attempt >= this.maxAttempts) throw error;
        continue;
      }
      let events: DecodedEvent[];
      try {
        events = this.fold(site, decision);
      } catch (error) {
        // A fold that failed half-way leaves a state nobody can trust; the next use rebuilds it from the log.
        this.cache.delete(siteId);
        throw error;
      }
      this.snapshots?.take(siteId, acdSiteStream(siteId), site);
      return { ok: true, events, version: site.version };
    }
  }

  private fold(site: CachedSite, messages: readonly EventMessage[]): DecodedEvent[] {
    const events = messages.map(asDecodedEvent);
    for (const event of events) apply(site, event);
    return events;
  }

  private async site(siteId: string): Promise<CachedSite> {
    const cached = this.cache.get(siteId);
    if (cached !== undefined) return cached;
    // From the latest snapshot when there is one: a busy site's stream grows by millions of events a day.
    const streamId = acdSiteStream(siteId);
    const { from, events } = this.snapshots === undefined ? { from: undefined, events: await this.store.load(streamId) } : await this.snapshots.load(siteId, streamId);
    const version = from?.version ?? 0;
    const site: CachedSite = { state: from?.state ?? acdDecider.initialState, version, offers: from?.offers ?? new Map(), snapshotVersion: version };
    for (const stored of events) {
      apply(site, stored.event);
      site.version = stored.version;
    }
    this.cache.set(siteId, site);
    return site;
  }

  /** A site nobody registered is not kept: a stray read must not grow the cache or the clock's rounds. */
  private forgetIfUnregistered(siteId: string): void {
    if (this.cache.get(siteId)?.state.status === 'unregistered') this.cache.delete(siteId);
  }
}

function apply(site: CachedSite, event: DecodedEvent): void {
  site.state = acdDecider.evolve(site.state, event);
  recordOffer(site.offers, event);
}
