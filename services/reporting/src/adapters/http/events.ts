// HTTP reads of what reporting has ingested: events per type over a range, and how far behind it is.
import { ProblemError, Type, type ServiceRoutes } from '@switchboard/service-kit';
import { countEventsByType, latestIngested } from '../clickhouse/events-raw.ts';
import type { ClickHouseClient } from '../clickhouse/client.ts';

export function eventRoutes(clickhouse: () => ClickHouseClient): ServiceRoutes {
  return async (app) => {
    app.get(
      '/events/summary',
      {
        schema: {
          querystring: Type.Object({
            from: Type.String({ format: 'date-time', description: 'start of the range, inclusive (ISO 8601)' }),
            to: Type.String({ format: 'date-time', description: 'end of the range, exclusive (ISO 8601)' }),
          }),
          response: { 200: Type.Object({ from: Type.String(), to: Type.String(), types: Type.Array(Type.Object({ type: Type.String(), events: Type.Integer() })) }) },
        },
      },
      async (request) => {
        const from = new Date(request.query.from);
        const to = new Date(request.query.to);
        if (!(from < to)) throw new ProblemError({ status: 400, code: 'empty-range', detail: `from (${request.query.from}) must be before to (${request.query.to})` });
        return { from: from.toISOString(), to: to.toISOString(), types: await countEventsByType(clickhouse(), { from, to }) };
      },
    );

    app.get(
      '/ingestion',
      {
        schema: {
          response: {
            200: Type.Object({
              lastEventAt: Type.Union([Type.String(), Type.Null()]),
              lastIngestedAt: Type.Union([Type.String(), Type.Null()]),
              lagSeconds: Type.Union([Type.Number(), Type.Null()]),
            }),
          },
        },
      },
      async () => {
        const latest = await latestIngested(clickhouse());
        if (!latest) return { lastEventAt: null, lastIngestedAt: null, lagSeconds: null };
        return {
          lastEventAt: latest.occurredAt.toISOString(),
          lastIngestedAt: latest.ingestedAt.toISOString(),
          lagSeconds: Math.max(0, (latest.ingestedAt.getTime() - latest.occurredAt.getTime()) / 1000),
        };
      },
    );
  };
}
