// Importing an Asterisk queue_log or FreeSWITCH mod_callcenter CDRs over HTTP: the file is the request
// body, streamed line by line (never held whole), and the answer is the import's report (docs/imports.md).
import { createInterface } from 'node:readline';
import { Transform, type Readable } from 'node:stream';
import { isKnownTimezone } from '@switchboard/calendar';
import { ProblemError, requireSite, Type, type ServiceRoutes, type Static } from '@switchboard/service-kit';
import { importHistory, type LineImporter } from '../../application/imports.ts';
import { FreeSwitchImport } from '../../domain/imports/freeswitch.ts';
import { QueueLogImport } from '../../domain/imports/queue-log.ts';
import type { ClickHouseClient } from '../clickhouse/client.ts';

/** The largest file one request may carry: about 25 million queue_log lines, years of a large center. */
export const DEFAULT_MAX_IMPORT_BYTES = 2 * 1024 ** 3;

const SITE_ID = '^[a-z0-9][a-z0-9-]{0,62}$';

const ImportQuery = Type.Object(
  {
    siteId: Type.String({ pattern: SITE_ID, description: 'the Switchboard site the queues of the file belong to (lowercase letters, digits, dashes)' }),
    timezone: Type.String({
      default: 'UTC',
      maxLength: 64,
      description: 'IANA zone of the times in a realtime queue_log table export (Asterisk writes local time unless queue_log_realtime_use_gmt=yes); a flat file has Unix times',
    }),
  },
  { additionalProperties: false },
);

const ImportReportSchema = Type.Object({
  format: Type.String(),
  siteId: Type.String(),
  lines: Type.Integer(),
  imported: Type.Record(Type.String(), Type.Integer()),
  skipped: Type.Array(Type.Object({ event: Type.String(), count: Type.Integer(), reason: Type.String() })),
  brokenCount: Type.Integer(),
  broken: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() })),
  calls: Type.Integer(),
  milestones: Type.Integer(),
  agentStateChanges: Type.Integer(),
  from: Type.Union([Type.String(), Type.Null()]),
  to: Type.Union([Type.String(), Type.Null()]),
  notes: Type.Array(Type.String()),
});

const tooLarge = (limit: number) =>
  new ProblemError({
    status: 413,
    code: 'import-too-large',
    title: 'File too large',
    detail: `one import takes at most ${Math.floor(limit / 1024 ** 2)} MiB: split the file (e.g. split -l 5000000 queue_log part-) and import the parts; lines already imported are recognised and not counted twice`,
  });

/** Counts the bytes going by and stops the stream past the limit. */
function limited(body: Readable, limit: number): Transform {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > limit) done(tooLarge(limit));
      else done(null, chunk);
    },
  });
  body.on('error', (error) => counter.destroy(error));
  return body.pipe(counter);
}

export interface ImportRoutesOptions {
  readonly maxBytes?: number;
}

export function importRoutes(clickhouse: () => ClickHouseClient, options: ImportRoutesOptions = {}): ServiceRoutes {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMPORT_BYTES;
  return async (app) => {
    // The body stays a stream for these routes only (this plugin's scope): a file can be far larger than memory.
    app.removeContentTypeParser(['text/plain']);
    app.addContentTypeParser(['text/plain', 'text/csv', 'application/csv', 'application/x-ndjson', 'application/octet-stream'], (_request, payload, done) => done(null, payload));

    const route = (path: string, summary: string, importer: (query: Static<typeof ImportQuery>) => LineImporter) =>
      app.post(
        path,
        {
          config: { allow: ['admin', 'service'] },
          schema: {
            summary,
            querystring: ImportQuery,
            response: { 200: ImportReportSchema },
          },
        },
        async (request) => {
          const { siteId, timezone } = request.query;
          requireSite(request, siteId);
          if (!isKnownTimezone(timezone)) {
            throw new ProblemError({ status: 400, code: 'unknown-timezone', detail: `"${timezone}" is not an IANA time zone (e.g. Asia/Shanghai, UTC)`, errors: [{ path: 'querystring/timezone', message: 'unknown time zone' }] });
          }
          const declared = Number(request.headers['content-length'] ?? Number.NaN);
          if (declared > maxBytes) throw tooLarge(maxBytes);
          const body = request.body as Readable | undefined;
          if (!body || typeof (body as Readable).pipe !== 'function') {
            throw new ProblemError({ status: 415, code: 'import-body-type', detail: 'send the file itself as the body, with content-type text/plain or text/csv (application/x-ndjson for JSON CDRs)' });
          }
          const lines = createInterface({ input: limited(body, maxBytes), crlfDelay: Number.POSITIVE_INFINITY });
          const report = await importHistory(clickhouse(), lines, importer(request.query), (p) => request.log.info({ lines: p.lines, milestones: p.milestones }, 'import progress'));
          request.log.info({ format: report.format, siteId, lines: report.lines, milestones: report.milestones, broken: report.brokenCount }, 'history imported');
          return report;
        },
      );

    route('/imports/asterisk-queue-log', "an Asterisk queue_log (flat file, or a CSV export of the realtime queue_log table) into the site's facts", (q) => new QueueLogImport({ siteId: q.siteId, timezone: q.timezone }));
    route('/imports/freeswitch-callcenter', "FreeSWITCH mod_callcenter CDRs (CSV with cc_* columns, or mod_json_cdr lines) into the site's facts", (q) => new FreeSwitchImport({ siteId: q.siteId }));
  };
}
