// What the embedded Postgres spends its time on, per statement (pg_stat_statements): loaded at start when
// SWITCHBOARD_POSTGRES_STATEMENT_STATS is set, read with ./switchboard pg-stats.
import { onServer } from './databases.ts';

/** The server settings that load the extension (it must be preloaded at start). */
export const statementStatsSettings = ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all'] as const;

export interface StatementStat {
  readonly database: string;
  readonly calls: number;
  readonly totalMs: number;
  readonly query: string;
}

export interface DatabaseStat {
  readonly database: string;
  readonly calls: number;
  readonly totalMs: number;
}

/** Creates the extension's views (once the server was started with statementStatsSettings) and starts counting from zero. */
export async function resetStatementStats(serverUrl: string): Promise<void> {
  await onServer(serverUrl, async (client) => {
    await client.query('create extension if not exists pg_stat_statements');
    await client.query('select pg_stat_statements_reset()');
  });
}

/** The statements that took the most time since the last reset, and every database's totals. */
export async function statementStats(serverUrl: string, top: number): Promise<{ statements: StatementStat[]; databases: DatabaseStat[] }> {
  return onServer(serverUrl, async (client) => {
    await client.query('create extension if not exists pg_stat_statements');
    const statements = await client.query<{ database: string; calls: string; total_ms: number; query: string }>(
      `select d.datname as database, s.calls, s.total_exec_time as total_ms, regexp_replace(s.query, '\\s+', ' ', 'g') as query
       from pg_stat_statements s join pg_database d on d.oid = s.dbid order by s.total_exec_time desc limit $1`,
      [top],
    );
    const databases = await client.query<{ database: string; calls: string; total_ms: number }>(
      `select d.datname as database, sum(s.calls) as calls, sum(s.total_exec_time) as total_ms
       from pg_stat_statements s join pg_database d on d.oid = s.dbid group by d.datname order by 3 desc`,
    );
    return {
      statements: statements.rows.map((r) => ({ database: r.database, calls: Number(r.calls), totalMs: Number(r.total_ms), query: r.query })),
      databases: databases.rows.map((r) => ({ database: r.database, calls: Number(r.calls), totalMs: Number(r.total_ms) })),
    };
  });
}
