// One @clickhouse/client for both modes: over HTTP to a ClickHouse server, or in-process through chDB.
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { ReportingConfig } from '../../config.ts';

export type { ClickHouseClient };

export async function connectClickHouse(config: Pick<ReportingConfig, 'CLICKHOUSE_URL' | 'CHDB_PATH'>): Promise<ClickHouseClient> {
  if (config.CLICKHOUSE_URL) return createClient({ url: config.CLICKHOUSE_URL });
  // Loaded only in the embedded mode: the distributed image never needs chDB's native library.
  const { createChdbConnection } = (await import('chdb/connection')) as { createChdbConnection: (o: { path: string }) => unknown };
  return createClient({ connection: createChdbConnection({ path: config.CHDB_PATH! }) } as Parameters<typeof createClient>[0]);
}
