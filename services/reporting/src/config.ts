// The reporting service's own settings: where its ClickHouse is (a server, or chDB in-process).
import { fields, z } from '@switchboard/config';

export const reportingConfig = z
  .object({
    /** A ClickHouse server (distributed mode), e.g. http://user:password@clickhouse:8123/switchboard. */
    CLICKHOUSE_URL: fields.httpUrl().optional(),
    /** Folder of the in-process chDB (embedded mode); this service must be its only user. */
    CHDB_PATH: z.string().min(1).optional(),
    /** At most one insert per table this often (ClickHouse wants few, large inserts). */
    REPORTING_FLUSH_INTERVAL_MS: fields.positiveInt(1000),
    /** A flush starts early once this many rows wait. */
    REPORTING_MAX_BATCH_ROWS: fields.positiveInt(50_000),
  })
  .superRefine((env, ctx) => {
    if (!env.CLICKHOUSE_URL && !env.CHDB_PATH) {
      ctx.addIssue({ code: 'custom', path: ['CHDB_PATH'], message: 'set CHDB_PATH (embedded chDB folder) or CLICKHOUSE_URL (a ClickHouse server)' });
    }
  });

export type ReportingConfig = z.output<typeof reportingConfig>;
