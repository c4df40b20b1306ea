// A site's ACD state kept as a snapshot every so many events, and a site loaded from its latest snapshot plus the events after it.
import type { JsonValue } from '@bufbuild/protobuf';
import { StreamSnapshots, type EventStore, type Sql, type StoredEvent } from '@switchboard/event-store';
import type { Logger } from '@switchboard/service-kit';
import { fromSnapshot, SITE_SNAPSHOT_FORMAT, toSnapshot, type RestoredSite } from '../domain/acd/snapshot.ts';
import type { CachedSite } from './site-desk.ts';

export interface SiteSnapshotsOptions {
  /** The site's streams: the snapshots' table is in the same database. */
  readonly store: EventStore;
  readonly sql: Sql;
  /** A snapshot is taken once this many events were appended since the last one. */
  readonly every: number;
  readonly logger: Logger;
}

/** Where a site's fold starts: a snapshot's state at its version (none: the initial state), and the events after it. */
export interface SiteStart {
  readonly from: (RestoredSite & { readonly version: number }) | undefined;
  readonly events: readonly StoredEvent[];
}

export class SiteSnapshots {
  private readonly store: EventStore;
  private readonly snapshots: StreamSnapshots;
  private readonly every: number;
  private readonly logger: Logger;
  /** The snapshot being written, per site: a site never has two writes under way. */
  private readonly writing = new Map<string, Promise<void>>();

  constructor(options: SiteSnapshotsOptions) {
    this.store = options.store;
    this.snapshots = new StreamSnapshots(options.sql, options.store);
    this.every = options.every;
    this.logger = options.logger;
  }

  /**
   * The site's latest snapshot in this release's format and the events after it. Without one — none taken yet, one of
   * another format (an older release's), one that contradicts itself — the whole stream, from the initial state.
   */
  async load(siteId: string, streamId: string): Promise<SiteStart> {
    const { snapshot, ignored, events } = await this.snapshots.load(streamId, SITE_SNAPSHOT_FORMAT);
    if (ignored !== undefined) {
      this.logger.info({ siteId, format: ignored.format, version: ignored.version, expected: SITE_SNAPSHOT_FORMAT }, 'the site snapshot is of another format: the ACD folds the whole stream');
    }
    if (snapshot === undefined) return { from: undefined, events };
    try {
      return { from: { ...fromSnapshot(snapshot.state), version: snapshot.version }, events };
    } catch (error) {
      this.logger.warn({ err: error, siteId, version: snapshot.version }, 'the site snapshot cannot be used: the ACD folds the whole stream');
      return { from: undefined, events: await this.store.load(streamId) };
    }
  }

  /**
   * Takes a snapshot of the site when `every` events were appended since its last one. The state is copied now; it is
   * written in the background, and a failed write is only logged (the command it follows has succeeded).
   */
  take(siteId: string, streamId: string, site: CachedSite): void {
    if (site.version - site.snapshotVersion < this.every || this.writing.has(siteId) || site.state.status !== 'registered') return;
    const version = site.version;
    // Counted from this version even if the write fails: the next try comes `every` events later, not at every command.
    site.snapshotVersion = version;
    const failed = (error: unknown) => this.logger.warn({ err: error, siteId, version }, `could not keep a snapshot of the site; the next try is ${this.every} events later`);
    let state: JsonValue;
    try {
      state = toSnapshot(site.state, site.offers) as unknown as JsonValue;
    } catch (error) {
      failed(error);
      return;
    }
    const write = this.snapshots
      .write(streamId, version, SITE_SNAPSHOT_FORMAT, state)
      .then(() => undefined, failed)
      .finally(() => this.writing.delete(siteId));
    this.writing.set(siteId, write);
  }

  /** Settles once the snapshots being written are (for a clean shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.writing.values()]);
  }
}
