import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { EventStore } from '@switchboard/event-store';
import type { Logger } from '@switchboard/service-kit';
import { eventually } from '@switchboard/testing';
import type { ClickHouseClient } from '../adapters/clickhouse/client.ts';
import { WallboardHub, type Wallboard } from './wallboard.ts';

/** A ClickHouse that answers every read with no rows after `readMs`, and counts the reads. */
function slowClickHouse(readMs: number) {
  let reads = 0;
  const client = {
    query: async (params: { format?: string }) => {
      reads++;
      await sleep(readMs);
      return { json: async () => (params.format === 'JSONCompact' ? { meta: [], data: [] } : []) };
    },
  } as unknown as ClickHouseClient;
  return { client, reads: () => reads };
}

const quiet = { warn: () => undefined } as unknown as Logger;
const event = (id: string) => ({ raw: { event_id: id, occurred_at: '2026-12-08 09:00:00.000' } });
/** The reads of one snapshot: today's figures, who waits now, agents now. */
const SNAPSHOT_READS = 3;

describe('the wallboard hub', () => {
  it('takes a snapshot again when a batch was written while it was read, counts the batch in it, and reads no third one', async () => {
    const chdb = slowClickHouse(200);
    const hub = new WallboardHub(chdb.client, {} as EventStore, quiet, {
      timezone: 'UTC',
      thresholds: { serviceLevelTarget: 0.8, waitSeconds: 60, minimumCallsForServiceLevel: 10 },
      refreshMs: 60_000,
    });
    const pushes: Wallboard[] = [];
    hub.subscribe((w) => void pushes.push(w));

    hub.refresh();
    await sleep(10);
    // Ingestion starts writing a batch while the snapshot is read: the snapshot may hold some of its rows uncounted.
    hub.writing();
    await sleep(250);
    expect(chdb.reads()).toBe(SNAPSHOT_READS);
    expect(pushes).toHaveLength(0);

    // The write ends: the snapshot is taken again, with the batch's events in its watermark.
    hub.counted([event('e1'), event('e2')]);
    await eventually('the snapshot taken again is pushed', () => pushes.length >= 1);
    // The old hub read a third snapshot right after it (that write's end had asked for one too).
    await sleep(250);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]!.watermark.eventsCounted).toBe(2);
    expect(pushes[0]!.watermark.lastEventId).toBe('e2');
    expect(chdb.reads()).toBe(2 * SNAPSHOT_READS);

    // News that comes while a snapshot is read (here: ClickHouse refused a write) is shown by one more snapshot.
    hub.refresh();
    await sleep(10);
    hub.writeFailed(new Error('Table is in readonly mode'));
    await eventually('the news is pushed', () => pushes.length >= 3);
    await sleep(250);
    expect(pushes).toHaveLength(3);
    expect(pushes[1]!.watermark.notCountingBecause).toBeNull();
    expect(pushes[2]!.watermark.notCountingBecause).toBe('Table is in readonly mode');
    expect(chdb.reads()).toBe(4 * SNAPSHOT_READS);
    await hub.close();
  });
});
