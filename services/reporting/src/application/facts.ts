// Rebuilding the facts of calls from their milestones: after every ingested batch (for the calls it
// touched) and after an import. The fold is pure (domain/facts/call-facts.ts); this is the I/O around it.
import { callFacts, type CallFacts } from '../domain/facts/call-facts.ts';
import { insertCallFacts, milestonesOfCalls } from '../adapters/clickhouse/facts.ts';
import type { ClickHouseClient } from '../adapters/clickhouse/client.ts';
import { rebuildQueueRollup } from '../adapters/clickhouse/reports.ts';

/** How many calls one read of milestones covers: a whole batch of the sink (REPORTING_MAX_BATCH_ROWS) at most, one read per flush. */
const CALLS_PER_READ = 50_000;

let lastBuild = 0;
/** Strictly increasing build stamps within a process (two builds in one millisecond must still order). */
function nextBuildStamp(): number {
  lastBuild = Math.max(Date.now() * 1000, lastBuild + 1);
  return lastBuild;
}

/** Reads the milestones of these calls, folds them and writes their facts; answers how many calls were built. */
export async function rebuildCallFacts(client: ClickHouseClient, callIds: Iterable<string>): Promise<number> {
  const ids = [...new Set(callIds)].filter((id) => id !== '');
  let built = 0;
  for (let i = 0; i < ids.length; i += CALLS_PER_READ) {
    const milestones = await milestonesOfCalls(client, ids.slice(i, i + CALLS_PER_READ));
    const facts: CallFacts[] = [];
    for (const list of milestones.values()) {
      const f = callFacts(list);
      if (f) facts.push(f);
    }
    const stamp = nextBuildStamp();
    await insertCallFacts(client, facts, stamp);
    // The 15-minute buckets these calls' visits and surveys count in, rolled up again from the facts.
    const bucketOf = (site_id: string, queue_id: string, at: number) => ({ site_id, queue_id, bucket: Math.floor(at / 900_000) * 900_000 });
    const buckets = facts.flatMap((f) => [
      ...f.visits.map((v) => bucketOf(v.site_id, v.queue_id, v.queued_at)),
      ...(f.survey === undefined ? [] : [bucketOf(f.survey.site_id, f.survey.queue_id, f.survey.visit_queued_at)]),
    ]);
    await rebuildQueueRollup(client, buckets, stamp);
    built += facts.length;
  }
  return built;
}
