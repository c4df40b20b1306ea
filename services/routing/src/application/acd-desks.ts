// One SiteDesk per running service: its routes and its clock must share the same cached sites.
import type { ServiceContext } from '@switchboard/service-kit';
import { SiteDesk } from './site-desk.ts';
import { SiteSnapshots } from './site-snapshots.ts';

export interface AcdDeskSettings {
  /** A site's state is snapshotted after this many events on its stream. */
  readonly snapshotEvery: number;
}

const desks = new WeakMap<ServiceContext, SiteDesk>();

export function siteDeskOf(context: ServiceContext, settings: AcdDeskSettings): SiteDesk {
  let desk = desks.get(context);
  if (desk === undefined) {
    desk = new SiteDesk({
      store: context.store,
      appendOptions: (siteId) => context.commandOptions({ siteId }),
      snapshots: new SiteSnapshots({ store: context.store, sql: context.sql, every: settings.snapshotEvery, logger: context.logger }),
    });
    desks.set(context, desk);
  }
  return desk;
}
