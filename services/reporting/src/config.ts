// The reporting service's own settings: where its ClickHouse is (a server, or chDB in-process).
import { isKnownTimezone } from '@switchboard/calendar';
import { fields, z } from '@switchboard/config';
import { authConfigFields } from '@switchboard/service-kit';

export const reportingConfig = z
  .object({
    ...authConfigFields,
    /** A ClickHouse server (distributed mode), e.g. http://user:password@clickhouse:8123/switchboard. */
    CLICKHOUSE_URL: fields.httpUrl().optional(),
    /** Folder of the in-process chDB (embedded mode); this service must be its only user. */
    CHDB_PATH: z.string().min(1).optional(),
    /** At most one insert per table this often (ClickHouse wants few, large inserts). */
    REPORTING_FLUSH_INTERVAL_MS: fields.positiveInt(400),
    /** A flush starts early once this many rows wait. */
    REPORTING_MAX_BATCH_ROWS: fields.positiveInt(50_000),
    /** The zone of the wallboard's "today" (headquarters' zone); reports take theirs per request. */
    REPORTING_TIMEZONE: z.string().min(1).default('Asia/Shanghai').refine(isKnownTimezone, 'not an IANA time zone (e.g. Asia/Shanghai, UTC)'),
    /** Service level (0–1) under which the wallboard raises an alert for a queue. */
    REPORTING_SERVICE_LEVEL_TARGET: z.coerce.number().min(0).max(1).default(0.8),
    /** A caller waiting longer than this many seconds raises an alert for the queue. */
    REPORTING_WAIT_ALERT_SECONDS: fields.positiveInt(60),
    /** The wallboard is rebuilt at least this often with no new events (waits and time in state run on). */
    REPORTING_WALLBOARD_REFRESH_MS: fields.positiveInt(1000),
  })
  .superRefine((env, ctx) => {
    if (!env.CLICKHOUSE_URL && !env.CHDB_PATH) {
      ctx.addIssue({ code: 'custom', path: ['CHDB_PATH'], message: 'set CHDB_PATH (embedded chDB folder) or CLICKHOUSE_URL (a ClickHouse server)' });
    }
  });

export type ReportingConfig = z.output<typeof reportingConfig>;
