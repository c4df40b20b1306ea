// The historical reports over HTTP, as JSON or CSV: per site/queue, per agent, self-service, for any
// range, interval and time zone. The SQL is in adapters/clickhouse/reports.ts; this checks the question.
import { stringify } from 'csv-stringify/sync';
import { isKnownTimezone } from '@switchboard/calendar';
import type { FastifyRequest } from 'fastify';
import { ALL_SITES, principalOf, ProblemError, requireSite, Type, type ServiceRoutes, type Static } from '@switchboard/service-kit';
import { agentIntervalReport, queueIntervalReport, selfServiceReport, type ReportRange } from '../clickhouse/reports.ts';
import type { ClickHouseClient } from '../clickhouse/client.ts';

/** The longest range one request may ask for: 15-minute rows of a year would be 35,000 per queue. */
const MAX_RANGE_DAYS = { '15m': 31, hour: 92, day: 400, month: 3700, all: 3700 } as const;

const ReportQuery = Type.Object(
  {
    from: Type.String({ format: 'date-time', description: 'start of the range, inclusive (ISO 8601 with offset, e.g. 2026-11-23T00:00:00+08:00)' }),
    to: Type.String({ format: 'date-time', description: 'end of the range, exclusive' }),
    timezone: Type.String({ default: 'UTC', maxLength: 64, description: 'IANA zone the intervals are cut in, e.g. Asia/Shanghai' }),
    interval: Type.Union([Type.Literal('15m'), Type.Literal('hour'), Type.Literal('day'), Type.Literal('month'), Type.Literal('all')], { default: 'hour' }),
    siteId: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 63 }), { maxItems: 100, description: 'only these sites (repeat the parameter)' })),
    queueId: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
    format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' }),
  },
  { additionalProperties: false },
);
type ReportQuery = Static<typeof ReportQuery>;

// One object, not an intersection: with additionalProperties false on one half, the validator stripped `groupBy`
// as an unknown parameter, and a per-site report came back per queue.
const QueueReportQuery = Type.Object(
  { ...ReportQuery.properties, groupBy: Type.Union([Type.Literal('queue'), Type.Literal('site')], { default: 'queue' }) },
  { additionalProperties: false },
);

/** The question as the SQL takes it; a 400 naming the parameter when it can't be answered. */
export function reportRange(query: ReportQuery): ReportRange {
  const from = new Date(query.from);
  const to = new Date(query.to);
  if (!(from < to)) throw new ProblemError({ status: 400, code: 'empty-range', detail: `from (${query.from}) must be before to (${query.to})`, errors: [{ path: 'querystring/from', message: 'must be before to' }] });
  if (!isKnownTimezone(query.timezone)) {
    throw new ProblemError({ status: 400, code: 'unknown-timezone', detail: `"${query.timezone}" is not an IANA time zone (e.g. Asia/Shanghai, UTC)`, errors: [{ path: 'querystring/timezone', message: 'unknown time zone' }] });
  }
  const days = (to.getTime() - from.getTime()) / 86_400_000;
  const limit = MAX_RANGE_DAYS[query.interval];
  if (days > limit) {
    throw new ProblemError({
      status: 400,
      code: 'range-too-long',
      detail: `${query.interval} intervals cover at most ${limit} days per request (asked: ${Math.ceil(days)}); choose a longer interval or a shorter range`,
      errors: [{ path: 'querystring/to', message: `at most ${limit} days after from` }],
    });
  }
  return { from, to, timezone: query.timezone, interval: query.interval, siteIds: query.siteId, queueId: query.queueId };
}

function answer<Row extends Record<string, unknown>>(reply: { header(name: string, value: string): unknown }, query: ReportQuery, name: string, range: ReportRange, rows: Row[]) {
  if (query.format === 'csv') {
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="${name}-${query.from.slice(0, 10)}-${query.interval}.csv"`);
    return stringify(rows, { header: true, columns: rows.length > 0 ? Object.keys(rows[0]!) : ['interval_start'] });
  }
  return { from: range.from.toISOString(), to: range.to.toISOString(), timezone: range.timezone, interval: range.interval, rows };
}

/** The sites the caller may see of those asked (all asked for headquarters and services; a supervisor's own when none asked). */
export function sitesInScope(request: FastifyRequest, asked: readonly string[] | undefined): readonly string[] | undefined {
  const p = principalOf(request);
  if (p.kind === 'service' || p.sites.includes(ALL_SITES)) return asked;
  if (asked === undefined) return p.sites;
  for (const siteId of asked) requireSite(request, siteId);
  return asked;
}

export function reportRoutes(clickhouse: () => ClickHouseClient): ServiceRoutes {
  return async (app) => {
    app.get('/reports/queues', { schema: { querystring: QueueReportQuery } }, async (request, reply) => {
      const range = { ...reportRange(request.query), siteIds: sitesInScope(request, request.query.siteId) };
      return answer(reply, request.query, 'queues', range, await queueIntervalReport(clickhouse(), range, request.query.groupBy));
    });
    app.get('/reports/agents', { schema: { querystring: ReportQuery } }, async (request, reply) => {
      const range = { ...reportRange(request.query), siteIds: sitesInScope(request, request.query.siteId) };
      return answer(reply, request.query, 'agents', range, await agentIntervalReport(clickhouse(), range));
    });
    app.get('/reports/self-service', { schema: { querystring: ReportQuery } }, async (request, reply) => {
      const range = { ...reportRange(request.query), siteIds: sitesInScope(request, request.query.siteId) };
      return answer(reply, request.query, 'self-service', range, await selfServiceReport(clickhouse(), range));
    });
  };
}
