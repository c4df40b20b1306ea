// IVR flows in the service's own table: each save is a new version; a version never changes, so it is cached.
import type { PrismaClient } from '@switchboard/event-store';
import type { IvrFlowStore } from '../../application/ports.ts';
import type { IvrFlow, SavedIvrFlow } from '../../domain/ivr/flow.ts';

interface FlowRow {
  version: bigint;
  dialled_number: string;
  site_id: string;
  flow: IvrFlow;
}

const saved = (row: FlowRow): SavedIvrFlow => ({ version: Number(row.version), dialledNumber: row.dialled_number, siteId: row.site_id, flow: row.flow });

export function ivrFlowStore(prisma: PrismaClient): IvrFlowStore {
  const versions = new Map<number, SavedIvrFlow>();
  const remember = (flow: SavedIvrFlow | undefined) => {
    if (flow !== undefined) versions.set(flow.version, flow);
    return flow;
  };
  return {
    async save(dialledNumber, siteId, flow) {
      const rows = await prisma.$queryRaw<FlowRow[]>`
        insert into ivr_flows (dialled_number, site_id, flow) values (${dialledNumber}, ${siteId}, ${JSON.stringify(flow)}::jsonb)
        returning version, dialled_number, site_id, flow`;
      return remember(saved(rows[0]!))!;
    },
    async current(dialledNumber, siteId) {
      const rows = await prisma.$queryRaw<FlowRow[]>`
        select version, dialled_number, site_id, flow from ivr_flows
        where dialled_number = ${dialledNumber} and site_id in (${siteId}, '')
        order by (site_id = '') asc, version desc limit 1`;
      return remember(rows[0] && saved(rows[0]));
    },
    async currentOf(dialledNumber, siteId) {
      const rows = await prisma.$queryRaw<FlowRow[]>`
        select version, dialled_number, site_id, flow from ivr_flows
        where dialled_number = ${dialledNumber} and site_id = ${siteId} order by version desc limit 1`;
      return remember(rows[0] && saved(rows[0]));
    },
    async version(version) {
      const known = versions.get(version);
      if (known !== undefined) return known;
      const rows = await prisma.$queryRaw<FlowRow[]>`select version, dialled_number, site_id, flow from ivr_flows where version = ${version}`;
      return remember(rows[0] && saved(rows[0]));
    },
  };
}
