// The reporting service: every event of the bus into ClickHouse (chDB embedded, or a server), read back
// as facts, historical reports and the live wallboard.
import type { EventSourcedServiceSpec } from '@switchboard/service-kit';
import { connectClickHouse, type ClickHouseClient } from './adapters/clickhouse/client.ts';
import { applyClickHouseSchema } from './adapters/clickhouse/schema.ts';
import { eventRoutes } from './adapters/http/events.ts';
import { reportRoutes } from './adapters/http/reports.ts';
import { staffingRoutes } from './adapters/http/staffing.ts';
import { clickHouseIntervalHistory } from './adapters/clickhouse/staffing-history.ts';
import { ingestedTopics, startIngestion } from './application/ingest.ts';
import type { ReportingConfig } from './config.ts';

export function reportingService(config: ReportingConfig): EventSourcedServiceSpec {
  let clickhouse: ClickHouseClient | undefined;
  const connected = () => {
    if (!clickhouse) throw new Error('ClickHouse is not connected yet');
    return clickhouse;
  };
  return {
    name: 'reporting',
    defaultPort: 4106,
    topic: 'reporting.alerts',
    routes: () => async (app) => {
      // One line per group of routes.
      for (const routes of [eventRoutes(connected), reportRoutes(connected), staffingRoutes({ readIntervalHistory: clickHouseIntervalHistory(connected) })]) await app.register(routes);
    },
    async workers(context) {
      const client = await connectClickHouse(config);
      clickhouse = client;
      await applyClickHouseSchema(client);
      await context.bus.ensureTopics(ingestedTopics.map((topic) => ({ topic, partitions: context.config.EVENTBUS_PARTITIONS })));
      const ingestion = await startIngestion(context.bus, client, {
        flushIntervalMs: config.REPORTING_FLUSH_INTERVAL_MS,
        maxRows: config.REPORTING_MAX_BATCH_ROWS,
      });
      return [() => ingestion.close(), () => client.close()];
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
