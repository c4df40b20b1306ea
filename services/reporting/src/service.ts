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

export function reportingService(config: ReportingConfig): EventSourcedServiceSpec {
  let clickhouse: ClickHouseClient | undefined;
  const connected = () => {
    if (!clickhouse) throw new Error('ClickHouse is not connected yet');
    return clickhouse;
  };
  // The analysts' statements run readonly, with limits: in a session of their own (client.ts says why).
  let analystClickhouse: ClickHouseClient | undefined;
  const analystConnected = () => {
    if (!analystClickhouse) throw new Error('ClickHouse is not connected yet');
    return analystClickhouse;
  };
  let wallboard: WallboardHub | undefined;
  const hub = () => {
    if (!wallboard) throw new Error('the wallboard has not started yet');
    return wallboard;
  };
  return {
    name: 'reporting',
    defaultPort: 4106,
    topic: 'reporting.alerts',
    routes: () => async (app) => {
      // Supervisors, analysts and admins read reports; the console's session cookie signs the pages' calls in.
      requireSignIn(app, { tokens: accessTokens(config.AUTH_TOKEN_SECRET), cookieName: SESSION_COOKIE, defaultAllow: ['supervisor', 'analyst', 'admin', 'service'] });
      // One line per group of routes.
      for (const routes of [
        eventRoutes(connected),
        reportRoutes(connected),
        staffingRoutes({ readIntervalHistory: clickHouseIntervalHistory(connected) }),
        wallboardRoutes(hub),
        analystSqlRoutes(analystConnected),
        importRoutes(connected),
        pageRoutes(),
      ])
        await app.register(routes);
    },
    async workers(context) {
      const client = await connectClickHouse(config);
      clickhouse = client;
      await applyClickHouseSchema(client);
      const analysts = await connectClickHouse(config);
      analystClickhouse = analysts;
      await context.bus.ensureTopics(ingestedTopics.map((topic) => ({ topic, partitions: context.config.EVENTBUS_PARTITIONS })));
      wallboard = new WallboardHub(client, context.store, context.logger, {
        timezone: config.REPORTING_TIMEZONE,
        refreshMs: config.REPORTING_WALLBOARD_REFRESH_MS,
        thresholds: { serviceLevelTarget: config.REPORTING_SERVICE_LEVEL_TARGET, waitSeconds: config.REPORTING_WAIT_ALERT_SECONDS, minimumCallsForServiceLevel: 5 },
      });
      await wallboard.start();
      const board = wallboard;
      const ingestion = await startIngestion(context.bus, client, {
        flushIntervalMs: config.REPORTING_FLUSH_INTERVAL_MS,
        maxRows: config.REPORTING_MAX_BATCH_ROWS,
        onWriting: () => board.writing(),
        onWritten: (events) => board.counted(events),
        onWriteFailed: (error) => board.writeFailed(error),
        logger: context.logger,
      });
      return [() => ingestion.close(), () => board.close(), () => analysts.close(), () => client.close()];
    },
    async readiness() {
      try {
        await connected().ping();
        return undefined;
      } catch (error) {
        return `ClickHouse does not answer: ${String(error)}`;
      }
    },
  };
}
