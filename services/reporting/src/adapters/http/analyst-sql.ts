// Read-only SQL for analysts, over the facts and events_raw: readonly, bounded in time, rows and memory,
// and phone numbers masked in every answer (events_raw's payloads carry callers' numbers).
import { maskPhoneNumbers, ProblemError, Type, type ServiceRoutes } from '@switchboard/service-kit';
import type { ClickHouseClient } from '../clickhouse/client.ts';

export interface SqlLimits {
  readonly maxExecutionSeconds: number;
  readonly maxRows: number;
  readonly maxMemoryBytes: number;
}

export const defaultSqlLimits: SqlLimits = { maxExecutionSeconds: 10, maxRows: 10_000, maxMemoryBytes: 1_000_000_000 };

/** The tables analysts read, documented in docs/reporting-schema.md. */
export const analystTables = ['events_raw_v1', 'call_milestones_v1', 'agent_states_v1', 'queue_visits_v1', 'call_segments_v1', 'calls_v1', 'call_surveys_v1'] as const;

const mask = (value: unknown): unknown => {
  if (typeof value === 'string') return maskPhoneNumbers(value);
  if (Array.isArray(value)) return value.map(mask);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v)]));
  return value;
};

/** What ClickHouse said, in words an analyst can act on (its message names the problem; the code is noise). */
function refusal(error: unknown, limits: SqlLimits): ProblemError {
  const message = error instanceof Error ? error.message : String(error);
  if (/readonly|READONLY|Cannot execute query in readonly mode/i.test(message)) {
    return new ProblemError({ status: 403, code: 'read-only', title: 'Read-only', detail: 'analysts can only read: SELECT, WITH, SHOW, DESCRIBE and EXPLAIN are allowed' });
  }
  if (/TIMEOUT_EXCEEDED|Timeout exceeded/i.test(message)) {
    return new ProblemError({ status: 422, code: 'too-slow', title: 'Query took too long', detail: `the query ran past ${limits.maxExecutionSeconds} s: narrow the time range or aggregate first` });
  }
  if (/TOO_MANY_ROWS|Limit for result exceeded/i.test(message)) {
    return new ProblemError({ status: 422, code: 'too-many-rows', title: 'Too many rows', detail: `the answer has more than ${limits.maxRows} rows: add a LIMIT or aggregate` });
  }
  if (/MEMORY_LIMIT_EXCEEDED|memory limit/i.test(message)) {
    return new ProblemError({ status: 422, code: 'too-much-memory', title: 'Query needs too much memory', detail: `the query needs more than ${Math.round(limits.maxMemoryBytes / 1e6)} MB: narrow it` });
  }
  return new ProblemError({ status: 400, code: 'bad-query', title: 'ClickHouse refused the query', detail: message.split('\n')[0]!.slice(0, 500) });
}

export function analystSqlRoutes(clickhouse: () => ClickHouseClient, limits: SqlLimits = defaultSqlLimits): ServiceRoutes {
  return async (app) => {
    app.post(
      '/sql',
      {
        config: { allow: ['analyst', 'admin'] },
        schema: {
          body: Type.Object({ query: Type.String({ minLength: 1, maxLength: 20_000, description: 'one read-only statement (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN)' }) }, { additionalProperties: false }),
        },
      },
      async (request) => {
        const query = request.body.query.trim().replace(/;\s*$/, '');
        if (query.includes(';')) throw new ProblemError({ status: 400, code: 'one-statement', detail: 'send one statement at a time (no ";" inside)', errors: [{ path: 'body/query', message: 'more than one statement' }] });
        const started = performance.now();
        try {
          const result = await clickhouse().query({
            query,
            format: 'JSON',
            // readonly last: the limits are set first, then nothing (not even the query's SETTINGS) may change them.
            clickhouse_settings: {
              max_execution_time: limits.maxExecutionSeconds,
              max_result_rows: String(limits.maxRows),
              result_overflow_mode: 'throw',
              max_memory_usage: String(limits.maxMemoryBytes),
              readonly: '1',
            },
          });
          const body = await result.json<Record<string, unknown>>();
          return {
            columns: body.meta ?? [],
            rows: mask(body.data ?? []),
            rowCount: Number(body.rows ?? 0),
            elapsedMs: Math.round(performance.now() - started),
          };
        } catch (error) {
          throw refusal(error, limits);
        }
      },
    );
  };
}
