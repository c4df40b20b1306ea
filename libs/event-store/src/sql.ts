// SQL on a node-postgres connection with Prisma's tagged-template manners (`${value}` is always a bound
// parameter): what projections write their read models with. A projection's transaction goes straight to pg;
// through Prisma's interactive transaction the same statements cost twice the time (bench/src/projections.ts).
import type pg from 'pg';
import { namedStatement, type NamedStatement } from '@switchboard/postgres';

export interface Sql {
  /** Runs a query; each `${value}` is a bound parameter, never spliced into the text. */
  $queryRaw<T = unknown>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T>;
  /** Runs a statement; the number of rows it touched. */
  $executeRaw(strings: TemplateStringsArray, ...values: unknown[]): Promise<number>;
}

/** Node's and Postgres's codes for "the database could not be reached, or dropped the work": not the statement's fault. */
const UNAVAILABLE = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, serialization_failure, deadlock_detected
  '57P01', '57P02', '57P03', '53300', '40001', '40P01',
]);
const UNAVAILABLE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection closed/i;

/**
 * True when `error` (or an error it was caused by) says the database was down, dropped the connection or gave the
 * work up (a deadlock, a shutdown): trying the same work again later can succeed. A wrong statement or a
 * broken constraint answers false.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    // SQLSTATE class 08: connection exceptions.
    if (typeof code === 'string' && (UNAVAILABLE.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (e instanceof Error && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  }
  return false;
}

/** The text with `$1`, `$2` … in place of the template's values. */
function parameterised(strings: TemplateStringsArray): string {
  let text = strings[0]!;
  for (let i = 1; i < strings.length; i++) text += `$${i}${strings[i]}`;
  return text;
}

const statements = new WeakMap<TemplateStringsArray, NamedStatement>();

/**
 * The template's statement, named after its text: a named statement is parsed once per connection and, after a
 * few runs, planned once (Postgres's generic plan), where an unnamed one is parsed and planned at every run. A
 * template's strings are one object per call site, so each site's text is worked out once.
 */
function statementOf(strings: TemplateStringsArray): NamedStatement {
  let statement = statements.get(strings);
  if (!statement) {
    statement = namedStatement(parameterised(strings));
    statements.set(strings, statement);
  }
  return statement;
}

/** SQL on a pool (each statement on whichever connection is free) or on one connection (a transaction's). */
export function sqlOn(client: pg.Pool | pg.ClientBase): Sql {
  return {
    async $queryRaw<T>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T> {
      return (await client.query({ ...statementOf(strings), values })).rows as T;
    },
    async $executeRaw(strings: TemplateStringsArray, ...values: unknown[]): Promise<number> {
      return (await client.query({ ...statementOf(strings), values })).rowCount ?? 0;
    },
  };
}

/**
 * Runs `work` in one transaction on a connection of `pool`: committed when it returns, rolled back when it throws.
 * A transaction left waiting on Node for a minute is ended by the server, so a stuck worker cannot hold its rows.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (sql: Sql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A connection the server drops (a restart, a failover) says so on the client too: without a listener that
  // is an unhandled 'error' event, which ends the process. The statement under way fails with it anyway.
  const dropped = (error: Error) => (broken = error);
  client.on('error', dropped);
  try {
    await client.query("begin; set local idle_in_transaction_session_timeout = '60s'");
    try {
      const result = await work(sqlOn(client));
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch((rollbackFailed: Error) => (broken = rollbackFailed));
      throw error;
    }
  } finally {
    // A connection whose rollback failed, or that the server dropped, is in no state to be lent again.
    client.off('error', dropped);
    client.release(broken);
  }
}
