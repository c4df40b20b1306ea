// One SiteDesk per running service: its routes and its clock must share the same cached sites.
import type { ServiceContext } from '@switchboard/service-kit';
import { SiteDesk } from './site-desk.ts';

const desks = new WeakMap<ServiceContext, SiteDesk>();

export function siteDeskOf(context: ServiceContext): SiteDesk {
  let desk = desks.get(context);
  if (desk === undefined) {
    desk = new SiteDesk({ store: context.store, appendOptions: (siteId) => context.commandOptions({ siteId }) });
    desks.set(context, desk);
  }
  return desk;
}
