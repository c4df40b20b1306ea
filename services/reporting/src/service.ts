// The reporting service: every event of the bus into ClickHouse (chDB embedded, or a server), read back
// as facts, historical reports and the live wallboard.
import { accessTokens, requireSignIn, type EventSourcedServiceSpec } from '@switchboard/service-kit';
import { connectClickHouse, type ClickHouseClient } from './adapters/clickhouse/client.ts';
import { applyClickHouseSchema } from './adapters/clickhouse/schema.ts';
import { eventRoutes } from './adapters/http/events.ts';
import { importRoutes } from './adapters/http/imports.ts';
import { reportRoutes } from './adapters/http/reports.ts';
import { staffingRoutes } from './adapters/http/staffing.ts';
import { clickHouseIntervalHistory } from './adapters/clickhouse/staffing-history.ts';
import { analystSqlRoutes } from './adapters/http/analyst-sql.ts';
import { pageRoutes } from './adapters/http/pages.ts';
import { wallboardRoutes } from './adapters/http/wallboard.ts';
import { ingestedTopics, startIngestion } from './application/ingest.ts';
import { WallboardHub } from './application/wallboard.ts';
import type { ReportingConfig } from './config.ts';

/** The console's session cookie (services/console/src/adapters/http/session.ts). */
const SESSION_COOKIE = 'sb_session';

/** What the routes are handed before the workers start it: it answers once they have set it, and says so until then. */
function startedLater<T>(notYet: string): { readonly get: () => T; set(value: T): T } {
  let started: T | undefined;
  return {
    get: () => {
      if (started === undefined) throw new Error(notYet);
      return started;
    },
    set: (value) => (started = value),
  };
}

const clickHouseLater = () => startedLater<ClickHouseClient>('ClickHouse is not connected yet');

export function reportingService(config: ReportingConfig): EventSourcedServiceSpec {
  // Clients the routes get before the workers connect them. Each is a chDB session of its own (client.ts), and a
  // session runs one statement at a time:
  // - ingestion's writes and the wallboard's rebuilds;
  const clickhouse = clickHouseLater();
  // - the analysts' statements, readonly and with limits (settings stay with a chDB session);
  const analystClickhouse = clickHouseLater();
  // - reports, staffing's history and imports: a month's report (a second or two) must not hold the wallboard up.
  const readersClickhouse = clickHouseLater();
  const wallboard = startedLater<WallboardHub>('the wallboard has not started yet');
  return {
    name: 'reporting',
    defaultPort: 4106,
    topic: 'reporting.alerts',
    routes: () => async (app) => {
      // Supervisors, analysts and admins read reports; the console's session cookie signs the pages' calls in.
      requireSignIn(app, { tokens: accessTokens(config.AUTH_TOKEN_SECRET), cookieName: SESSION_COOKIE, defaultAllow: ['supervisor', 'analyst', 'admin', 'service'] });
      // One line per group of routes.
      for (const routes of [
        eventRoutes(readersClickhouse.get),
        reportRoutes(readersClickhouse.get),
        staffingRoutes({ readIntervalHistory: clickHouseIntervalHistory(readersClickhouse.get) }),
        wallboardRoutes(wallboard.get),
        analystSqlRoutes(analystClickhouse.get),
        importRoutes(readersClickhouse.get),
        pageRoutes(),
      ])
        await app.register(routes);
    },
    async workers(context) {
      const client = clickhouse.set(await connectClickHouse(config));
      await applyClickHouseSchema(client);
      const analysts = analystClickhouse.set(await connectClickHouse(config));
      const readers = readersClickhouse.set(await connectClickHouse(config));
      await context.bus.ensureTopics(ingestedTopics.map((topic) => ({ topic, partitions: context.config.EVENTBUS_PARTITIONS })));
      const board = wallboard.set(
        new WallboardHub(client, context.store, context.logger, {
          timezone: config.REPORTING_TIMEZONE,
          refreshMs: config.REPORTING_WALLBOARD_REFRESH_MS,
          thresholds: { serviceLevelTarget: config.REPORTING_SERVICE_LEVEL_TARGET, waitSeconds: config.REPORTING_WAIT_ALERT_SECONDS, minimumCallsForServiceLevel: 5 },
        }),
      );
      await board.start();
      const ingestion = await startIngestion(context.bus, client, {
        flushIntervalMs: config.REPORTING_FLUSH_INTERVAL_MS,
        maxRows: config.REPORTING_MAX_BATCH_ROWS,
        onWriting: () => board.writing(),
        onWritten: (events) => board.counted(events),
        onWriteFailed: (error) => board.writeFailed(error),
        logger: context.logger,
      });
      return [() => ingestion.close(), () => board.close(), () => readers.close(), () => analysts.close(), () => client.close()];
    },
    async readiness() {
      try {
        await clickhouse.get().ping();
        return undefined;
      } catch (error) {
        return `ClickHouse does not answer: ${String(error)}`;
      }
    },
  };
}
