// SQL on a node-postgres connection with Prisma's tagged-template manners (`${value}` is always a bound
// parameter): what projections write their read models with. A projection's transaction goes straight to pg;
// through Prisma's interactive transaction the same statements cost twice the time (bench/src/projections.ts).
import type pg from 'pg';

export interface Sql {
  /** Runs a query; each `${value}` is a bound parameter, never spliced into the text. */
  $queryRaw<T = unknown>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T>;
  /** Runs a statement; the number of rows it touched. */
  $executeRaw(strings: TemplateStringsArray, ...values: unknown[]): Promise<number>;
}

/** The text with `$1`, `$2` … in place of the template's values. */
function parameterised(strings: TemplateStringsArray): string {
  let text = strings[0]!;
  for (let i = 1; i < strings.length; i++) text += `$${i}${strings[i]}`;
  return text;
}

/** SQL on a pool (each statement on whichever connection is free) or on one connection (a transaction's). */
export function sqlOn(client: pg.Pool | pg.ClientBase): Sql {
  return {
    async $queryRaw<T>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T> {
      return (await client.query(parameterised(strings), values)).rows as T;
    },
    async $executeRaw(strings: TemplateStringsArray, ...values: unknown[]): Promise<number> {
      return (await client.query(parameterised(strings), values)).rowCount ?? 0;
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
    // A connection whose rollback failed is in no state to be lent again.
    client.release(broken);
  }
}
